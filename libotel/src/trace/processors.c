/*
 * Span processors and the sampler of the program's own. Registered before
 * otel_init() into fixed tables that never change afterwards, so the
 * request path reads them without a lock; a span of a program that
 * registered nothing passes one branch (state.h's span_hooks) and no call.
 */
#include "trace/processors.h"

#include <errno.h>

#include "common/clock.h"
#include "common/lifecycle.h"
#include "common/table.h"
#include "export/batch.h"
#include "export/driver.h"
#include "trace/context_internal.h"
#include "trace/sampler.h"
#include "trace/span.h"

static otel_span_processor_t processors[OTEL__MAX_PROCESSORS];
static otel__registry_t registry; /* their lifecycles, and how many */
static otel_sampler_t sampler;

static int processor_add(const otel_span_processor_t *p) {
  int i = otel__registry_add(&registry, &(otel__lifecycle_t){p->ud, p->force_flush, p->shutdown});
  if (i >= 0)
    processors[i] = *p;
  return i < 0 ? i : 0;
}

int otel_add_span_processor(const otel_span_processor_t *p) {
  otel_span_processor_t copy;
  if (!p || !otel__table_copy(&copy, sizeof(copy), p))
    return -EINVAL;
  return processor_add(&copy);
}

int otel_set_sampler(const otel_sampler_t *s) {
  if (otel__sdk.sealed)
    return -EBUSY;
  otel_sampler_t copy;
  if (!s || !otel__table_copy(&copy, sizeof(copy), s) || !copy.should_sample)
    return -EINVAL;
  sampler = copy;
  return 0;
}

/* --- exporters, behind a driver each (export/driver.c) --- */

typedef otel_export_result_t (*export_spans_fn)(void *, const otel_span_data_t *const *, size_t,
                                                uint32_t);

static otel_export_result_t call_export(void (*fn)(void), void *ud, void *const *items, size_t n,
                                        uint32_t timeout_ms) {
  return ((export_spans_fn)fn)(ud, (const otel_span_data_t *const *)(const void *)items, n,
                               timeout_ms);
}

static void hold(void *span) { otel__span_hold(span); }
static void release(void *span) { otel__span_release(span); }
static const otel__batch_config_t *bsp(const otel__sdk_t *sdk) { return &sdk->config.bsp; }

static const otel__driver_ops_t SPANS = {"spans for the program's exporter", call_export, hold,
                                         release, bsp};

static bool driver_end(void *ud, const otel_span_data_t *view) {
  otel_span_t *span = (otel_span_t *)(const void *)view; /* the SDK's own span */
  if (span->ctx.flags & OTEL_TRACE_FLAG_SAMPLED)
    otel__driver_take(ud, span);
  return true;
}

int otel_add_span_exporter(const otel_span_exporter_t *e, otel_processing_t how) {
  otel_span_exporter_t copy;
  if (!e || !otel__table_copy(&copy, sizeof(copy), e) || !copy.export_spans)
    return -EINVAL;
  otel__exporter_fns_t fns = {copy.ud, (void (*)(void))copy.export_spans, copy.force_flush,
                              copy.shutdown};
  otel__driver_t *d;
  int rc = otel__driver_add(&SPANS, &fns, how, registry.n == OTEL__MAX_PROCESSORS, &d);
  return rc ? rc
            : processor_add(&OTEL_SPAN_PROCESSOR_INIT(.ud = d, .on_end = driver_end,
                                                      .force_flush = otel__driver_flush,
                                                      .shutdown = otel__driver_shutdown));
}

/* A span that records has started: each processor's on_start in turn. */
static void on_start(otel_span_t *span, const otel_context_t *parent) {
  otel_context_t current;
  parent = otel__parent_context(parent, &current);
  for (size_t i = 0; i < registry.n; i++)
    if (processors[i].on_start)
      processors[i].on_start(processors[i].ud, span, parent);
}

/* A span that recorded has ended: each processor's on_end in turn, then,
 * unless one dropped it and if it is sampled, the built-in pipeline. */
static void on_end(otel_span_t *span) {
  const otel_span_data_t *view = otel_span_data(span);
  bool go_on = true;
  for (size_t i = 0; go_on && i < registry.n; i++)
    if (processors[i].on_end)
      go_on = processors[i].on_end(processors[i].ud, view);
  if (go_on && otel__sdk.spans && (span->ctx.flags & OTEL_TRACE_FLAG_SAMPLED))
    otel__span_enqueue(span, otel__sdk.spans);
  otel__span_release(span);
}

static void should_sample(const otel_sampling_params_t *params, otel_sampling_result_t *r) {
  sampler.should_sample(sampler.ud, params, r);
  if (r->decision != OTEL_SAMPLING_RECORD_ONLY && r->decision != OTEL_SAMPLING_RECORD_AND_SAMPLE)
    r->decision = OTEL_SAMPLING_DROP;
}

void otel__span_hooks_start(otel__sdk_t *sdk) {
  if (registry.n) {
    sdk->span_hooks.start = on_start;
    sdk->span_hooks.end = on_end;
  }
  if (sampler.should_sample)
    sdk->span_hooks.sample = should_sample;
  sdk->span_hooks.any = sdk->span_hooks.start || sdk->span_hooks.sample;
}

void otel_sampler_configured(const otel_sampling_params_t *params, otel_sampling_result_t *out) {
  const otel_span_context_t *p = params->parent ? &params->parent->span_context : NULL;
  bool sampled = otel__sampler_should_sample(&otel__sdk.sampler, p, params->trace_id);
  *out = (otel_sampling_result_t){.decision = sampled ? OTEL_SAMPLING_RECORD_AND_SAMPLE
                                                      : OTEL_SAMPLING_DROP};
}

int otel__span_processors_flush(uint64_t deadline) {
  return otel__lifecycles_run(registry.lifecycles, registry.n, false, deadline);
}

int otel__span_processors_shutdown(uint64_t deadline) {
  return otel__lifecycles_run(registry.lifecycles, registry.n, true, deadline);
}
