/*
 * A span as processors and exporters read it: name, kind, ids, parent,
 * times, status, scope, resource, attributes, events and links. Every
 * accessor takes the view a processor or exporter was handed (or
 * otel_span_data() of a span still in the caller's hands) and returns what
 * the span holds, borrowed for as long as the view is valid: the call it was
 * passed to. Copy what must outlive it. Reading a view is thread-safe.
 *
 * Accessors rather than a struct: the span's layout can change without
 * breaking a program built against an earlier libotel.so.
 */
#ifndef OTEL_SPAN_DATA_H
#define OTEL_SPAN_DATA_H

#include <otel/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct otel_span_data otel_span_data_t;

/* The view of a span that has not ended (what on_start may read). */
OTEL_API const otel_span_data_t *otel_span_data(const otel_span_t *span);

OTEL_API const char *otel_span_data_name(const otel_span_data_t *d);
OTEL_API otel_span_kind_t otel_span_data_kind(const otel_span_data_t *d);
/* Trace id, span id, flags (sampled or not) and tracestate. */
OTEL_API const otel_span_context_t *otel_span_data_context(const otel_span_data_t *d);
/* The parent's span id (OTEL_SPAN_ID_SIZE bytes), or NULL for a root span. */
OTEL_API const uint8_t *otel_span_data_parent_span_id(const otel_span_data_t *d);
/* Whether the parent came from another process (extracted from a request). */
OTEL_API bool otel_span_data_parent_is_remote(const otel_span_data_t *d);
/* Unix epoch, ns; the end is 0 until the span ends. */
OTEL_API uint64_t otel_span_data_start_time(const otel_span_data_t *d);
OTEL_API uint64_t otel_span_data_end_time(const otel_span_data_t *d);
/* The status, and its description (NULL but for ERROR) in *description
 * when description is not NULL. */
OTEL_API otel_status_code_t otel_span_data_status(const otel_span_data_t *d,
                                                  const char **description);
OTEL_API const otel_attr_list_t *otel_span_data_attrs(const otel_span_data_t *d);

/* Events, in the order they were added; dropped: those past the limit. */
OTEL_API size_t otel_span_data_event_count(const otel_span_data_t *d);
OTEL_API const char *otel_span_data_event_name(const otel_span_data_t *d, size_t i);
OTEL_API uint64_t otel_span_data_event_time(const otel_span_data_t *d, size_t i);
OTEL_API const otel_attr_list_t *otel_span_data_event_attrs(const otel_span_data_t *d, size_t i);
OTEL_API uint32_t otel_span_data_dropped_events(const otel_span_data_t *d);

/* Links, in the order they were added. The context is written to *out
 * (false, and nothing written, when i is out of range). */
OTEL_API size_t otel_span_data_link_count(const otel_span_data_t *d);
OTEL_API bool otel_span_data_link_context(const otel_span_data_t *d, size_t i,
                                          otel_span_context_t *out);
OTEL_API const otel_attr_list_t *otel_span_data_link_attrs(const otel_span_data_t *d, size_t i);
OTEL_API uint32_t otel_span_data_dropped_links(const otel_span_data_t *d);

/* The instrumentation scope: its tracer's name, version ("" when none),
 * schema URL (NULL when none) and attributes. */
OTEL_API const char *otel_span_data_scope_name(const otel_span_data_t *d);
OTEL_API const char *otel_span_data_scope_version(const otel_span_data_t *d);
OTEL_API const char *otel_span_data_scope_schema_url(const otel_span_data_t *d);
OTEL_API const otel_attr_list_t *otel_span_data_scope_attrs(const otel_span_data_t *d);

/* The resource the SDK was started with (service.name and the rest). */
OTEL_API const otel_attr_list_t *otel_span_data_resource(const otel_span_data_t *d);

#ifdef __cplusplus
}
#endif

#endif
