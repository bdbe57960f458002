/*
 * Tracing: tracers, spans, their attributes, events, links and status.
 * A span owns copies of everything recorded on it. Recording calls return
 * void and count what they had to drop, so instrumented code needs no error
 * branches.
 */
#ifndef OTEL_TRACE_H
#define OTEL_TRACE_H

#include <otel/context.h>
#include <otel/otel.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum otel_span_kind {
  OTEL_SPAN_KIND_INTERNAL = 1,
  OTEL_SPAN_KIND_SERVER = 2,
  OTEL_SPAN_KIND_CLIENT = 3,
  OTEL_SPAN_KIND_PRODUCER = 4,
  OTEL_SPAN_KIND_CONSUMER = 5,
} otel_span_kind_t;

typedef enum otel_status_code {
  OTEL_STATUS_UNSET = 0,
  OTEL_STATUS_OK = 1,
  OTEL_STATUS_ERROR = 2,
} otel_status_code_t;

typedef struct otel_tracer otel_tracer_t;
typedef struct otel_span otel_span_t;
typedef struct otel_attr_block otel_attr_block_t;

/* A span's first member, which OTEL_SPAN_RECORDING() reads without a call:
 * instrumentation then costs a load and a branch while the SDK is off or the
 * span was not sampled. */
typedef struct otel_span_head {
  bool recording;
} otel_span_head_t;

/* Whether span (which may be NULL) records: otel_span_is_recording(), inline. */
#define OTEL_SPAN_RECORDING(span)                                                                  \
  ((span) != NULL && ((const otel_span_head_t *)(const void *)(span))->recording)

/* The tracer for an instrumentation scope (name and version are copied).
 * Returns a pointer valid for the life of the process; the same one for the
 * same name and version. Never NULL. Thread-safe. */
OTEL_API const otel_tracer_t *otel_tracer_get(const char *name, const char *version);

/* As otel_tracer_get(), for a scope with a schema URL and attributes too,
 * all copied and exported with its spans. The same pointer for the same
 * name, version, schema URL and attributes. Never NULL. Thread-safe. */
OTEL_API const otel_tracer_t *otel_tracer_get_scope(const otel_scope_info_t *scope);

/*
 * Starts a span. parent NULL means the current context of this thread; a
 * context with an invalid span context makes a root span. Never returns NULL:
 * when the SDK is off or the sampler drops the span, the span records nothing
 * but still carries a span context to propagate. The caller owns the span
 * until otel_span_end(). Thread-safe.
 */
OTEL_API otel_span_t *otel_span_start(const otel_tracer_t *tracer, const char *name,
                                      otel_span_kind_t kind, const otel_context_t *parent);

/* As otel_span_start(), with an explicit start time (Unix epoch, ns). */
OTEL_API otel_span_t *otel_span_start_at(const otel_tracer_t *tracer, const char *name,
                                         otel_span_kind_t kind, const otel_context_t *parent,
                                         uint64_t start_unix_ns);

/* A link to give a span as it starts: another span's context, and
 * attributes of the link (both borrowed for the call). */
typedef struct otel_link {
  const otel_span_context_t *context;
  const otel_attr_t *attrs;
  size_t n_attrs;
} otel_link_t;

/* What otel_span_start_with() takes beside the name, kind and parent. */
typedef struct otel_span_options {
  size_t size;            /* sizeof(otel_span_options_t): OTEL_SPAN_OPTIONS sets it */
  uint64_t start_unix_ns; /* 0: now */
  const otel_attr_t *attrs;
  size_t n_attrs;
  const otel_link_t *links;
  size_t n_links;
} otel_span_options_t;

#define OTEL_SPAN_OPTIONS(...)                                                                     \
  ((otel_span_options_t){.size = sizeof(otel_span_options_t), __VA_ARGS__})

/* As otel_span_start(), with attributes and links known at the start, which
 * the sampler sees (otel/sampler.h) and the span then carries, and a start
 * time. opts may be NULL; everything is copied. Thread-safe. */
OTEL_API otel_span_t *otel_span_start_with(const otel_tracer_t *tracer, const char *name,
                                           otel_span_kind_t kind, const otel_context_t *parent,
                                           const otel_span_options_t *opts);

/*
 * Ends the span and hands it to the export pipeline; never waits on I/O.
 * Takes the span: the pointer is invalid afterwards. End a scope the span is
 * current in before ending the span. Accepts NULL.
 */
OTEL_API void otel_span_end(otel_span_t *span);

/* As otel_span_end(), with an explicit end time (Unix epoch, ns). */
OTEL_API void otel_span_end_at(otel_span_t *span, uint64_t end_unix_ns);

/* Makes span the current span of this thread until otel_scope_end(); spans
 * started with a NULL parent become its children. span is borrowed. */
OTEL_API otel_scope_t otel_span_attach(otel_span_t *span);

/* The current span of this thread, or NULL. Borrowed. */
OTEL_API otel_span_t *otel_span_current(void);

/* The span's context; borrowed, valid until the span ends. */
OTEL_API const otel_span_context_t *otel_span_context(const otel_span_t *span);

/* Write the span's trace id as 32 lowercase hex digits, and its span id as
 * 16, each with a NUL: what a log line of the host's own carries to tie it
 * to the span. A NULL span (no current span) writes zeroes. Thread-safe. */
OTEL_API void otel_span_trace_id_hex(const otel_span_t *span, char out[OTEL_TRACE_ID_HEX_SIZE]);
OTEL_API void otel_span_id_hex(const otel_span_t *span, char out[OTEL_SPAN_ID_HEX_SIZE]);

