/*
 * The trace view of a file instead of exports: `receiver view [--all] FILE`
 * follows FILE's OTLP/JSON lines (what the collector's file exporter and
 * this receiver write) and shows the traces as they arrive, as make run
 * does (view.h). make docker-traces runs it on the compose collector's
 * output.
 */
#ifndef RX_FOLLOW_H
#define RX_FOLLOW_H

#include <stdbool.h>

/* Follows path until SIGTERM or SIGINT (blocked by the caller), from its
 * start when all is set, else from its end; a file replaced or truncated
 * meanwhile is read again from its start. Returns the exit status. */
int rx_follow(const char *path, bool all);

#endif
