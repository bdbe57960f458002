/*
 * When to retry an OTLP export, and after how long: the decisions alone, with
 * the randomness passed in, so they can be tested exactly.
 */
#ifndef OTEL_RETRY_H
#define OTEL_RETRY_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define OTEL__RETRY_INITIAL_MS 250
#define OTEL__RETRY_MAX_MS 8000
#define OTEL__RETRY_AFTER_MAX_MS 60000

/* Whether an HTTP status is worth another attempt (429, 502, 503, 504). */
bool otel__retry_status(long status);

/*
 * Milliseconds to wait before attempt number `attempt + 1` (attempt counts
 * from 0), or -1 to give up because the wait would not end before
 * remaining_ms. The wait is the exponential backoff with "equal jitter" (half
 * fixed, half random from jitter), or the server's Retry-After when it gave
 * one (retry_after_ms >= 0), capped at OTEL__RETRY_AFTER_MAX_MS.
 */
int64_t otel__retry_delay_ms(unsigned attempt, int64_t retry_after_ms, uint64_t jitter,
                             uint64_t remaining_ms);

/* A Retry-After value (delay-seconds or an IMF-fixdate) as milliseconds from
 * now (0 for a date in the past), or -1 when it is neither. */
int64_t otel__retry_after_parse(const char *value, time_t now);

#endif
