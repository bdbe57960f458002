/* SDK lifecycle: init from the environment, flush, shutdown. */
#include "common/sdk.h"

#include <curl/curl.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <otel/otel.h>

#include "export/batch.h"
#include "export/driver.h"
#include "common/clock.h"
#include "logs/log_processors.h"
#include "logs/log_record.h"
#include "metrics/metric_exporters.h"
#include "metrics/metric_reader.h"
#include "common/diag.h"
#include "common/fork.h"
#include "common/resource.h"
#include "metrics/self_metrics.h"
#include "common/state.h"
#include "logs/stdout_writer.h"
#include "export/trace_exporter.h"

#include "trace/processors.h"

static bool initialised;
bool otel__preloaded;

/* A program that links libotel instruments itself: a preloaded copy
 * (otel-instrument's) stands down, so that nothing is recorded twice. */
static void tell_a_preloaded_copy(void) {
  if (otel__preloaded)
    return; /* this is the preloaded copy */
  void (*stand_down)(void);
  *(void **)&stand_down = dlsym(RTLD_DEFAULT, "otel_instrument_stand_down");
  if (stand_down)
    stand_down();
}

int otel__sdk_start_linked(const char *default_service_name, const otel__start_t *how) {
  tell_a_preloaded_copy();
  return otel__sdk_start(default_service_name, how);
}

int otel_init(const char *default_service_name) {
  return otel__sdk_start_linked(default_service_name, NULL);
}

int otel__sdk_start(const char *default_service_name, const otel__start_t *how) {
  if (initialised) {
    otel__warn("otel_init called twice; the second call is ignored");
    return 0;
  }
  initialised = true;
  otel__sdk_t *s = &otel__sdk;
  s->sealed = true;
  int rc = otel__config_load(&s->config, NULL, NULL);
  if (rc) { /* a file that cannot be used was reported by its reader */
    if (rc == -ENOMEM)
      otel__error("out of memory reading the configuration; telemetry is off");
    otel__config_free(&s->config);
    return rc;
  }
  if (how && how->no_exporters) {
    s->config.traces_exporters = s->config.logs_exporters = s->config.metrics_exporters = 0;
    s->threadless = true;
  }
  const char *name = s->config.service_name ? s->config.service_name : default_service_name;
  snprintf(s->service_name, sizeof(s->service_name), "%s", name ? name : "unknown_service");
  /* Log lines go to stdout from a thread of their own, telemetry or not. */
  if ((!how || !how->no_stdout_writer) && otel__stdout_start())
    otel__warn("no stdout writer thread; log lines are written by their callers");
  /* A child after fork() goes on: its own threads, none of the parent's
   * queued items (fork.c). */
  otel__fork_register();
  if (s->config.disabled)
    return 0;
  /* libcurl's global state is set up here, on the thread that initialises
   * the SDK, never lazily on an exporter thread. */
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    otel__error("libcurl could not be initialised; telemetry is off");
    return -EIO;
  }
  otel__resource_init(&s->resource, default_service_name, s->config.service_name,
                      s->config.resource_attributes);
  otel__resource_add(&s->resource, &s->config.resource_attrs, s->config.resource_schema_url);
  if (how && how->executable)
    otel__resource_set_executable(&s->resource, how->executable);
  otel__sampler_init(&s->sampler, s->config.sampler, s->config.sampler_ratio);
  otel__sampler_set_branches(&s->sampler, s->config.sampler_parent);
  s->spans = otel__trace_pipeline_start(s);
  otel__drivers_start(s);
  otel__span_hooks_start(s);
  s->metrics = otel__reader_start(s);
  s->logs = otel__logs_pipeline_start(s);
  otel__log_hooks_start(s);
  if (s->metrics)
    otel__self_metrics_register();
  atomic_store_explicit(&s->enabled, true, memory_order_release);
  return 0;
}

bool otel_enabled(void) { return otel__sdk_enabled(); }

int otel_force_flush(uint32_t timeout_ms) {
  if (!otel__sdk_enabled())
    return 0;
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  int prc = otel__span_processors_flush(deadline);
  int lprc = otel__log_processors_flush(deadline);
  prc = prc ? prc : lprc;
  int rc =
      otel__sdk.spans ? otel__batch_flush(otel__sdk.spans, (uint32_t)otel__ms_until(deadline)) : 0;
  rc = prc ? prc : rc;
  int logs_rc =
      otel__sdk.logs ? otel__batch_flush(otel__sdk.logs, (uint32_t)otel__ms_until(deadline)) : 0;
  int metrics_rc = otel__sdk.metrics
                       ? otel__reader_flush(otel__sdk.metrics, (uint32_t)otel__ms_until(deadline))
                       : 0;
  int mexp_rc = otel__metric_exporters_flush(deadline);
  metrics_rc = metrics_rc ? metrics_rc : mexp_rc;
  return rc ? rc : logs_rc ? logs_rc : metrics_rc;
}

int otel_shutdown(uint32_t timeout_ms) {
  otel__sdk_t *s = &otel__sdk;
  if (!atomic_exchange(&s->enabled, false)) {
    otel__stdout_stop(); /* the SDK is off, but log lines may be queued */
    return 0;
  }
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  int prc = otel__span_processors_shutdown(deadline);
  int lprc = otel__log_processors_shutdown(deadline);
  prc = prc ? prc : lprc;
  int rc = s->spans ? otel__batch_shutdown(s->spans, (uint32_t)otel__ms_until(deadline)) : 0;
  rc = prc ? prc : rc;
  if (s->logs) {
    int lrc = otel__batch_shutdown(s->logs, (uint32_t)otel__ms_until(deadline));
    rc = rc ? rc : lrc;
  }
  if (s->metrics) {
    int mrc = otel__reader_shutdown(s->metrics, (uint32_t)otel__ms_until(deadline));
    s->metrics = NULL;
    rc = rc ? rc : mrc;
  }
  otel__metric_exporters_shutdown(deadline);
  otel__stdout_stop(); /* last: the pipelines' own lines are written too */
  /* The resource and configuration stay: spans still in a host thread's
   * hands may read the limits until they end. */
  return rc;
}
