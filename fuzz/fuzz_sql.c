/*
 * libFuzzer target: the SQL summarizer and sanitizer on any text. The
 * summary stays within its bound and names no more operations than it
 * counts; the sanitized text fits its buffer, and sanitizing it again
 * changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input.h"
#include "sql_summary.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *sql = fuzz_text(data, size);
  if (!sql)
    return 0;
  otel__sql_summary_t s;
  otel__sql_summarize(sql, &s);
  if (strlen(s.text) > OTEL__SQL_SUMMARY_MAX || (s.operations == 0 && s.text[0]))
    abort();
  char out[4096];
  otel__sql_sanitize(sql, out, sizeof(out));
  if (strlen(out) >= sizeof(out))
    abort();
  if (strlen(sql) < sizeof(out) - 1) { /* not cut */
    char again[4096];
    otel__sql_sanitize(out, again, sizeof(again));
    if (strcmp(again, out))
      abort(); /* sanitizing is idempotent */
  }
  free(sql);
  return 0;
}
