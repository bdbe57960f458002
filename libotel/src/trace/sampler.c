/*
 * Samplers. The ratio sampler is deterministic in the trace id: it reads the
 * id's last 8 bytes (the random part under W3C trace context level 2) as a
 * big-endian number, drops the top bit, and samples values below ratio * 2^63,
 * so every service with the same ratio makes the same decision for a trace.
 */
#include "trace/sampler.h"

#include <math.h>

#define RATIO_SCALE 9223372036854775808.0 /* 2^63 */

void otel__sampler_init(otel__sampler_t *s, otel__sampler_kind_t kind, double ratio) {
  s->kind = kind;
  if (!(ratio > 0.0))
    s->ratio_bound = 0;
  else if (ratio >= 1.0)
    s->ratio_bound = UINT64_MAX;
  else
    s->ratio_bound = (uint64_t)floor(ratio * RATIO_SCALE);
}

static bool ratio_sample(const otel__sampler_t *s, const uint8_t *trace_id) {
  if (s->ratio_bound == UINT64_MAX)
    return true;
  uint64_t x = 0;
  for (int i = 8; i < 16; i++)
    x = x << 8 | trace_id[i];
  return (x >> 1) < s->ratio_bound;
}

static bool root_decision(const otel__sampler_t *s, const uint8_t *trace_id) {
  switch (s->kind) {
  case OTEL__SAMPLER_ALWAYS_ON:
  case OTEL__SAMPLER_PARENT_ALWAYS_ON:
    return true;
  case OTEL__SAMPLER_ALWAYS_OFF:
  case OTEL__SAMPLER_PARENT_ALWAYS_OFF:
    return false;
  case OTEL__SAMPLER_RATIO:
  case OTEL__SAMPLER_PARENT_RATIO:
    return ratio_sample(s, trace_id);
  }
  return true;
}

bool otel__sampler_should_sample(const otel__sampler_t *s, const otel_span_context_t *parent,
                                 const uint8_t trace_id[OTEL_TRACE_ID_SIZE]) {
  bool parent_based = s->kind == OTEL__SAMPLER_PARENT_ALWAYS_ON ||
                      s->kind == OTEL__SAMPLER_PARENT_ALWAYS_OFF ||
                      s->kind == OTEL__SAMPLER_PARENT_RATIO;
  /* A parent-based sampler follows a valid parent's decision (the
   * specification's defaults for its four delegates); roots use the root sampler. */
  if (parent_based && parent && otel_span_context_is_valid(parent))
    return parent->flags & OTEL_TRACE_FLAG_SAMPLED;
  return root_decision(s, trace_id);
}
