/*
 * otlp_sink OUTFILE: an OTLP/HTTP receiver for the integration suites. Listens
 * on 127.0.0.1 (the port is printed on stdout), and appends every trace export
 * it receives to OUTFILE as one OTLP/JSON line, until SIGTERM or SIGINT.
 */
#include <signal.h>
#include <stdio.h>
#include <time.h>

#include "otlp/trace_service.pb-c.h"
#include "otlp_common.h"
#include "receiver.h"

static volatile sig_atomic_t stop;
static void on_signal(int sig) { (void)sig, stop = 1; }

/* Appends requests [from, count) to out; returns the new count. */
static int drain(receiver_t *r, int from, FILE *out) {
  int count = receiver_count(r);
  for (int i = from; i < count; i++) {
    const received_t *rec = receiver_get(r, i);
    otel__buf_t json;
    otel__buf_init(&json, 0);
    if (otel__otlp_pb_to_json(
            &opentelemetry__proto__collector__trace__v1__export_trace_service_request__descriptor,
            rec->body, rec->len, &json) == 0) {
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
    fprintf(stderr, "usage: otlp_sink OUTFILE\n");
    return 2;
  }
  FILE *out = fopen(argv[1], "a");
  receiver_t *r = out ? receiver_start() : NULL;
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
    done = drain(r, done, out);
    nanosleep(&(struct timespec){0, 20000000}, NULL);
  }
  drain(r, done, out);
  receiver_stop(r);
  fclose(out);
  return 0;
}
