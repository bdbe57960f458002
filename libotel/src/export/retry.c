/* Retry policy of the OTLP exporters: which answers are retried, and after how long. */
#include "export/retry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool otel__retry_status(long status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

int64_t otel__retry_delay_ms(unsigned attempt, int64_t retry_after_ms, uint64_t jitter,
                             uint64_t remaining_ms) {
  uint64_t delay;
  if (retry_after_ms >= 0) {
    delay = (uint64_t)retry_after_ms;
    if (delay > OTEL__RETRY_AFTER_MAX_MS)
      delay = OTEL__RETRY_AFTER_MAX_MS;
  } else {
    uint64_t ceiling = OTEL__RETRY_INITIAL_MS;
    for (unsigned i = 0; i < attempt && ceiling < OTEL__RETRY_MAX_MS; i++)
      ceiling *= 2;
    if (ceiling > OTEL__RETRY_MAX_MS)
      ceiling = OTEL__RETRY_MAX_MS;
    delay = ceiling / 2 + jitter % (ceiling / 2 + 1);
  }
  return delay < remaining_ms ? (int64_t)delay : -1;
}

static const char *const MONTHS[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 IMF-fixdate); -1 when malformed. */
static time_t parse_imf_fixdate(const char *v) {
  struct tm tm;
  char wday[4], mon[4], zone[4];
  int n = 0;
  memset(&tm, 0, sizeof(tm));
  if (strlen(v) != 29 ||
      sscanf(v, "%3[A-Za-z], %2d %3[A-Za-z] %4d %2d:%2d:%2d %3[A-Z]%n", wday, &tm.tm_mday, mon,
             &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, zone, &n) != 8 ||
      n != 29 || strcmp(zone, "GMT"))
    return -1;
  int m = 0;
  while (m < 12 && strcmp(mon, MONTHS[m]))
    m++;
  if (m == 12 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60)
    return -1;
  tm.tm_mon = m;
  tm.tm_year -= 1900;
  return timegm(&tm);
}

int64_t otel__retry_after_parse(const char *value, time_t now) {
  if (!value || !*value)
    return -1;
  if (value[0] >= '0' && value[0] <= '9') {
    char *end;
    unsigned long long s = strtoull(value, &end, 10);
    if (*end || s > 86400)
      return -1;
    return (int64_t)s * 1000;
  }
  time_t at = parse_imf_fixdate(value);
  if (at < 0)
    return -1;
  return at > now ? (int64_t)(at - now) * 1000 : 0;
}
