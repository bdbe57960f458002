/*
 * Periodic exporting metric reader.
 *
 * Protocol. One thread sleeps on a condition variable until the export
 * interval passes, a flush is requested, or shutdown begins; then, with no
 * lock of its own held, it encodes every instrument (each instrument's lock
 * is held only while its points are written) and sends the request with the
 * export timeout as deadline. A flush bumps flush_requested and waits until
 * the thread reports the matching flush_done. Shutdown sets stopping and the
 * interrupt's hard deadline, the thread makes one last export within it and
 * exits, and is joined. Request threads never wait on any of this.
 *
 * A test's SDK (<otel/testing.h>) has no thread: a flush collects and
 * exports on the thread that asks, under the lock, and so does shutdown.
 *
 * fork() (common/fork.c): a child has no reader thread; it abandons this
 * reader, which the thread may have left mid-export, and starts its own.
 */
#include "metrics/metric_reader.h"
#include "otlp_codec.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "common/diag.h"
#include "export/batch.h"
#include "export/interrupt.h"
#include "otlp/metrics_service.pb-c.h"
#include "export/otlp_common.h"
#include "export/otlp_http.h"
#include "export/otlp_metrics.h"
#include "metrics/metric_exporters.h"
#include "logs/stdout_writer.h"

#define REQUEST_DESCRIPTOR                                                                         \
  opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__descriptor

struct otel__reader {
  const otel__sdk_t *sdk;
  otel__interrupt_t intr;
  otel__otlp_http_t *http; /* NULL when OTLP is not among the exporters */
  bool console;
  otel__pbw_t pb;
  otlp_buf_t json;
  bool threadless; /* a test's SDK: collections run on the thread that flushes */
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t wake, done;
  uint64_t flush_requested, flush_done;
  bool stopping, stopped;
  atomic_uint_fast64_t exported, failed_by[OTEL__FAILURES], inflight;
};

static void export_once(otel__reader_t *r, uint64_t deadline) {
  size_t points = 0;
  uint64_t t0 = otel__now_mono_ns();
  int collected = otel__otlp_metrics_encode(&r->pb, &r->sdk->resource, &points);
  uint64_t t1 = otel__now_mono_ns();
  otel__export_told("collection", points, collected, t1 - t0);
  if (collected || points == 0)
    return;
  if (otel__metric_exporters_any()) /* the program's own, first: the encoded bytes are as made */
    otel__metric_exporters_export(otel__pbw_data(&r->pb), otel__pbw_len(&r->pb),
                                  (uint32_t)otel__ms_until(deadline));
  const otel__otlp_config_t *cfg = &r->sdk->config.metrics_otlp;
  const void *body;
  size_t len;
  if (r->console &&
      otel__otlp_body(&r->pb, &REQUEST_DESCRIPTOR, true, &r->json, &body, &len) == 0) {
    otlp_buf_putc(&r->json, '\n'); /* body is r->json's text */
    if (!r->json.failed)
      otel__stdout_now(r->json.data, r->json.len);
  }
  int rc = 0;
  atomic_store(&r->inflight, points);
  if (r->http) {
    rc = otel__otlp_body(&r->pb, &REQUEST_DESCRIPTOR, cfg->protocol == OTEL__PROTOCOL_JSON,
                         &r->json, &body, &len);
    if (rc == 0)
      rc = otel__otlp_http_send(r->http, body, len, deadline);
  }
  otel__export_told("metric data points", points, rc, otel__now_mono_ns() - t1);
  atomic_fetch_add(rc ? &r->failed_by[otel__failure_of(rc)] : &r->exported, points);
  atomic_store(&r->inflight, 0);
}

otel__reader_stats_t otel__reader_stats(const otel__reader_t *r) {
  otel__reader_stats_t s = {atomic_load(&r->exported), {0}, atomic_load(&r->inflight)};
  for (int i = 0; i < OTEL__FAILURES; i++)
    s.failed_by[i] = atomic_load(&r->failed_by[i]);
  return s;
}

