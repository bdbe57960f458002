/*
 * Exporter throughput on one core: batches of 512 server spans (ten
 * attributes each, like the services' HTTP spans) encoded as OTLP protobuf
 * and gzipped, as the export thread does per batch. Also JSON, for comparison.
 */
#include <otel/trace.h>
#include <stdio.h>
#include <stdlib.h>

#include "bench.h"
#include "otlp_codec.h"
#include "common/state.h"
#include "export/trace_exporter.h"

#define BATCH 512
#define SECONDS 2

static otel_span_t *server_span(const otel_tracer_t *t, int i) {
  otel_span_t *s = otel_span_start(t, "GET /api/articles/{id}", OTEL_SPAN_KIND_SERVER, NULL);
  char path[64];
  snprintf(path, sizeof(path), "/api/articles/%d", i);
  otel_span_set_str(s, "http.request.method", "GET");
  otel_span_set_str(s, "url.path", path);
  otel_span_set_str(s, "url.scheme", "http");
  otel_span_set_str(s, "http.route", "/api/articles/{id}");
  otel_span_set_int(s, "http.response.status_code", 200);
  otel_span_set_str(s, "server.address", "127.0.0.1");
  otel_span_set_int(s, "server.port", 8080);
  otel_span_set_str(s, "client.address", "127.0.0.1");
  otel_span_set_str(s, "network.protocol.version", "1.1");
  otel_span_set_str(s, "user_agent.original", "wrk/4.2.0");
  /* ended by hand: the spans stay with the benchmark instead of a pipeline */
  s->head.recording = false;
  s->end_unix_ns = s->start_unix_ns + 1234567;
  return s;
}

static void run(const char *label, otel_span_t **spans, otel__protocol_t protocol, bool gzip) {
  otel__pbw_t pb;
  otel__pbw_init(&pb);
  otlp_buf_t json, compressed;
  otlp_buf_init(&json, 0);
  otlp_buf_init(&compressed, 0);
  otlp_gzip_t gz = {0};
  uint64_t batches = 0, bytes = 0, wire = 0;
  uint64_t t0 = otel__now_mono_ns(), until = t0 + SECONDS * 1000000000ull;
  struct timespec cpu0, cpu1;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu0);
  while (otel__now_mono_ns() < until) {
    const void *body;
    size_t len;
    otel__trace_encode(&pb, &json, &otel__sdk.resource, spans, BATCH, protocol, &body, &len);
    bytes += len;
    wire += len;
    if (gzip) {
      otlp_gzip(&gz, body, len, &compressed);
      wire += compressed.len - len;
    }
    batches++;
  }
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu1);
  double cpu = (double)(cpu1.tv_sec - cpu0.tv_sec) + (double)(cpu1.tv_nsec - cpu0.tv_nsec) / 1e9;
  double spans_per_s = (double)(batches * BATCH) / cpu;
  printf("%-28s %10.0f spans/s per core  %6.1f bytes/span  %6.1f on the wire\n", label, spans_per_s,
         (double)bytes / (double)(batches * BATCH), (double)wire / (double)(batches * BATCH));
  otlp_gzip_end(&gz);
  otel__pbw_free(&pb);
  otlp_buf_free(&json);
  otlp_buf_free(&compressed);
}

int main(void) {
  setenv("OTEL_TRACES_EXPORTER", "none", 1);
  otel_init("articles");
  const otel_tracer_t *t = otel_tracer_get("libotel.mhd", OTEL_SDK_VERSION);
  otel_span_t *spans[BATCH];
  for (int i = 0; i < BATCH; i++)
    spans[i] = server_span(t, i);
  printf("encode a batch of %d server spans, %d s each, CPU time of this thread\n", BATCH, SECONDS);
  run("protobuf + gzip", spans, OTEL__PROTOCOL_PROTOBUF, true);
  run("protobuf", spans, OTEL__PROTOCOL_PROTOBUF, false);
  run("json + gzip", spans, OTEL__PROTOCOL_JSON, true);
  for (int i = 0; i < BATCH; i++)
    otel__span_free(spans[i]);
  otel_shutdown(1000);
  return 0;
}