/* True when the span records (it was sampled and has not ended). */
OTEL_API bool otel_span_is_recording(const otel_span_t *span);

/* Attributes. Setting a key again replaces its value. Keys and values are
 * copied; a value past the length limit is truncated, an attribute past the
 * count limit is dropped and counted. Not thread-safe for one span. */
OTEL_API void otel_span_set_attr(otel_span_t *span, const otel_attr_t *attr);
OTEL_API void otel_span_set_attrs(otel_span_t *span, const otel_attr_t *attrs, size_t n);
OTEL_API void otel_span_set_str(otel_span_t *span, const char *key, const char *value);
OTEL_API void otel_span_set_int(otel_span_t *span, const char *key, int64_t value);
OTEL_API void otel_span_set_bool(otel_span_t *span, const char *key, bool value);
OTEL_API void otel_span_set_double(otel_span_t *span, const char *key, double value);

/* For a key that is a string literal: kept as given, not copied, its
 * length known when compiled. Instrumentation that sets the same keys on
 * every request saves the copy and the strlen of each. A key that is not a
 * literal does not compile ("" key). The macros make no call, and do not
 * evaluate value, when the span does not record. */
OTEL_API void otel_span_set_literal(otel_span_t *span, const otel_attr_t *attr, size_t key_len);
#define OTEL_SPAN_SET_STR(span, key, value) OTEL__SPAN_SET(span, OTEL_ATTR_STR, key, value)
#define OTEL_SPAN_SET_INT(span, key, value) OTEL__SPAN_SET(span, OTEL_ATTR_INT, key, value)
#define OTEL__SPAN_SET(span, make, key, value)                                                     \
  do {                                                                                             \
    otel_span_t *otel_span_ = (span);                                                              \
    if (OTEL_SPAN_RECORDING(otel_span_))                                                           \
      otel_span_set_literal(otel_span_, &make("" key, (value)), sizeof(key) - 1);                  \
  } while (0)

/* --- Constant attribute sets --- */

/* Attributes that many spans carry alike (a database's, a server's, a
 * statement's), copied and encoded once: setting the block on a span then
 * costs about as much as setting one attribute, and an export copies its
 * encoded bytes whole. Returns the block with one reference, the caller's, or
 * NULL when out of memory. A block never changes; thread-safe. */
OTEL_API otel_attr_block_t *otel_attr_block_new(const otel_attr_t *attrs, size_t n);

/* Gives up the caller's reference. A span the block is set on holds its own
 * until it is exported, so this may come right after the last
 * otel_span_set_block(). Accepts NULL. Thread-safe. */
OTEL_API void otel_attr_block_release(otel_attr_block_t *block);

/* Sets the block's attributes on span, as otel_span_set_attrs() would:
 * replaced by a later set of the same key, held to the span's limits. (When
 * the span already has one of its keys or a block, or a limit would cut it,
 * the attributes are copied one by one.) Not thread-safe for one span. */
OTEL_API void otel_span_set_block(otel_span_t *span, otel_attr_block_t *block);

/* Renames the span (e.g. once a router knows the route template). */
OTEL_API void otel_span_update_name(otel_span_t *span, const char *name);

/* Adds an event now, with attrs copied. */
OTEL_API void otel_span_add_event(otel_span_t *span, const char *name, const otel_attr_t *attrs,
                                  size_t n);

/* Adds an "exception" event with exception.type, exception.message and
 * exception.stacktrace (each may be NULL). Does not change the status. */
OTEL_API void otel_span_record_exception(otel_span_t *span, const char *type, const char *message,
                                         const char *stacktrace);

/* As otel_span_record_exception(), with attrs (copied) added to the event,
 * as otel_span_add_event() adds them. One that names an attribute of the
 * three (exception.message, say) replaces it. */
OTEL_API void otel_span_record_exception_attrs(otel_span_t *span, const char *type,
                                               const char *message, const char *stacktrace,
                                               const otel_attr_t *attrs, size_t n);

/* Adds a link to another span context, with attrs copied. */
OTEL_API void otel_span_add_link(otel_span_t *span, const otel_span_context_t *link,
                                 const otel_attr_t *attrs, size_t n);

/* Sets the status. The description is kept for ERROR only; OK is final; UNSET
 * is ignored, as the specification says. */
OTEL_API void otel_span_set_status(otel_span_t *span, otel_status_code_t code,
                                   const char *description);

/* --- URLs in telemetry --- */

/* Writes url (a full URL or a request target such as "/path?query") into
 * out as the HTTP semantic conventions let it be recorded: credentials as
 * "REDACTED:REDACTED@", and the values of the sensitive query parameters
 * (OTEL_INSTRUMENTATION_HTTP_SENSITIVE_QUERY_PARAMETERS, by default the
 * conventions' AWSAccessKeyId, Signature, sig, X-Goog-Signature and
 * X-Amz-Credential, X-Amz-Security-Token, X-Amz-Signature) as "REDACTED",
 * keys kept. Cut to fit size bytes with the NUL. Returns out. Thread-safe. */
OTEL_API const char *otel_url_redact(const char *url, char *out, size_t size);

/* False when otel_url_redact() would return url unchanged (no query and no
 * "@"): the check that lets a caller skip the copy. Thread-safe. */
OTEL_API bool otel_url_needs_redaction(const char *url);

#ifdef __cplusplus
}
#endif

#endif