static void *reader_thread(void *arg) {
  otel__reader_t *r = arg;
  otel__sdk_thread = true;
  const otel__config_t *cfg = &r->sdk->config;
  pthread_mutex_lock(&r->lock);
  while (!r->stopping) {
    uint64_t next = otel__deadline_after_ms(cfg->metric_interval_ms);
    int rc = 0;
    while (!r->stopping && r->flush_requested == r->flush_done && rc != -ETIMEDOUT)
      rc = otel__cond_wait_until(&r->wake, &r->lock, next);
    if (r->stopping)
      break;
    uint64_t flush = r->flush_requested;
    pthread_mutex_unlock(&r->lock);
    export_once(r, otel__deadline_after_ms(cfg->metric_timeout_ms));
    pthread_mutex_lock(&r->lock);
    r->flush_done = flush;
    pthread_cond_broadcast(&r->done);
  }
  pthread_mutex_unlock(&r->lock);
  uint64_t deadline = otel__deadline_after_ms(cfg->metric_timeout_ms);
  uint64_t hard = otel__interrupt_deadline(&r->intr);
  export_once(r, hard < deadline ? hard : deadline); /* the last collection */
  pthread_mutex_lock(&r->lock);
  r->stopped = true;
  pthread_cond_broadcast(&r->done);
  pthread_mutex_unlock(&r->lock);
  return NULL;
}

static void reader_free(otel__reader_t *r) {
  otel__otlp_http_free(r->http);
  otel__pbw_free(&r->pb);
  otlp_buf_free(&r->json);
  pthread_cond_destroy(&r->done);
  pthread_cond_destroy(&r->wake);
  pthread_mutex_destroy(&r->lock);
  otel__interrupt_destroy(&r->intr);
  free(r);
}

otel__reader_t *otel__reader_start(const otel__sdk_t *sdk) {
  int kinds = sdk->config.metrics_exporters;
  if (!kinds && !otel__metric_exporters_any())
    return NULL;
  otel__reader_t *r = calloc(1, sizeof(*r));
  if (!r || otel__interrupt_init(&r->intr)) {
    free(r);
    otel__error("metrics: out of memory; metrics will not be exported");
    return NULL;
  }
  r->sdk = sdk;
  r->console = kinds & OTEL__EXPORT_CONSOLE;
  otel__pbw_init(&r->pb);
  otlp_buf_init(&r->json, 0);
  pthread_mutex_init(&r->lock, NULL);
  otel__cond_init_monotonic(&r->wake);
  otel__cond_init_monotonic(&r->done);
  if (kinds & OTEL__EXPORT_OTLP)
    r->http = otel__otlp_http_new(&sdk->config.metrics_otlp, &r->intr);
  r->threadless = sdk->threadless;
  if (r->threadless)
    return r;
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = (kinds & OTEL__EXPORT_OTLP) && !r->http
               ? -1
               : pthread_create(&r->thread, NULL, reader_thread, r);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  if (rc) {
    otel__error("metrics: cannot start the export thread; metrics will not be exported");
    reader_free(r);
    return NULL;
  }
  return r;
}

int otel__reader_flush(otel__reader_t *r, uint32_t timeout_ms) {
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  if (r->threadless) { /* one collection at a time, as the thread would make them */
    pthread_mutex_lock(&r->lock);
    export_once(r, deadline);
    pthread_mutex_unlock(&r->lock);
    return 0;
  }
  pthread_mutex_lock(&r->lock);
  uint64_t ticket = ++r->flush_requested;
  pthread_cond_signal(&r->wake);
  int rc = 0;
  while (r->flush_done < ticket && !r->stopped && rc != -ETIMEDOUT)
    rc = otel__cond_wait_until(&r->done, &r->lock, deadline);
  bool ok = r->flush_done >= ticket;
  pthread_mutex_unlock(&r->lock);
  return ok ? 0 : -ETIMEDOUT;
}

int otel__reader_shutdown(otel__reader_t *r, uint32_t timeout_ms) {
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  otel__interrupt_stop(&r->intr, deadline);
  if (r->threadless) {
    export_once(r, deadline); /* the last collection */
  } else {
    pthread_mutex_lock(&r->lock);
    r->stopping = true;
    pthread_cond_signal(&r->wake);
    pthread_mutex_unlock(&r->lock);
    pthread_join(r->thread, NULL);
  }
  reader_free(r);
  return otel__now_mono_ns() >= deadline ? -ETIMEDOUT : 0;
}

void otel__reader_abandon(otel__reader_t *r) { otel__otlp_http_abandon(r->http); }
