/*
 * Span lifecycle: start (ids, parent, sampling), recording (attributes,
 * events, links, status) and end, which hands a sampled span to the batch
 * processor without waiting. Spans the sampler drops, and every span while the
 * SDK is off, record nothing.
 */
#include "trace/span.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "export/batch.h"
#include "export/otlp_fields.h"
#include "otlp_codec.h"
#include "common/clock.h"
#include "trace/context_internal.h"
#include "common/ids.h"
#include "common/state.h"
#include "trace/span_pool.h"
#include "common/table.h"

/* Where the span's fields after its context begin. */
#define OTEL__SPAN_AFTER_CONTEXT (offsetof(otel_span_t, ctx) + sizeof(otel_span_context_t))

/* Attribute slots a sampled span starts with. */
#define SPAN_FIRST_ATTRS 16

/* What every call gets when the SDK is off: no ids, records nothing. */
static otel_span_t noop_span;

static otel__attr_limits_t span_attr_limits(void) {
  const otel__span_limits_t *l = &otel__sdk.config.span_limits;
  return (otel__attr_limits_t){l->attr_count, l->attr_value_length};
}

/* The options as this libotel knows them, from a caller built against any. */
static otel_span_options_t options_of(const otel_span_options_t *opts) {
  otel_span_options_t o = {0};
  otel__table_copy(&o, sizeof(o), opts);
  return o;
}

/* The program's sampler's word on a new span (o NULL: no options), under
 * parent (NULL: this thread's current context). */
static void __attribute__((noinline))
ask_sampler(const otel_context_t *parent, const uint8_t *trace_id, const char *name,
            otel_span_kind_t kind, const otel_span_options_t *o, otel_sampling_result_t *r) {
  static const otel_span_options_t none;
  if (!o)
    o = &none;
  otel_context_t current;
  otel_sampling_params_t params = {otel__parent_context(parent, &current),
                                   trace_id,
                                   name,
                                   kind,
                                   o->attrs,
                                   o->n_attrs,
                                   o->links,
                                   o->n_links};
  otel__sdk.span_hooks.sample(&params, r);
}

/* What the caller gave at the start (o NULL: nothing), and what the
 * sampler added, onto a span that records. */
static void record_start(otel_span_t *s, const otel_span_options_t *o,
                         const otel_sampling_result_t *r) {
  if (o) {
    otel_span_set_attrs(s, o->attrs, o->n_attrs);
    for (size_t i = 0; o->links && i < o->n_links; i++)
      otel_span_add_link(s, o->links[i].context, o->links[i].attrs, o->links[i].n_attrs);
  }
  otel_span_set_attrs(s, r->attrs, r->attrs ? r->n_attrs : 0);
}

/* The tracestate a sampler gave, when it is one (else the parent's stays). */
static void set_trace_state(otel_span_t *s, const char *value) {
  char canonical[OTEL_TRACESTATE_MAX + 1];
  if (otel_tracestate_parse(value, canonical) == 0)
    memcpy(s->ctx.trace_state, canonical, strlen(canonical) + 1);
}

/* A span's start. hooked is a constant at each call: false in the path of
 * a program that plugged nothing into tracing and gave no options, where
 * the compiler leaves out everything the hooks and options need. */
