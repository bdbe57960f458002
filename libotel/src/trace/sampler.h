/* Head sampling: the specification's built-in samplers, decided from the parent and the trace id.
 */
#ifndef OTEL_SAMPLER_INTERNAL_H
#define OTEL_SAMPLER_INTERNAL_H

#include <otel/context.h>

#include "common/config.h"

typedef struct otel__sampler {
  otel__sampler_kind_t kind;
  uint64_t ratio_bound; /* traces whose id value is below this are sampled */
  struct {
    otel__sampler_kind_t kind; /* ALWAYS_ON, ALWAYS_OFF or RATIO */
    uint64_t ratio_bound;
  } parent[OTEL__PARENT_BRANCHES]; /* a parent-based sampler's, for a valid parent */
} otel__sampler_t;

/* A sampler of kind, whose parent-based branches follow the parent (the
 * specification's defaults). */
void otel__sampler_init(otel__sampler_t *s, otel__sampler_kind_t kind, double ratio);

/* Sets a parent-based sampler's four branches (the configuration file's). */
void otel__sampler_set_branches(otel__sampler_t *s,
                                const otel__sampler_branch_t branches[OTEL__PARENT_BRANCHES]);

/* Whether a new span in trace_id under parent (NULL or invalid: a root) is sampled. */
bool otel__sampler_should_sample(const otel__sampler_t *s, const otel_span_context_t *parent,
                                 const uint8_t trace_id[OTEL_TRACE_ID_SIZE]);

#endif
