/*
 * What every service's main does, once: read HOST, PORT, HTTP_THREADS and
 * WORKER_THREADS, start telemetry and the HTTP server, wait for SIGTERM or
 * SIGINT, then stop accepting, finish requests in flight, flush telemetry and
 * exit 0.
 */
#ifndef SVC_SERVICE_H
#define SVC_SERVICE_H

#include "http.h"

typedef struct svc_spec {
  const char *name; /* the program, and service.name unless OTEL_SERVICE_NAME says otherwise */
  unsigned default_port;
  const svc_route_t *routes;
  size_t n_routes;
  const char *token_var; /* the variable whose token SVC_AUTH routes need, e.g. "API_TOKEN" */
  /* The service's own background work, beside requests (may be NULL):
   * started once telemetry and the server are up (non-zero: exit 1), and
   * stopped after requests in flight have finished, before telemetry is
   * flushed. */
  int (*start)(void);
  void (*stop)(void);
} svc_spec_t;

/* First thing in main: names the program for errors, blocks the stop signals. */
void svc_begin(const char *name);

/* Runs the service until a stop signal; returns the process exit code. */
int svc_run(const svc_spec_t *spec);

/* service.name as telemetry reports it. Borrowed, valid for the process. */
const char *svc_service_name(void);

#endif