static inline __attribute__((always_inline)) otel_span_t *
start(const otel_tracer_t *tracer, const char *name, otel_span_kind_t kind,
      const otel_context_t *parent, uint64_t start_unix_ns, const otel_span_options_t *o,
      bool hooked) {
  if (!otel__sdk_enabled())
    return &noop_span;
  const otel_span_context_t *p = parent ? &parent->span_context : otel__current_span_context();
  bool has_parent = p && otel_span_context_is_valid(p);

  uint8_t trace_id[OTEL_TRACE_ID_SIZE], span_id[OTEL_SPAN_ID_SIZE];
  if (has_parent) {
    memcpy(trace_id, p->trace_id, sizeof(trace_id));
    otel__random_id(span_id, sizeof(span_id));
  } else {
    otel__random_ids(trace_id, span_id);
  }
  /* The built-in sampler inline, unless the program set one of its own. */
  const otel__span_hooks_t *hooks = &otel__sdk.span_hooks;
  otel_sampling_result_t r = {.decision = OTEL_SAMPLING_DROP};
  if (hooked && hooks->sample)
    ask_sampler(parent, trace_id, name, kind, o, &r);
  else if (otel__sampler_should_sample(&otel__sdk.sampler, has_parent ? p : NULL, trace_id))
    r.decision = OTEL_SAMPLING_RECORD_AND_SAMPLE;
  bool sampled = r.decision == OTEL_SAMPLING_RECORD_AND_SAMPLE;
  bool records = sampled || r.decision == OTEL_SAMPLING_RECORD_ONLY;

  /* A span that records lives in a pool block sized so that a server span
   * with a dozen attributes needs no second allocation; one that does not
   * needs only its ids and dies on the thread that made it. */
  otel_span_t *s = records ? otel__span_block_alloc() : malloc(sizeof(otel_span_t));
  if (!s)
    return &noop_span;
  otel__span_counted_start(!has_parent    ? OTEL__ORIGIN_NONE
                           : p->is_remote ? OTEL__ORIGIN_REMOTE
                                          : OTEL__ORIGIN_LOCAL,
                           sampled);
  /* Clear the struct but for the tracestate buffer, most of which is never
   * used: fewer cache lines touched on every span. */
  memset(s, 0, offsetof(otel_span_t, ctx.trace_state));
  s->ctx.trace_state[0] = '\0';
  memset((char *)s + OTEL__SPAN_AFTER_CONTEXT, 0, sizeof(*s) - OTEL__SPAN_AFTER_CONTEXT);
  memcpy(s->ctx.trace_id, trace_id, sizeof(trace_id));
  memcpy(s->ctx.span_id, span_id, sizeof(span_id));
  /* A new trace's id is random (ids.c); a child keeps what its parent says. */
  s->ctx.flags =
      (uint8_t)((sampled ? OTEL_TRACE_FLAG_SAMPLED : 0) |
                (has_parent ? p->flags & OTEL_TRACE_FLAG_RANDOM : OTEL_TRACE_FLAG_RANDOM));
  if (has_parent) {
    memcpy(s->parent_span_id, p->span_id, sizeof(s->parent_span_id));
    s->has_parent = true;
    s->parent_is_remote = p->is_remote;
    if (p->trace_state[0])
      memcpy(s->ctx.trace_state, p->trace_state, strlen(p->trace_state) + 1);
  }
  if (hooked && r.trace_state)
    set_trace_state(s, r.trace_state);
  if (!records)
    return s;

  s->head.recording = true;
  s->pooled = true;
  otel__arena_init(&s->arena, (char *)s + sizeof(*s), OTEL__SPAN_BLOCK_SIZE - sizeof(*s));
  /* Room for the attributes the conventions give a server span, in one array
   * rather than one of 8 outgrown into one of 16. */
  uint32_t cap = otel__sdk.config.span_limits.attr_count;
  cap = cap < SPAN_FIRST_ATTRS ? cap : SPAN_FIRST_ATTRS;
  s->attrs.items = otel__arena_alloc(&s->arena, cap * sizeof(*s->attrs.items));
  s->attrs.cap = s->attrs.items ? cap : 0;
  s->tracer = tracer ? tracer : &otel__default_tracer;
  s->kind = kind;
  s->name = otel__arena_strdup(&s->arena, name ? name : "");
  if (!s->name)
    s->name = "";
  s->start_mono_ns = otel__now_mono_ns();
  s->start_unix_ns = start_unix_ns ? start_unix_ns : otel__unix_at(s->start_mono_ns);
  if (hooked && (o || r.attrs))
    record_start(s, o, &r);
  if (hooked && hooks->start)
    hooks->start(s, parent);
  return s;
}

/* The start of a span with options, or of any span once the program has
 * plugged something into tracing. */
static otel_span_t *__attribute__((noinline))
start_hooked(const otel_tracer_t *tracer, const char *name, otel_span_kind_t kind,
             const otel_context_t *parent, uint64_t start_unix_ns, const otel_span_options_t *o) {
  return start(tracer, name, kind, parent, start_unix_ns, o, true);
}

otel_span_t *otel_span_start_at(const otel_tracer_t *tracer, const char *name,
                                otel_span_kind_t kind, const otel_context_t *parent,
                                uint64_t start_unix_ns) {
  if (__builtin_expect(otel__sdk.span_hooks.any, 0))
    return start_hooked(tracer, name, kind, parent, start_unix_ns, NULL);
  return start(tracer, name, kind, parent, start_unix_ns, NULL, false);
}

otel_span_t *otel_span_start(const otel_tracer_t *tracer, const char *name, otel_span_kind_t kind,
                             const otel_context_t *parent) {
  if (__builtin_expect(otel__sdk.span_hooks.any, 0))
    return start_hooked(tracer, name, kind, parent, 0, NULL);
  return start(tracer, name, kind, parent, 0, NULL, false);
}

otel_span_t *otel_span_start_with(const otel_tracer_t *tracer, const char *name,
                                  otel_span_kind_t kind, const otel_context_t *parent,
                                  const otel_span_options_t *opts) {
  otel_span_options_t o = options_of(opts);
  return start_hooked(tracer, name, kind, parent, o.start_unix_ns, &o);
}

