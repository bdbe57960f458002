/*
 * Log record processors and exporters of the program's own. As for spans
 * (trace/processors.c): fixed tables filled before otel_init(), read
 * without a lock; a program that registered nothing writes its records as
 * before, with one branch more.
 *
 * A record reaches them as a view made on the writing thread (log_data.h),
 * after its JSON line. The processors run in order, each may write the view
 * or drop it; an exporter's driver takes a copy of the view as it stands
 * there; last, the built-in pipeline gets the record encoded from the view.
 */
#include "logs/log_processors.h"

#include <errno.h>

#include "common/lifecycle.h"
#include "common/table.h"
#include "export/batch.h"
#include "export/driver.h"
#include "logs/log_data.h"
#include "logs/log_record.h"

static otel_log_processor_t processors[OTEL__MAX_PROCESSORS];
static otel__registry_t registry; /* their lifecycles, and how many */

static int processor_add(const otel_log_processor_t *p) {
  int i = otel__registry_add(&registry, &(otel__lifecycle_t){p->ud, p->force_flush, p->shutdown});
  if (i >= 0)
    processors[i] = *p;
  return i < 0 ? i : 0;
}

int otel_add_log_processor(const otel_log_processor_t *p) {
  otel_log_processor_t copy;
  if (!p || !otel__table_copy(&copy, sizeof(copy), p))
    return -EINVAL;
  return processor_add(&copy);
}

/* --- exporters, behind a driver each (export/driver.c) --- */

typedef otel_export_result_t (*export_logs_fn)(void *, const otel_log_data_t *const *, size_t,
                                               uint32_t);

static otel_export_result_t call_export(void (*fn)(void), void *ud, void *const *items, size_t n,
                                        uint32_t timeout_ms) {
  return ((export_logs_fn)fn)(ud, (const otel_log_data_t *const *)(const void *)items, n,
                              timeout_ms);
}

static void hold(void *copy) { otel__log_data_hold(copy); }
static void release(void *copy) { otel__log_data_release(copy); }
static const otel__batch_config_t *blrp(const otel__sdk_t *sdk) { return &sdk->config.blrp; }

static const otel__driver_ops_t LOG_RECORDS = {"log records for the program's exporter",
                                               call_export, hold, release, blrp};

/* The view as it stands, copied once for every exporter after it. */
static bool driver_emit(void *ud, otel_log_data_t *view) {
  otel_log_data_t *copy = otel__log_data_copy(view);
  if (copy)
    otel__driver_take(ud, copy);
  return true;
}

int otel_add_log_exporter(const otel_log_exporter_t *e, otel_processing_t how) {
  otel_log_exporter_t copy;
  if (!e || !otel__table_copy(&copy, sizeof(copy), e) || !copy.export_logs)
    return -EINVAL;
  otel__exporter_fns_t fns = {copy.ud, (void (*)(void))copy.export_logs, copy.force_flush,
                              copy.shutdown};
  otel__driver_t *d;
  int rc = otel__driver_add(&LOG_RECORDS, &fns, how, registry.n == OTEL__MAX_PROCESSORS, &d);
  return rc ? rc
            : processor_add(&OTEL_LOG_PROCESSOR_INIT(.ud = d, .on_emit = driver_emit,
                                                     .force_flush = otel__driver_flush,
                                                     .shutdown = otel__driver_shutdown));
}

/* The record the built-in pipeline exports, from the view as the
 * processors left it; NULL when out of memory. */
static otel__log_record_t *record_of(otel_log_data_t *v) {
  otel_attr_t *attrs = otel__arena_alloc(&v->arena, (v->attrs.n + 1) * sizeof(*attrs));
  if (!attrs)
    return NULL;
  for (uint32_t i = 0; i < v->attrs.n; i++)
    attrs[i] = v->attrs.items[i].attr;
  otel_span_context_t sc = {.flags = v->flags};
  memcpy(sc.trace_id, v->trace_id, sizeof(sc.trace_id));
  memcpy(sc.span_id, v->span_id, sizeof(sc.span_id));
  return otel__log_record_new(v->time_unix_ns, v->severity, v->severity_text, v->logger,
                              v->event_name, v->body, attrs, v->attrs.n, v->in_span ? &sc : NULL);
}

static void emit(const otel__log_entry_t *e) {
  char block[1024];
  otel_log_data_t view;
  otel__log_data_init(&view, e, block, sizeof(block));
  bool go_on = true;
  for (size_t i = 0; go_on && i < registry.n; i++)
    if (processors[i].on_emit)
      go_on = processors[i].on_emit(processors[i].ud, &view);
  otel__batch_t *logs = otel__sdk.logs;
  if (go_on && logs) {
    otel__log_record_t *r = record_of(&view);
    if (r && otel__batch_push(logs, r) != 0)
      otel__log_record_free(r);
  }
  otel__log_data_finish(&view);
}

void otel__log_hooks_start(otel__sdk_t *sdk) {
  if (registry.n)
    sdk->log_hooks.emit = emit;
}

int otel__log_processors_flush(uint64_t deadline) {
  return otel__lifecycles_run(registry.lifecycles, registry.n, false, deadline);
}

int otel__log_processors_shutdown(uint64_t deadline) {
  return otel__lifecycles_run(registry.lifecycles, registry.n, true, deadline);
}
