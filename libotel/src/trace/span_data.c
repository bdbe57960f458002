/* The read-only view of a span (<otel/span_data.h>): the span itself, read. */
#include <otel/span_data.h>
#include <string.h>

#include "common/state.h"
#include "trace/span.h"

static const otel_span_t *span_of(const otel_span_data_t *d) {
  return (const otel_span_t *)(const void *)d;
}

const otel_span_data_t *otel_span_data(const otel_span_t *span) {
  return (const otel_span_data_t *)(const void *)span;
}

const char *otel_span_data_name(const otel_span_data_t *d) {
  const char *name = span_of(d)->name;
  return name ? name : "";
}

otel_span_kind_t otel_span_data_kind(const otel_span_data_t *d) { return span_of(d)->kind; }

const otel_span_context_t *otel_span_data_context(const otel_span_data_t *d) {
  return &span_of(d)->ctx;
}

const uint8_t *otel_span_data_parent_span_id(const otel_span_data_t *d) {
  return span_of(d)->has_parent ? span_of(d)->parent_span_id : NULL;
}

bool otel_span_data_parent_is_remote(const otel_span_data_t *d) {
  return span_of(d)->parent_is_remote;
}

uint64_t otel_span_data_start_time(const otel_span_data_t *d) { return span_of(d)->start_unix_ns; }

uint64_t otel_span_data_end_time(const otel_span_data_t *d) { return span_of(d)->end_unix_ns; }

otel_status_code_t otel_span_data_status(const otel_span_data_t *d, const char **description) {
  if (description)
    *description = span_of(d)->status_message;
  return span_of(d)->status;
}

const otel_attr_list_t *otel_span_data_attrs(const otel_span_data_t *d) {
  return otel__attr_list(&span_of(d)->attrs);
}

size_t otel_span_data_event_count(const otel_span_data_t *d) { return span_of(d)->n_events; }

static const otel__event_t *event(const otel_span_data_t *d, size_t i) {
  return i < span_of(d)->n_events ? &span_of(d)->events[i] : NULL;
}

const char *otel_span_data_event_name(const otel_span_data_t *d, size_t i) {
  return event(d, i) ? event(d, i)->name : NULL;
}

uint64_t otel_span_data_event_time(const otel_span_data_t *d, size_t i) {
  return event(d, i) ? event(d, i)->time_unix_ns : 0;
}

const otel_attr_list_t *otel_span_data_event_attrs(const otel_span_data_t *d, size_t i) {
  return event(d, i) ? otel__attr_list(&event(d, i)->attrs) : NULL;
}

uint32_t otel_span_data_dropped_events(const otel_span_data_t *d) {
  return span_of(d)->dropped_events;
}

size_t otel_span_data_link_count(const otel_span_data_t *d) { return span_of(d)->n_links; }

static const otel__link_t *link_at(const otel_span_data_t *d, size_t i) {
  return i < span_of(d)->n_links ? &span_of(d)->links[i] : NULL;
}

bool otel_span_data_link_context(const otel_span_data_t *d, size_t i, otel_span_context_t *out) {
  const otel__link_t *k = link_at(d, i);
  if (!k || !out)
    return false;
  memset(out, 0, sizeof(*out));
  memcpy(out->trace_id, k->trace_id, sizeof(out->trace_id));
  memcpy(out->span_id, k->span_id, sizeof(out->span_id));
  out->flags = k->flags;
  out->is_remote = k->is_remote;
  size_t len = strlen(k->trace_state);
  if (len <= OTEL_TRACESTATE_MAX)
    memcpy(out->trace_state, k->trace_state, len + 1);
  return true;
}

const otel_attr_list_t *otel_span_data_link_attrs(const otel_span_data_t *d, size_t i) {
  return link_at(d, i) ? otel__attr_list(&link_at(d, i)->attrs) : NULL;
}

uint32_t otel_span_data_dropped_links(const otel_span_data_t *d) {
  return span_of(d)->dropped_links;
}

static const otel_tracer_t *tracer(const otel_span_data_t *d) {
  return span_of(d)->tracer ? span_of(d)->tracer : &otel__default_tracer;
}

const char *otel_span_data_scope_name(const otel_span_data_t *d) { return tracer(d)->name; }

const char *otel_span_data_scope_version(const otel_span_data_t *d) { return tracer(d)->version; }

const char *otel_span_data_scope_schema_url(const otel_span_data_t *d) {
  return tracer(d)->schema_url;
}

const otel_attr_list_t *otel_span_data_scope_attrs(const otel_span_data_t *d) {
  return otel__attr_list(&tracer(d)->attrs);
}

const otel_attr_list_t *otel_span_data_resource(const otel_span_data_t *d) {
  (void)d;
  return otel__attr_list(&otel__sdk.resource.attrs);
}