void otel__span_free(otel_span_t *span) {
  if (!span || span == &noop_span)
    return;
  otel__attr_block_release(span->block);
  otel__arena_reset(&span->arena); /* a no-op for spans that do not record: no arena */
  if (span->pooled)
    otel__span_block_free(span);
  else
    free(span);
}

void otel_span_end_at(otel_span_t *span, uint64_t end_unix_ns) {
  if (!span || span == &noop_span)
    return;
  if (!span->head.recording) {
    otel__span_free(span); /* unsampled: it was never queued */
    return;
  }
  span->head.recording = false;
  otel__span_counted_end();
  if (end_unix_ns)
    span->end_unix_ns = end_unix_ns;
  else /* the wall clock may step; measure the duration on the monotonic one */
    span->end_unix_ns = span->start_unix_ns + (otel__now_mono_ns() - span->start_mono_ns);
  if (!otel__sdk_enabled()) {
    otel__span_free(span);
    return;
  }
  if (otel__sdk.span_hooks.end) {
    otel__sdk.span_hooks.end(span);
    return;
  }
  otel__batch_t *batch = otel__sdk.spans;
  if (!batch || !(span->ctx.flags & OTEL_TRACE_FLAG_SAMPLED) || otel__batch_push(batch, span) != 0)
    otel__span_free(span);
}

bool otel__span_enqueue(otel_span_t *span, otel__batch_t *batch) {
  otel__span_hold(span);
  if (otel__batch_push(batch, span) == 0)
    return true;
  otel__span_release(span); /* not the last: the caller holds it too */
  return false;
}

void otel_span_end(otel_span_t *span) { otel_span_end_at(span, 0); }

const otel_span_context_t *otel_span_context(const otel_span_t *span) {
  return span ? &span->ctx : &noop_span.ctx;
}

otel_scope_t otel_span_attach(otel_span_t *span) {
  return otel__context_attach_span(span, span ? &span->ctx : NULL);
}

void otel_span_trace_id_hex(const otel_span_t *span, char out[OTEL_TRACE_ID_HEX_SIZE]) {
  otlp_hex_encode(otel_span_context(span)->trace_id, OTEL_TRACE_ID_SIZE, out);
}

void otel_span_id_hex(const otel_span_t *span, char out[OTEL_SPAN_ID_HEX_SIZE]) {
  otlp_hex_encode(otel_span_context(span)->span_id, OTEL_SPAN_ID_SIZE, out);
}

bool otel_span_is_recording(const otel_span_t *span) { return span && span->head.recording; }

void otel_span_set_attr(otel_span_t *span, const otel_attr_t *attr) {
  if (span && span->head.recording && attr)
    otel__attrs_set(&span->attrs, &span->arena, attr, span_attr_limits());
}

void otel_span_set_literal(otel_span_t *span, const otel_attr_t *attr, size_t klen) {
  if (span && span->head.recording)
    otel__attrs_set_literal_key(&span->attrs, &span->arena, attr, klen, span_attr_limits());
}

otel_attr_block_t *otel_attr_block_new(const otel_attr_t *attrs, size_t n) {
  return otel__attr_block_new(attrs, n, OTLP_SPAN_ATTRIBUTES);
}

void otel_attr_block_release(otel_attr_block_t *block) { otel__attr_block_release(block); }

void otel_span_set_block(otel_span_t *span, otel_attr_block_t *block) {
  if (!span || !span->head.recording || !block)
    return;
  otel__attr_limits_t limits = span_attr_limits();
  int64_t at = span->block ? -1 : otel__attrs_add_block(&span->attrs, &span->arena, block, limits);
  if (at >= 0) {
    otel__attr_block_hold(block);
    span->block = block;
    span->block_at = (uint32_t)at;
    return;
  }
  for (uint32_t i = 0; i < block->attrs.n;
       i++) /* one by one, copied: the span keeps no reference */
    otel__attrs_set(&span->attrs, &span->arena, &block->attrs.items[i].attr, limits);
  span->attrs.dropped += block->attrs.dropped;
}

void otel_span_set_attrs(otel_span_t *span, const otel_attr_t *attrs, size_t n) {
  for (size_t i = 0; i < n; i++)
    otel_span_set_attr(span, &attrs[i]);
}

void otel_span_set_str(otel_span_t *span, const char *key, const char *value) {
  otel_span_set_attr(span, &OTEL_ATTR_STR(key, value));
}

void otel_span_set_int(otel_span_t *span, const char *key, int64_t value) {
  otel_span_set_attr(span, &OTEL_ATTR_INT(key, value));
}

void otel_span_set_bool(otel_span_t *span, const char *key, bool value) {
  otel_span_set_attr(span, &OTEL_ATTR_BOOL(key, value));
}

void otel_span_set_double(otel_span_t *span, const char *key, double value) {
  otel_span_set_attr(span, &OTEL_ATTR_DOUBLE(key, value));
}

