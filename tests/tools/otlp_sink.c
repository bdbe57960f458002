/*
 * otlp_sink DIR: an OTLP/HTTP receiver for the integration suites. Listens on
 * 127.0.0.1 (the port is printed on stdout) and appends every export it
 * receives as one OTLP/JSON line to DIR/traces.jsonl, metrics.jsonl or logs.jsonl,
 * until SIGTERM or SIGINT.
 */
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <stdio.h>
#include <time.h>

#include "otlp/logs_service.pb-c.h"
#include "otlp/metrics_service.pb-c.h"
#include "otlp/trace_service.pb-c.h"
#include "otlp_common.h"
#include "receiver.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig, stop = 1; }

static FILE *traces, *metrics, *logs;

/* Appends requests [from, count) to their signal's file; returns the new count. */
static int drain(receiver_t *r, int from) {
  int count = receiver_count(r);
  for (int i = from; i < count; i++) {
    const received_t *rec = receiver_get(r, i);
    const ProtobufCMessageDescriptor *d =
        &opentelemetry__proto__collector__trace__v1__export_trace_service_request__descriptor;
    FILE *out = traces;
    if (!strcmp(rec->path, "/v1/metrics")) {
      d = &opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__descriptor;
      out = metrics;
    } else if (!strcmp(rec->path, "/v1/logs")) {
      d = &opentelemetry__proto__collector__logs__v1__export_logs_service_request__descriptor;
      out = logs;
    }
    otel__buf_t json;
    otel__buf_init(&json, 0);
    if (otel__otlp_pb_to_json(d, rec->body, rec->len, &json) == 0) {
      fwrite(json.data, 1, json.len, out);
      fputc('\n', out);
      fflush(out);
    }
    otel__buf_free(&json);
  }
  return count;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: otlp_sink DIR\n");
    return 2;
  }
  char path[4096];
  snprintf(path, sizeof(path), "%s/traces.jsonl", argv[1]);
  traces = fopen(path, "a");
  snprintf(path, sizeof(path), "%s/metrics.jsonl", argv[1]);
  metrics = fopen(path, "a");
  snprintf(path, sizeof(path), "%s/logs.jsonl", argv[1]);
  logs = fopen(path, "a");
  receiver_t *r = traces && metrics && logs ? receiver_start() : NULL;
  if (!r) {
    perror("otlp_sink");
    return 1;
  }
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  printf("%d\n", receiver_port(r));
  fflush(stdout);
  int done = 0;
  while (!stop) {
    done = drain(r, done);
    nanosleep(&(struct timespec){0, 20000000}, NULL);
  }
  drain(r, done);
  receiver_stop(r);
  fclose(traces);
  fclose(metrics);
  fclose(logs);
  return 0;
}
