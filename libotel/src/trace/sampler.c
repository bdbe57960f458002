/*
 * Samplers. The ratio sampler is deterministic in the trace id: it reads the
 * id's last 8 bytes (the random part under W3C trace context level 2) as a
 * big-endian number, drops the top bit, and samples values below ratio * 2^63,
 * so every service with the same ratio makes the same decision for a trace.
 */
#include "trace/sampler.h"

#include <math.h>

#define RATIO_SCALE 9223372036854775808.0 /* 2^63 */

static uint64_t bound_of(double ratio) {
  if (!(ratio > 0.0))
    return 0;
  if (ratio >= 1.0)
    return UINT64_MAX;
  return (uint64_t)floor(ratio * RATIO_SCALE);
}

void otel__sampler_set_branches(otel__sampler_t *s,
                                const otel__sampler_branch_t branches[OTEL__PARENT_BRANCHES]) {
  for (int i = 0; i < OTEL__PARENT_BRANCHES; i++) {
    s->parent[i].kind = branches[i].kind;
    s->parent[i].ratio_bound = bound_of(branches[i].ratio);
  }
}

void otel__sampler_init(otel__sampler_t *s, otel__sampler_kind_t kind, double ratio) {
  s->kind = kind;
  s->ratio_bound = bound_of(ratio);
  otel__sampler_set_branches(s, otel__parent_defaults);
}

static bool ratio_sample(uint64_t bound, const uint8_t *trace_id) {
  if (bound == UINT64_MAX)
    return true;
  uint64_t x = 0;
  for (int i = 8; i < 16; i++)
    x = x << 8 | trace_id[i];
  return (x >> 1) < bound;
}

/* The decision of a sampler of kind, ratio_bound its bound. */
static bool decide(otel__sampler_kind_t kind, uint64_t bound, const uint8_t *trace_id) {
  switch (kind) {
  case OTEL__SAMPLER_ALWAYS_ON:
  case OTEL__SAMPLER_PARENT_ALWAYS_ON:
    return true;
  case OTEL__SAMPLER_ALWAYS_OFF:
  case OTEL__SAMPLER_PARENT_ALWAYS_OFF:
    return false;
  case OTEL__SAMPLER_RATIO:
  case OTEL__SAMPLER_PARENT_RATIO:
    return ratio_sample(bound, trace_id);
  }
  return true;
}

bool otel__sampler_should_sample(const otel__sampler_t *s, const otel_span_context_t *parent,
                                 const uint8_t trace_id[OTEL_TRACE_ID_SIZE]) {
  bool parent_based = s->kind == OTEL__SAMPLER_PARENT_ALWAYS_ON ||
                      s->kind == OTEL__SAMPLER_PARENT_ALWAYS_OFF ||
                      s->kind == OTEL__SAMPLER_PARENT_RATIO;
  /* A parent-based sampler asks the branch for a valid parent (by default,
   * the parent's own decision); roots use the root sampler. */
  if (parent_based && parent && otel_span_context_is_valid(parent)) {
    int branch = (parent->is_remote ? OTEL__PARENT_REMOTE_SAMPLED : OTEL__PARENT_LOCAL_SAMPLED) +
                 !(parent->flags & OTEL_TRACE_FLAG_SAMPLED);
    return decide(s->parent[branch].kind, s->parent[branch].ratio_bound, trace_id);
  }
  return decide(s->kind, s->ratio_bound, trace_id);
}
