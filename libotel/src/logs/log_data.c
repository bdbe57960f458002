/* Log records as processors and exporters see them (logs/log_data.h). */
#include "logs/log_data.h"

#include <stdlib.h>
#include <string.h>

#include "common/refs.h"
#include "common/state.h"

static otel__attr_limits_t limits(void) {
  return (otel__attr_limits_t){otel__sdk.config.log_attr_count,
                               otel__sdk.config.log_attr_value_length};
}

void otel__log_data_init(otel_log_data_t *d, const otel__log_entry_t *e, void *block, size_t size) {
  *d = (otel_log_data_t){.time_unix_ns = e->time_unix_ns,
                         .severity = e->severity,
                         .severity_text = e->severity_text,
                         .body = e->message ? e->message : "",
                         .event_name = e->event_name,
                         .logger = e->logger ? e->logger : "",
                         .in_span = e->sc != NULL};
  if (e->sc) {
    memcpy(d->trace_id, e->sc->trace_id, sizeof(d->trace_id));
    memcpy(d->span_id, e->sc->span_id, sizeof(d->span_id));
    d->flags = e->sc->flags;
  }
  otel__arena_init(&d->arena, block, size);
  for (size_t i = 0; i < e->n; i++)
    otel__attrs_set(&d->attrs, &d->arena, &e->attrs[i], limits());
}

void otel__log_data_finish(otel_log_data_t *d) {
  if (d->copy)
    otel__log_data_release(d->copy);
  otel__arena_reset(&d->arena);
}

/* s copied into the copy's arena; "" when memory ran out, NULL for NULL. */
static const char *dup(otel_log_data_t *c, const char *s) {
  if (!s)
    return NULL;
  const char *copy = otel__arena_strdup(&c->arena, s);
  return copy ? copy : "";
}

otel_log_data_t *otel__log_data_copy(otel_log_data_t *d) {
  if (d->copy)
    return d->copy;
  otel_log_data_t *c = malloc(sizeof(*c));
  if (!c)
    return NULL;
  *c = *d;
  c->attrs = (otel__attrs_t){.dropped = d->attrs.dropped};
  c->copy = NULL;
  atomic_init(&c->refs, 0);
  otel__arena_init(&c->arena, NULL, 0);
  c->severity_text = dup(c, d->severity_text);
  c->body = dup(c, d->body);
  c->event_name = dup(c, d->event_name);
  c->logger = dup(c, d->logger);
  otel__attr_limits_t unlimited = {d->attrs.n, 0}; /* already within the limits */
  for (uint32_t i = 0; i < d->attrs.n; i++)
    otel__attrs_set(&c->attrs, &c->arena, &d->attrs.items[i].attr, unlimited);
  return d->copy = c;
}

void otel__log_data_hold(otel_log_data_t *c) { otel__ref_hold(&c->refs); }

void otel__log_data_release(otel_log_data_t *c) {
  if (!otel__ref_release(&c->refs))
    return;
  otel__arena_reset(&c->arena);
  free(c);
}

uint64_t otel_log_data_time(const otel_log_data_t *d) { return d->time_unix_ns; }

uint64_t otel_log_data_observed_time(const otel_log_data_t *d) { return d->time_unix_ns; }

otel_severity_t otel_log_data_severity(const otel_log_data_t *d) { return d->severity; }

const char *otel_log_data_severity_text(const otel_log_data_t *d) { return d->severity_text; }

const char *otel_log_data_body(const otel_log_data_t *d) { return d->body; }

const char *otel_log_data_event_name(const otel_log_data_t *d) { return d->event_name; }

const char *otel_log_data_logger(const otel_log_data_t *d) { return d->logger; }

const otel_attr_list_t *otel_log_data_attrs(const otel_log_data_t *d) {
  return otel__attr_list(&d->attrs);
}

const uint8_t *otel_log_data_trace_id(const otel_log_data_t *d) {
  return d->in_span ? d->trace_id : NULL;
}

const uint8_t *otel_log_data_span_id(const otel_log_data_t *d) {
  return d->in_span ? d->span_id : NULL;
}

uint8_t otel_log_data_trace_flags(const otel_log_data_t *d) { return d->flags; }

const otel_attr_list_t *otel_log_data_resource(const otel_log_data_t *d) {
  (void)d;
  return otel__attr_list(&otel__sdk.resource.attrs);
}

void otel_log_data_set_attr(otel_log_data_t *d, const otel_attr_t *attr) {
  if (d && attr)
    otel__attrs_set(&d->attrs, &d->arena, attr, limits());
}

void otel_log_data_set_body(otel_log_data_t *d, const char *body) {
  if (!d || !body)
    return;
  const char *copy = otel__arena_strdup(&d->arena, body);
  if (copy)
    d->body = copy;
}
