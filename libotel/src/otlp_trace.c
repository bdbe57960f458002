/* Converts the SDK's spans into OTLP trace messages (protobuf-c structs in an arena). */
#include "otlp_trace.h"

#include "otlp_common.h"

typedef Opentelemetry__Proto__Trace__V1__ResourceSpans pb_resource_spans_t;
typedef Opentelemetry__Proto__Trace__V1__ScopeSpans pb_scope_spans_t;
typedef Opentelemetry__Proto__Trace__V1__Span__Event pb_event_t;
typedef Opentelemetry__Proto__Trace__V1__Span__Link pb_link_t;
typedef Opentelemetry__Proto__Trace__V1__Status pb_status_t;

#define MUTABLE(s) ((char *)(s))
#define FLAG_HAS_IS_REMOTE OPENTELEMETRY__PROTO__TRACE__V1__SPAN_FLAGS__SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK
#define FLAG_IS_REMOTE OPENTELEMETRY__PROTO__TRACE__V1__SPAN_FLAGS__SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK

/* W3C trace flags plus whether the parent (or linked) context was remote. */
static uint32_t span_flags(uint8_t trace_flags, bool has_parent, bool remote) {
  uint32_t f = trace_flags;
  if (has_parent)
    f |= FLAG_HAS_IS_REMOTE | (remote ? FLAG_IS_REMOTE : 0);
  return f;
}

static pb_event_t **build_events(otel__arena_t *arena, const otel_span_t *s) {
  pb_event_t *events = otel__arena_alloc(arena, s->n_events * sizeof(*events));
  pb_event_t **ptrs = otel__arena_alloc(arena, s->n_events * sizeof(*ptrs));
  if (!events || !ptrs)
    return NULL;
  for (uint32_t i = 0; i < s->n_events; i++) {
    const otel__event_t *e = &s->events[i];
    opentelemetry__proto__trace__v1__span__event__init(&events[i]);
    events[i].time_unix_nano = e->time_unix_ns;
    events[i].name = MUTABLE(e->name);
    events[i].attributes = otel__pb_attrs(arena, &e->attrs, &events[i].n_attributes);
    events[i].dropped_attributes_count = e->attrs.dropped;
    ptrs[i] = &events[i];
  }
  return ptrs;
}

static pb_link_t **build_links(otel__arena_t *arena, const otel_span_t *s) {
  pb_link_t *links = otel__arena_alloc(arena, s->n_links * sizeof(*links));
  pb_link_t **ptrs = otel__arena_alloc(arena, s->n_links * sizeof(*ptrs));
  if (!links || !ptrs)
    return NULL;
  for (uint32_t i = 0; i < s->n_links; i++) {
    const otel__link_t *k = &s->links[i];
    opentelemetry__proto__trace__v1__span__link__init(&links[i]);
    links[i].trace_id = otel__pb_bytes(k->trace_id, OTEL_TRACE_ID_SIZE);
    links[i].span_id = otel__pb_bytes(k->span_id, OTEL_SPAN_ID_SIZE);
    links[i].trace_state = MUTABLE(k->trace_state);
    links[i].attributes = otel__pb_attrs(arena, &k->attrs, &links[i].n_attributes);
    links[i].dropped_attributes_count = k->attrs.dropped;
    links[i].flags = span_flags(k->flags, true, k->is_remote);
    ptrs[i] = &links[i];
  }
  return ptrs;
}

