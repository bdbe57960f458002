/*
 * Log records as JSON lines on stdout, with the keys of the reference's
 * Python logging setup (asctime, levelname, name, message, otelTraceID,
 * otelSpanID, otelTraceSampled, otelServiceName) and the record's fields.
 */
#include <otel/log.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "export/batch.h"
#include "otlp_codec.h"
#include "common/clock.h"
#include "trace/context_internal.h"
#include "logs/log_data.h"
#include "logs/log_record.h"
#include "common/state.h"
#include "logs/stdout_writer.h"

#define LINE_MAX_BYTES (64 * 1024)
/* Room made at once for a line: more than most lines take. */
#define LINE_USUAL_BYTES 1024
/* A line past LINE_MAX_BYTES is written again with its longest strings cut
 * to a share of this (what the keys, numbers and markers leave room for),
 * then to half of that, and so on: it is shortened, never dropped. */
#define LINE_TEXT_BUDGET (LINE_MAX_BYTES - 8192)
#define SHORTEST_CUT 16

static const char *level_name(otel_severity_t s) {
  if (s >= OTEL_SEVERITY_FATAL)
    return "CRITICAL";
  if (s >= OTEL_SEVERITY_ERROR)
    return "ERROR";
  if (s >= OTEL_SEVERITY_WARN)
    return "WARNING";
  if (s >= OTEL_SEVERITY_INFO)
    return "INFO";
  return "DEBUG";
}

/* n decimal digits of v, zero-padded on the left, at out (no NUL). */
static void digits(char *out, unsigned v, int n) {
  while (n-- > 0) {
    out[n] = (char)('0' + v % 10);
    v /= 10;
  }
}

/* Python logging's default asctime, in UTC: "2026-11-23 10:00:00,123". The
 * date and time are formatted once a second per thread; the thousandths are
 * written from their digits. */
