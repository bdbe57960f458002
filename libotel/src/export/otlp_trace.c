/* Encodes the SDK's spans as an OTLP trace export request, in one backward pass. */
#include "export/otlp_trace.h"

#include <errno.h>

#include "export/otlp_common.h"
#include "export/otlp_fields.h"

/* W3C trace flags plus whether the parent (or linked) context was remote. */
static uint32_t span_flags(uint8_t trace_flags, bool has_parent, bool remote) {
  uint32_t f = trace_flags;
  if (has_parent)
    f |= OTLP_SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE | (remote ? OTLP_SPAN_FLAGS_CONTEXT_IS_REMOTE : 0);
  return f;
}

static void put_event(otel__pbw_t *w, const otel__event_t *e) {
  size_t mark = otel__pbw_mark(w);
  otel__pbw_varint_nz(w, OTLP_EVENT_DROPPED_ATTRIBUTES_COUNT, e->attrs.dropped);
  otel__otlp_put_attrs(w, OTLP_EVENT_ATTRIBUTES, &e->attrs);
  otel__pbw_string_nz(w, OTLP_EVENT_NAME, e->name);
  otel__pbw_fixed64_nz(w, OTLP_EVENT_TIME_UNIX_NANO, e->time_unix_ns);
  otel__pbw_close(w, OTLP_SPAN_EVENTS, mark);
}

static void put_link(otel__pbw_t *w, const otel__link_t *k) {
  size_t mark = otel__pbw_mark(w);
  otel__pbw_fixed32_nz(w, OTLP_LINK_FLAGS, span_flags(k->flags, true, k->is_remote));
  otel__pbw_varint_nz(w, OTLP_LINK_DROPPED_ATTRIBUTES_COUNT, k->attrs.dropped);
  otel__otlp_put_attrs(w, OTLP_LINK_ATTRIBUTES, &k->attrs);
  otel__pbw_string_nz(w, OTLP_LINK_TRACE_STATE, k->trace_state);
  otel__pbw_bytes(w, OTLP_LINK_SPAN_ID, k->span_id, OTEL_SPAN_ID_SIZE);
  otel__pbw_bytes(w, OTLP_LINK_TRACE_ID, k->trace_id, OTEL_TRACE_ID_SIZE);
  otel__pbw_close(w, OTLP_SPAN_LINKS, mark);
}

/* Fields last to first: the backward writer then leaves them in order. */
static void put_span(otel__pbw_t *w, const otel_span_t *s) {
  size_t mark = otel__pbw_mark(w);
  otel__pbw_fixed32_nz(w, OTLP_SPAN_FLAGS,
                       span_flags(s->ctx.flags, s->has_parent, s->parent_is_remote));
  if (s->status != OTEL_STATUS_UNSET) {
    size_t status = otel__pbw_mark(w);
    otel__pbw_varint(w, OTLP_STATUS_CODE, (uint64_t)s->status);
    otel__pbw_string_nz(w, OTLP_STATUS_MESSAGE, s->status_message);
    otel__pbw_close(w, OTLP_SPAN_STATUS, status);
  }
  otel__pbw_varint_nz(w, OTLP_SPAN_DROPPED_LINKS_COUNT, s->dropped_links);
  for (uint32_t i = s->n_links; i-- > 0;)
    put_link(w, &s->links[i]);
  otel__pbw_varint_nz(w, OTLP_SPAN_DROPPED_EVENTS_COUNT, s->dropped_events);
  for (uint32_t i = s->n_events; i-- > 0;)
    put_event(w, &s->events[i]);
  otel__pbw_varint_nz(w, OTLP_SPAN_DROPPED_ATTRIBUTES_COUNT, s->attrs.dropped);
  otel__otlp_put_attrs_block(w, OTLP_SPAN_ATTRIBUTES, &s->attrs, s->block, s->block_at);
  otel__pbw_fixed64_nz(w, OTLP_SPAN_END_TIME_UNIX_NANO, s->end_unix_ns);
  otel__pbw_fixed64_nz(w, OTLP_SPAN_START_TIME_UNIX_NANO, s->start_unix_ns);
  otel__pbw_varint_nz(w, OTLP_SPAN_KIND, (uint64_t)s->kind);
  otel__pbw_string_nz(w, OTLP_SPAN_NAME, s->name);
  if (s->has_parent)
    otel__pbw_bytes(w, OTLP_SPAN_PARENT_SPAN_ID, s->parent_span_id, OTEL_SPAN_ID_SIZE);
  otel__pbw_string_nz(w, OTLP_SPAN_TRACE_STATE, s->ctx.trace_state);
  otel__pbw_bytes(w, OTLP_SPAN_SPAN_ID, s->ctx.span_id, OTEL_SPAN_ID_SIZE);
  otel__pbw_bytes(w, OTLP_SPAN_TRACE_ID, s->ctx.trace_id, OTEL_TRACE_ID_SIZE);
  otel__pbw_close(w, OTLP_SCOPE_SPANS_SPANS, mark);
}

/* One ScopeSpans: the spans of `tracer` among spans[0, n), in their order. */
static void put_scope_spans(otel__pbw_t *w, const otel_tracer_t *tracer, otel_span_t *const *spans,
                            size_t n) {
  size_t mark = otel__pbw_mark(w);
  otel__pbw_string_nz(w, OTLP_SCOPE_SPANS_SCHEMA_URL, tracer->schema_url);
  for (size_t i = n; i-- > 0;)
    if (spans[i]->tracer == tracer)
      put_span(w, spans[i]);
  otel__otlp_put_scope(w, OTLP_SCOPE_SPANS_SCOPE, tracer->name, tracer->version, &tracer->attrs);
  otel__pbw_close(w, OTLP_RESOURCE_SPANS_SCOPE_SPANS, mark);
}

int otel__otlp_traces_encode(otel__pbw_t *w, const otel__resource_t *resource,
                             otel_span_t *const *spans, size_t n) {
  otel__pbw_reset(w);
  /* The distinct scopes, in order of first appearance. */
  const otel_tracer_t *scopes[OTEL__MAX_TRACERS + 1];
  size_t n_scopes = 0;
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < n_scopes && scopes[k] != spans[i]->tracer)
      k++;
    if (k == n_scopes && n_scopes < OTEL__MAX_TRACERS + 1)
      scopes[n_scopes++] = spans[i]->tracer;
  }
  size_t mark = otel__pbw_mark(w);
  for (size_t k = n_scopes; k-- > 0;)
    put_scope_spans(w, scopes[k], spans, n);
  otel__otlp_put_resource(w, OTLP_RESOURCE_SPANS_RESOURCE, resource);
  otel__pbw_close(w, OTLP_TRACES_RESOURCE_SPANS, mark);
  return w->failed ? -ENOMEM : 0;
}