otel__pb_span_t *otel__otlp_span_build(otel__arena_t *arena, const otel_span_t *s) {
  otel__pb_span_t *p = otel__arena_alloc(arena, sizeof(*p));
  pb_status_t *status = otel__arena_alloc(arena, sizeof(*status));
  if (!p || !status)
    return NULL;
  opentelemetry__proto__trace__v1__span__init(p);
  p->trace_id = otel__pb_bytes(s->ctx.trace_id, OTEL_TRACE_ID_SIZE);
  p->span_id = otel__pb_bytes(s->ctx.span_id, OTEL_SPAN_ID_SIZE);
  p->trace_state = MUTABLE(s->ctx.trace_state);
  if (s->has_parent)
    p->parent_span_id = otel__pb_bytes(s->parent_span_id, OTEL_SPAN_ID_SIZE);
  p->flags = span_flags(s->ctx.flags, s->has_parent, s->parent_is_remote);
  p->name = MUTABLE(s->name);
  p->kind = (Opentelemetry__Proto__Trace__V1__Span__SpanKind)s->kind;
  p->start_time_unix_nano = s->start_unix_ns;
  p->end_time_unix_nano = s->end_unix_ns;
  p->attributes = otel__pb_attrs(arena, &s->attrs, &p->n_attributes);
  p->dropped_attributes_count = s->attrs.dropped;
  if (s->n_events && (p->events = build_events(arena, s)))
    p->n_events = s->n_events;
  p->dropped_events_count = s->dropped_events;
  if (s->n_links && (p->links = build_links(arena, s)))
    p->n_links = s->n_links;
  p->dropped_links_count = s->dropped_links;
  if (s->status != OTEL_STATUS_UNSET) {
    opentelemetry__proto__trace__v1__status__init(status);
    status->code = (Opentelemetry__Proto__Trace__V1__Status__StatusCode)s->status;
    status->message = MUTABLE(s->status_message ? s->status_message : "");
    p->status = status;
  }
  return p;
}

otel__pb_traces_t *otel__otlp_traces_build(otel__arena_t *arena, const otel__resource_t *resource,
                                           otel_span_t *const *spans, size_t n) {
  otel__pb_traces_t *req = otel__arena_alloc(arena, sizeof(*req));
  pb_resource_spans_t *rs = otel__arena_alloc(arena, sizeof(*rs));
  pb_resource_spans_t **rs_ptrs = otel__arena_alloc(arena, sizeof(*rs_ptrs));
  /* At most one ScopeSpans per span; usually one or two in all. */
  pb_scope_spans_t *scopes = otel__arena_alloc(arena, n * sizeof(*scopes) + 1);
  pb_scope_spans_t **scope_ptrs = otel__arena_alloc(arena, n * sizeof(*scope_ptrs) + 1);
  const otel_tracer_t **tracers = otel__arena_alloc(arena, n * sizeof(*tracers) + 1);
  size_t *counts = otel__arena_alloc(arena, n * sizeof(*counts) + 1);
  if (!req || !rs || !rs_ptrs || !scopes || !scope_ptrs || !tracers || !counts)
    return NULL;

  /* First pass: the scopes and how many spans each has. */
  size_t n_scopes = 0;
  size_t *scope_of = otel__arena_alloc(arena, n * sizeof(*scope_of) + 1);
  if (!scope_of)
    return NULL;
  for (size_t i = 0; i < n; i++) {
    size_t k = 0;
    while (k < n_scopes && tracers[k] != spans[i]->tracer)
      k++;
    if (k == n_scopes) {
      tracers[k] = spans[i]->tracer;
      counts[k] = 0;
      n_scopes++;
    }
    counts[k]++;
    scope_of[i] = k;
  }
  for (size_t k = 0; k < n_scopes; k++) {
    opentelemetry__proto__trace__v1__scope_spans__init(&scopes[k]);
    scopes[k].scope = otel__pb_scope(arena, tracers[k]->name, tracers[k]->version);
    scopes[k].spans = otel__arena_alloc(arena, counts[k] * sizeof(otel__pb_span_t *));
    if (!scopes[k].scope || !scopes[k].spans)
      return NULL;
    scope_ptrs[k] = &scopes[k];
  }
  for (size_t i = 0; i < n; i++) {
    pb_scope_spans_t *ss = &scopes[scope_of[i]];
    otel__pb_span_t *p = otel__otlp_span_build(arena, spans[i]);
    if (!p)
      return NULL;
    ss->spans[ss->n_spans++] = p;
  }

  opentelemetry__proto__trace__v1__resource_spans__init(rs);
  rs->resource = otel__pb_resource(arena, &resource->attrs);
  if (!rs->resource)
    return NULL;
  rs->n_scope_spans = n_scopes;
  rs->scope_spans = scope_ptrs;
  rs_ptrs[0] = rs;
  opentelemetry__proto__collector__trace__v1__export_trace_service_request__init(req);
  req->n_resource_spans = 1;
  req->resource_spans = rs_ptrs;
  return req;
}
