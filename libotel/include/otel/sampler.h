/*
 * A sampler of the program's own, in place of the one OTEL_TRACES_SAMPLER
 * configures: it decides, as each span starts, whether the span records and
 * whether it is sampled (exported, and flagged so to the services it
 * calls). It sees what is known at the start: the parent, the trace id, the
 * name, the kind, and the attributes and links given to
 * otel_span_start_with().
 */
#ifndef OTEL_SAMPLER_H
#define OTEL_SAMPLER_H

#include <otel/trace.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum otel_sampling_decision {
  OTEL_SAMPLING_DROP = 0,             /* records nothing; its context still propagates */
  OTEL_SAMPLING_RECORD_ONLY = 1,      /* records, and processors see it, but not exported */
  OTEL_SAMPLING_RECORD_AND_SAMPLE = 2 /* records, exported, flagged sampled */
} otel_sampling_decision_t;

/* What the sampler is asked about. Borrowed for the call. The SDK may add
 * fields at the end. */
typedef struct otel_sampling_params {
  const otel_context_t *parent; /* its span context is invalid for a root span */
  const uint8_t *trace_id;      /* OTEL_TRACE_ID_SIZE bytes: the new span's */
  const char *name;
  otel_span_kind_t kind;
  const otel_attr_t *attrs;
  size_t n_attrs;
  const otel_link_t *links;
  size_t n_links;
} otel_sampling_params_t;

/* What it answers. The SDK zeroes it before the call: a sampler sets what
 * it knows. Everything it points to must stay valid until the sampler is
 * called again on the same thread (thread-local or static storage). */
typedef struct otel_sampling_result {
  otel_sampling_decision_t decision;
  const otel_attr_t *attrs; /* added to the span (when it records) */
  size_t n_attrs;
  const char *trace_state; /* the span's tracestate; NULL keeps the parent's */
} otel_sampling_result_t;

typedef struct otel_sampler {
  size_t size; /* sizeof(otel_sampler_t): OTEL_SAMPLER_INIT sets it */
  void *ud;
  /* Decides for one span, on the thread starting it; must not block. Required. */
  void (*should_sample)(void *ud, const otel_sampling_params_t *params,
                        otel_sampling_result_t *out);
  const char *description; /* names the sampler in messages ("KeepErrors{...}") */
} otel_sampler_t;

#define OTEL_SAMPLER_INIT(...) ((otel_sampler_t){.size = sizeof(otel_sampler_t), __VA_ARGS__})

/* Makes s the sampler of every span (the table is copied; ud borrowed for
 * the life of the process). Returns 0; -EBUSY after otel_init(); -EINVAL
 * for a table with no size or no should_sample. Not thread-safe. */
OTEL_API int otel_set_sampler(const otel_sampler_t *s);

/* The decision of the sampler OTEL_TRACES_SAMPLER configures, for a sampler
 * of the program's own that defers to it. Thread-safe. */
OTEL_API void otel_sampler_configured(const otel_sampling_params_t *params,
                                      otel_sampling_result_t *out);

#ifdef __cplusplus
}
#endif

#endif