void otel_span_update_name(otel_span_t *span, const char *name) {
  if (!span || !span->head.recording || !name)
    return;
  const char *copy = otel__arena_strdup(&span->arena, name);
  if (copy)
    span->name = copy;
}

/* Grows a span's event or link array by one slot; NULL (and a drop) at the limit. */
static void *grow(otel_span_t *span, void **items, uint32_t *n, uint32_t *cap, uint32_t *dropped,
                  uint32_t limit, size_t item_size) {
  if (*n >= limit) {
    (*dropped)++;
    return NULL;
  }
  if (*n == *cap) {
    uint32_t c = *cap ? *cap * 2 : 4;
    if (c > limit)
      c = limit;
    void *p = otel__arena_alloc(&span->arena, c * item_size);
    if (!p) {
      (*dropped)++;
      return NULL;
    }
    if (*n)
      memcpy(p, *items, *n * item_size);
    *items = p;
    *cap = c;
  }
  void *slot = (char *)*items + (*n)++ * item_size;
  memset(slot, 0, item_size);
  return slot;
}

/* An event with two lists of attributes; where both name a key, the value
 * in more wins (it is set later). */
static void add_event(otel_span_t *span, const char *name, const otel_attr_t *attrs, size_t n,
                      const otel_attr_t *more, size_t n_more) {
  if (!span || !span->head.recording)
    return;
  const otel__span_limits_t *l = &otel__sdk.config.span_limits;
  otel__event_t *e = grow(span, (void **)&span->events, &span->n_events, &span->cap_events,
                          &span->dropped_events, l->event_count, sizeof(*e));
  if (!e)
    return;
  e->time_unix_ns = span->start_unix_ns + (otel__now_mono_ns() - span->start_mono_ns);
  e->name = otel__arena_strdup(&span->arena, name ? name : "");
  if (!e->name)
    e->name = "";
  otel__attr_limits_t limits = {l->event_attr_count, l->attr_value_length};
  for (size_t i = 0; i < n; i++)
    otel__attrs_set(&e->attrs, &span->arena, &attrs[i], limits);
  for (size_t i = 0; more && i < n_more; i++)
    otel__attrs_set(&e->attrs, &span->arena, &more[i], limits);
}

void otel_span_add_event(otel_span_t *span, const char *name, const otel_attr_t *attrs, size_t n) {
  add_event(span, name, attrs, n, NULL, 0);
}

void otel_span_record_exception_attrs(otel_span_t *span, const char *type, const char *message,
                                      const char *stacktrace, const otel_attr_t *attrs, size_t n) {
  otel_attr_t own[3];
  size_t n_own = 0;
  if (type)
    own[n_own++] = OTEL_ATTR_STR("exception.type", type);
  if (message)
    own[n_own++] = OTEL_ATTR_STR("exception.message", message);
  if (stacktrace)
    own[n_own++] = OTEL_ATTR_STR("exception.stacktrace", stacktrace);
  add_event(span, "exception", own, n_own, attrs, n);
}

void otel_span_record_exception(otel_span_t *span, const char *type, const char *message,
                                const char *stacktrace) {
  otel_span_record_exception_attrs(span, type, message, stacktrace, NULL, 0);
}

void otel_span_add_link(otel_span_t *span, const otel_span_context_t *link,
                        const otel_attr_t *attrs, size_t n) {
  if (!span || !span->head.recording || !link || !otel_span_context_is_valid(link))
    return;
  const otel__span_limits_t *l = &otel__sdk.config.span_limits;
  otel__link_t *k = grow(span, (void **)&span->links, &span->n_links, &span->cap_links,
                         &span->dropped_links, l->link_count, sizeof(*k));
  if (!k)
    return;
  memcpy(k->trace_id, link->trace_id, sizeof(k->trace_id));
  memcpy(k->span_id, link->span_id, sizeof(k->span_id));
  k->flags = link->flags;
  k->is_remote = link->is_remote;
  k->trace_state = otel__arena_strdup(&span->arena, link->trace_state);
  if (!k->trace_state)
    k->trace_state = "";
  otel__attr_limits_t limits = {l->link_attr_count, l->attr_value_length};
  for (size_t i = 0; i < n; i++)
    otel__attrs_set(&k->attrs, &span->arena, &attrs[i], limits);
}

void otel_span_set_status(otel_span_t *span, otel_status_code_t code, const char *description) {
  if (!span || !span->head.recording || code == OTEL_STATUS_UNSET || span->status == OTEL_STATUS_OK)
    return;
  span->status = code;
  span->status_message = NULL;
  if (code == OTEL_STATUS_ERROR && description)
    span->status_message = otel__arena_strdup(&span->arena, description);
}
