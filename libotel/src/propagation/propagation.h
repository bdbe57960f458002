/*
 * The W3C parsers over a header sent as several field lines, which RFC 9110
 * section 5.3 makes one comma-separated list, in order: what extraction uses.
 */
#ifndef OTEL_PROPAGATION_H
#define OTEL_PROPAGATION_H

#include <otel/context.h>

/* otel_tracestate_parse() over lines[0..n) taken as one list: -EINVAL when
 * any line holds an invalid member, or the lines hold more than 32 keys. */
int otel__tracestate_parse_lines(const char *const *lines, size_t n,
                                 char out[OTEL_TRACESTATE_MAX + 1]);

/* otel_baggage_parse() over lines[0..n) taken as one list, 8192 bytes in all
 * at the most; NULL when nothing valid remains. */
otel_baggage_t *otel__baggage_parse_lines(const char *const *lines, size_t n);

#endif