static void put_asctime(otlp_buf_t *b, uint64_t ns) {
  static _Thread_local time_t formatted = -1;
  static _Thread_local char text[24]; /* "2026-11-23 10:00:00,123" */
  time_t secs = (time_t)(ns / 1000000000u);
  if (secs != formatted) {
    struct tm tm;
    gmtime_r(&secs, &tm);
    if (strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S,", &tm) != 20)
      memset(text, '?', 20); /* a year past 9999 */
    formatted = secs;
  }
  digits(text + 20, (unsigned)(ns / 1000000u % 1000u), 3);
  otlp_buf_putc(b, '"');
  otlp_buf_append(b, text, 23);
  otlp_buf_putc(b, '"');
}

/* A key of the line's own, a string literal that needs no escaping: one
 * append of its text with the comma, quotes and colon around it. */
#define PUT_OWN_KEY(b, key) otlp_buf_append((b), ",\"" key "\":", sizeof(",\"" key "\":") - 1)

static void put_key(otlp_buf_t *b, const char *key, size_t n) {
  otlp_buf_putc(b, ',');
  otlp_buf_json_string(b, key, n);
  otlp_buf_putc(b, ':');
}

static void put_str(otlp_buf_t *b, const char *s) { otlp_buf_json_string(b, s, strlen(s)); }

/* s[0..n) as a JSON string of at most cut bytes of it (at a UTF-8
 * boundary), with "... [shortened from N bytes]" at the end of one that was cut. */
static void put_text(otlp_buf_t *b, const char *s, size_t n, size_t cut) {
  if (n <= cut) {
    otlp_buf_json_string(b, s, n);
    return;
  }
  while (cut > 0 && ((unsigned char)s[cut] & 0xc0) == 0x80)
    cut--;
  otlp_buf_json_string(b, s, cut);
  if (b->failed)
    return;
  b->len--; /* reopen the string for the marker */
  otlp_buf_printf(b, "... [shortened from %zu bytes]\"", n);
}

static void put_scalar(otlp_buf_t *b, otel_value_type_t type, const void *v, size_t cut) {
  switch (type) {
  case OTEL_VALUE_STRING: {
    const char *s = *(const char *const *)v ? *(const char *const *)v : "";
    put_text(b, s, strlen(s), cut);
    break;
  }
  case OTEL_VALUE_BOOL:
    otlp_buf_puts(b, *(const bool *)v ? "true" : "false");
    break;
  case OTEL_VALUE_INT:
    otlp_buf_put_int(b, *(const int64_t *)v);
    break;
  default: {
    double d = *(const double *)v;
    if (d != d || d - d != 0) /* NaN or infinite: not JSON numbers */
      otlp_buf_printf(b, "\"%g\"", d);
    else
      otlp_buf_put_double(b, d);
  }
  }
}

static void put_value(otlp_buf_t *b, const otel_attr_t *a, size_t cut) {
  static const size_t sizes[] = {sizeof(const char *), sizeof(bool), 8, 8};
  if (a->type <= OTEL_VALUE_DOUBLE) {
    put_scalar(b, a->type, &a->v, cut);
    return;
  }
  otel_value_type_t item = (otel_value_type_t)(a->type - OTEL_VALUE_STRING_ARRAY);
  otlp_buf_putc(b, '[');
  for (size_t i = 0; i < a->v.array.len; i++) {
    if (i)
      otlp_buf_putc(b, ',');
    put_scalar(b, item, (const char *)a->v.array.items + i * sizes[item], cut);
  }
  otlp_buf_putc(b, ']');
}

/* How many strings a line holds: the message and every string value. */
static size_t strings_in(const otel_attr_t *attrs, size_t n) {
  size_t count = 1;
  for (size_t i = 0; i < n; i++)
    if (attrs[i].key && attrs[i].type == OTEL_VALUE_STRING)
      count++;
    else if (attrs[i].key && attrs[i].type == OTEL_VALUE_STRING_ARRAY)
      count += attrs[i].v.array.len;
  return count;
}

/* What one otel_log() call writes. */
typedef struct {
  otel_severity_t severity;
  const char *level; /* the severity's name */
  const char *logger;
  const char *message;
  size_t message_len;
  const otel_attr_t *attrs;
  size_t n;
  const otel_span_context_t *sc; /* NULL outside a span */
  uint64_t now;
} entry_t;

/* The JSON line, its strings cut to cut bytes each (SIZE_MAX: whole), and,
 * when record is not NULL, the OTLP record's attributes in the same pass:
 * each key's and string's length is taken once for both. */
static void format_line(otlp_buf_t *line, otel__log_writer_t *record, const entry_t *e,
                        size_t cut) {
  otlp_buf_puts(line, "{\"asctime\":");
  put_asctime(line, e->now);
  PUT_OWN_KEY(line, "levelname");
  put_str(line, e->level);
  PUT_OWN_KEY(line, "name");
  put_str(line, e->logger);
  PUT_OWN_KEY(line, "message");
  put_text(line, e->message, e->message_len, cut);
  PUT_OWN_KEY(line, "otelTraceID");
  if (e->sc) {
    otlp_buf_putc(line, '"');
    otlp_buf_hex(line, e->sc->trace_id, OTEL_TRACE_ID_SIZE);
    otlp_buf_puts(line, "\",\"otelSpanID\":\"");
    otlp_buf_hex(line, e->sc->span_id, OTEL_SPAN_ID_SIZE);
    otlp_buf_putc(line, '"');
  } else {
    otlp_buf_puts(line, "\"0\",\"otelSpanID\":\"0\"");
  }
  PUT_OWN_KEY(line, "otelTraceSampled");
  otlp_buf_puts(line, e->sc && (e->sc->flags & OTEL_TRACE_FLAG_SAMPLED) ? "true" : "false");
  PUT_OWN_KEY(line, "otelServiceName");
  put_str(line, otel__sdk_service_name());
  for (size_t i = 0; i < e->n; i++) {
    const otel_attr_t *a = &e->attrs[i];
    size_t klen = a->key ? strlen(a->key) : 0;
    const char *s = a->type == OTEL_VALUE_STRING ? (a->v.s ? a->v.s : "") : NULL;
    size_t slen = s ? strlen(s) : 0;
    if (record)
      otel__log_writer_attr(record, a, klen, slen);
    if (!a->key)
      continue;
    put_key(line, a->key, klen);
    if (s)
      put_text(line, s, slen, cut);
    else
      put_value(line, a, cut);
  }
  otlp_buf_puts(line, "}\n");
}

/* Where a record goes while the SDK is on: to the program's log record
 * processors (*emit, which take it on to the pipeline), or else straight
 * to the pipeline's queue (returned; NULL when no exporter takes logs). */
static otel__batch_t *way_out(void (**emit)(const otel__log_entry_t *)) {
  *emit = NULL;
  if (!otel__sdk_enabled())
    return NULL;
  *emit = otel__sdk.log_hooks.emit;
  return *emit ? NULL : otel__sdk.logs;
}

void otel__log_record_emit(otel_severity_t severity, const char *logger, const char *message,
                           const otel_attr_t *attrs, size_t n) {
  void (*emit)(const otel__log_entry_t *);
  otel__batch_t *logs = way_out(&emit);
  if (!logs && !emit)
    return;
  const otel_span_context_t *sc = otel__current_span_context();
  otel__log_entry_t e = {otel__now_unix_ns(),
                         severity,
                         level_name(severity),
                         logger,
                         NULL,
                         message,
                         attrs,
                         n,
                         otel_span_context_is_valid(sc) ? sc : NULL};
  if (emit) {
    emit(&e);
    return;
  }
  otel__log_record_t *r = otel__log_record_new(e.time_unix_ns, severity, e.severity_text, logger,
                                               NULL, message, attrs, n, e.sc);
  if (r && otel__batch_push(logs, r) != 0)
    otel__log_record_free(r);
}

/* Whether a record of severity is written at all: one minimum for every logger. */
static inline bool enabled(otel_severity_t severity) {
  return (int)severity >= otel__sdk.config.log_min_severity;
}

bool otel_log_enabled(otel_severity_t severity, const char *logger) {
  (void)logger;
  return enabled(severity);
}

/* otel_log_event() once the record is known to be wanted (event_name NULL: none). */
static void log_event(otel_severity_t severity, const char *logger, const char *event_name,
                      const char *message, const otel_attr_t *attrs, size_t n) {
  otlp_buf_t line; /* per call: a per-thread buffer would outlive pool threads */
  otlp_buf_init(&line, LINE_MAX_BYTES);
  otlp_buf_reserve(&line, LINE_USUAL_BYTES); /* one allocation for most lines */

  const otel_span_context_t *sc = otel__current_span_context();
  entry_t e = {.severity = severity,
               .level = level_name(severity),
               .logger = logger ? logger : "",
               .message = message ? message : "",
               .attrs = attrs,
               .n = n,
               .sc = otel_span_context_is_valid(sc) ? sc : NULL,
               .now = otel__now_unix_ns()};
  e.message_len = strlen(e.message);
  void (*emit)(const otel__log_entry_t *);
  otel__batch_t *logs = way_out(&emit);
  otel__log_writer_t record; /* over OTLP too, by the log record processor */
  if (logs)
    otel__log_writer_begin(&record, e.now, severity, e.level, e.message, e.message_len, n);
  format_line(&line, logs ? &record : NULL, &e, SIZE_MAX);
  for (size_t cut = LINE_TEXT_BUDGET / strings_in(attrs, n); line.failed && cut >= SHORTEST_CUT;
       cut /= 2) { /* too long: shortened, the longest strings first */
    otlp_buf_clear(&line);
    format_line(&line, NULL, &e, cut);
  }
  if (logs) {
    otel__log_record_t *r = record.failed
                                ? otel__log_record_new(e.now, severity, e.level, logger, event_name,
                                                       message, attrs, n, e.sc)
                                : otel__log_writer_end(&record, e.now, logger, event_name, e.sc);
    if (r && otel__batch_push(logs, r) != 0)
      otel__log_record_free(r);
  }
  if (!line.failed) /* lost only when even the shortest cut does not fit */
    otel__stdout_line(line.data, line.len);
  otlp_buf_free(&line);
  if (emit)
    emit(&(otel__log_entry_t){e.now, severity, e.level, logger, event_name, message, attrs, n,
                              e.sc});
}

void otel_log_event(otel_severity_t severity, const char *logger, const char *event_name,
                    const char *message, const otel_attr_t *attrs, size_t n) {
  if (enabled(severity))
    log_event(severity, logger, event_name && *event_name ? event_name : NULL, message, attrs, n);
}

void otel_log(otel_severity_t severity, const char *logger, const char *message,
              const otel_attr_t *attrs, size_t n) {
  if (enabled(severity))
    log_event(severity, logger, NULL, message, attrs, n);
}
