/*
 * libotel: an OpenTelemetry SDK for C. This header holds the SDK's lifecycle
 * (init, flush, shutdown) and the attribute values every signal records.
 * The signals have headers of their own: trace.h (spans), context.h
 * (context, propagation, baggage), metrics.h and log.h; each includes this
 * one. The integrations' are mhd.h, pq.h and curl.h; instrument.h is for a
 * program run under otel-instrument.
 */
#ifndef OTEL_OTEL_H
#define OTEL_OTEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OTEL_SDK_NAME "libotel"
#define OTEL_SDK_VERSION "0.1.0"

/* Marks the public API: libotel is built with hidden visibility, so its
 * shared library (libotel.so) exports what carries this and nothing else. */
#define OTEL_API __attribute__((visibility("default")))

/* The types an attribute value can have; the OTLP AnyValue subset that the
 * specification allows for attributes (primitives and homogeneous arrays). */
typedef enum otel_value_type {
  OTEL_VALUE_STRING,
  OTEL_VALUE_BOOL,
  OTEL_VALUE_INT,
  OTEL_VALUE_DOUBLE,
  OTEL_VALUE_STRING_ARRAY,
  OTEL_VALUE_BOOL_ARRAY,
  OTEL_VALUE_INT_ARRAY,
  OTEL_VALUE_DOUBLE_ARRAY,
} otel_value_type_t;

/* One attribute. Everything it points to is borrowed for the duration of the
 * call it is passed to: the SDK copies what it keeps. A NULL string value
 * (or string array item) is recorded as the empty string. */
typedef struct otel_attr {
  const char *key;
  otel_value_type_t type;
  union {
    const char *s;
    bool b;
    int64_t i;
    double d;
    struct {
      const void *items; /* const char *const[], bool[], int64_t[], double[] */
      size_t len;
    } array;
  } v;
} otel_attr_t;

#define OTEL_ATTR_STR(k, x) ((otel_attr_t){.key = (k), .type = OTEL_VALUE_STRING, .v.s = (x)})
#define OTEL_ATTR_BOOL(k, x) ((otel_attr_t){.key = (k), .type = OTEL_VALUE_BOOL, .v.b = (x)})
#define OTEL_ATTR_INT(k, x) ((otel_attr_t){.key = (k), .type = OTEL_VALUE_INT, .v.i = (x)})
#define OTEL_ATTR_DOUBLE(k, x) ((otel_attr_t){.key = (k), .type = OTEL_VALUE_DOUBLE, .v.d = (x)})
#define OTEL_ATTR_ARRAY(k, t, p, n)                                                                \
  ((otel_attr_t){.key = (k), .type = (t), .v.array = {.items = (p), .len = (n)}})

/* An instrumentation scope in full: its name, version, schema URL and
 * attributes (each may be NULL or empty). */
typedef struct otel_scope_info {
  const char *name;
  const char *version;
  const char *schema_url;
  const otel_attr_t *attrs;
  size_t n_attrs;
} otel_scope_info_t;

/* Describes the instrumentation scope named scope->name for the
 * instruments and log records that name it (otel_counter("name", ...),
 * otel_log(severity, "name", ...)): its version, schema URL and attributes
 * (copied) are exported with them. Tracers take theirs from
 * otel_tracer_get_scope(). A name is described once, best before its first
 * use. Returns 0; -EEXIST when the name was described already; -EINVAL
 * without a name; -ENOSPC past 64 scopes; -ENOMEM. Thread-safe. */
OTEL_API int otel_scope_describe(const otel_scope_info_t *scope);

/* A set of attributes the SDK keeps (a span's, a log record's, the
 * resource's), as processors and exporters read it: one value per key, in
 * the order they were first set. Borrowed from what holds it. Thread-safe
 * to read. */
typedef struct otel_attr_list otel_attr_list_t;

OTEL_API size_t otel_attr_list_len(const otel_attr_list_t *list);
/* The i-th attribute (i < len), or NULL. */
OTEL_API const otel_attr_t *otel_attr_list_at(const otel_attr_list_t *list, size_t i);
/* The attribute with that key, or NULL. */
OTEL_API const otel_attr_t *otel_attr_list_find(const otel_attr_list_t *list, const char *key);
/* How many attributes the limits dropped. */
OTEL_API uint32_t otel_attr_list_dropped(const otel_attr_list_t *list);

/*
 * Reads the OTEL_* environment and starts the SDK: resource, sampler,
 * propagators, exporters and their background threads. default_service_name
 * is used when OTEL_SERVICE_NAME is not set (borrowed, copied).
 * Call once, on the main thread, before any other thread uses the SDK: it
 * performs libcurl's global initialisation. It also starts the thread that
 * writes log lines (otel/log.h) to stdout. With OTEL_SDK_DISABLED=true it
 * starts nothing else and every other API call is a no-op.
 * Returns 0, or a negative errno value when a thread or buffer could not be
 * created (the SDK then stays a no-op; the host keeps running).
 * Not thread-safe.
 */
OTEL_API int otel_init(const char *default_service_name);

/* Exports everything recorded so far, waiting at most timeout_ms.
 * Returns 0, or -ETIMEDOUT. Thread-safe. */
OTEL_API int otel_force_flush(uint32_t timeout_ms);

/* Flushes and stops the SDK within timeout_ms, even when the collector
 * never answers, and writes the log lines still queued for stdout. Later
 * API calls, and a second shutdown, are no-ops; later log lines are written
 * by their callers.
 * Returns 0, or -ETIMEDOUT when something could not be exported in time.
 * Call from one thread, after request threads are done with the SDK. */
OTEL_API int otel_shutdown(uint32_t timeout_ms);

/* True when the SDK was initialised, is enabled and not shut down. Thread-safe. */
OTEL_API bool otel_enabled(void);

#ifdef __cplusplus
}
#endif

#endif
