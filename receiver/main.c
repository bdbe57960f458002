/*
 * receiver: this project's stand-in for the OpenTelemetry Collector on a
 * machine without Docker. Accepts OTLP/HTTP exports (protobuf or JSON, gzip
 * or not) for traces, metrics and logs; appends each as one OTLP/JSON line
 * (the collector file exporter's format) to RECEIVER_DIR/{traces,metrics,
 * logs}.jsonl; and prints a live view of the traces on stdout (view.h).
 * `receiver view [--all] FILE` shows that view of a file instead (follow.h).
 *
 * RECEIVER_HOST (127.0.0.1), RECEIVER_PORT (4318; 0 picks a free port),
 * RECEIVER_DIR (telemetry), RECEIVER_KEEP (files; or count: decode and
 * count, write nothing and show nothing, for benchmarks),
 * RECEIVER_UNAVAILABLE_MS (0; for that long after it starts, every export
 * gets 503 with Retry-After: 1, as from a collector that is not ready: to
 * watch an exporter's retries), RECEIVER_FILTER (noise: drop what the
 * collector's filter drops, filter.h; none: keep and show everything). Stops on SIGTERM or SIGINT,
 * saying how many exports and items of each signal it received.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "otlp_codec.h"
#include "decode.h"
#include "env.h"
#include "filter.h"
#include "follow.h"
#include "signals.h"
#include "upload.h"
#include "view.h"

typedef struct {
  int count_only;
  int filter_noise;
  FILE *files[RX_SIGNALS]; /* unless count_only */
  rx_view_t *view;         /* unless count_only */
  unsigned long long exports[RX_SIGNALS], items[RX_SIGNALS];
  uint64_t available_at_ms; /* exports before this get 503 */
  unsigned long long refused_unavailable;
  pthread_mutex_t lock; /* all of the above */
} receiver_t;

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Keeps a decoded export: counts it, and unless counting only, writes its
 * JSON line and shows its spans in the view. */
static void count(receiver_t *rx, const rx_decoded_t *d) {
  pthread_mutex_lock(&rx->lock);
  rx->exports[d->signal]++, rx->items[d->signal] += d->items;
  pthread_mutex_unlock(&rx->lock);
}

static void keep(receiver_t *rx, const rx_decoded_t *d) {
  if (rx->count_only) {
    count(rx, d);
    return;
  }
  Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *traces =
      d->signal == RX_TRACES
          ? (Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *)d->message
          : NULL;
  if (traces && rx->filter_noise && rx_filter_noise(traces) && !traces->n_resource_spans) {
    count(rx, d); /* nothing is left to write or show */
    return;
  }
  otlp_buf_t line;
  otlp_buf_init(&line, 0);
  otlp_json_encode(d->message, &line);
  otlp_buf_putc(&line, '\n');
  pthread_mutex_lock(&rx->lock);
  rx->exports[d->signal]++, rx->items[d->signal] += d->items;
  if (!line.failed) {
    fwrite(line.data, 1, line.len, rx->files[d->signal]);
    fflush(rx->files[d->signal]);
  }
  if (traces)
    rx_view_spans(rx->view, traces, now_ms());
  pthread_mutex_unlock(&rx->lock);
  otlp_buf_free(&line);
}

/* The answer the protocol asks for: an empty Export*ServiceResponse, or a
 * google.rpc.Status (code 3, INVALID_ARGUMENT, or 14, UNAVAILABLE, and the
 * reason), in the request's encoding. */
static enum MHD_Result answer(struct MHD_Connection *c, const rx_decoded_t *d) {
  char body[256];
  size_t len = 0;
  int code = d->status == 503 ? 14 : 3;
  if (d->status == 200 && d->json) {
    len = (size_t)snprintf(body, sizeof(body), "{}");
  } else if (d->json) {
    len = (size_t)snprintf(body, sizeof(body), "{\"code\":%d,\"message\":\"%s\"}", code, d->error);
  } else if (d->status != 200) {
    size_t n = strlen(d->error); /* the reasons are short constants: one-byte lengths */
    body[len++] = 0x08, body[len++] = (char)code; /* code */
    body[len++] = 0x12, body[len++] = (char)n;    /* message */
    memcpy(body + len, d->error, n);
    len += n;
  }
  struct MHD_Response *r = MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_COPY);
  if (!r)
    return MHD_NO;
  MHD_add_response_header(r, "Content-Type",
                          d->json ? "application/json" : "application/x-protobuf");
  if (d->status == 503)
    MHD_add_response_header(r, "Retry-After", "1");
  enum MHD_Result ret = MHD_queue_response(c, d->status, r);
  MHD_destroy_response(r);
  return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *data_size, void **con_cls) {
  (void)version;
  receiver_t *rx = cls;
  enum MHD_Result more;
  svc_upload_t *up = svc_upload_step(con_cls, data, data_size, RX_MAX_BODY, &more);
  if (!up)
    return more;
  rx_decoded_t d;
  if (strcmp(method, "POST")) {
    d = (rx_decoded_t){.status = 405, .error = "OTLP/HTTP takes POST"};
  } else if (up->too_large || up->body.failed) {
    d = (rx_decoded_t){.status = 413, .error = "body too large"};
  } else if (now_ms() < rx->available_at_ms) {
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    d = (rx_decoded_t){.status = 503,
                       .error = "not available yet (RECEIVER_UNAVAILABLE_MS)",
                       .json = rx_wants_json(type)};
    pthread_mutex_lock(&rx->lock);
    rx->refused_unavailable++;
    pthread_mutex_unlock(&rx->lock);
  } else {
    rx_request_t req = {url,
                        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type"),
                        MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Encoding"),
                        up->body.data,
                        up->body.len,
                        rx->count_only};
    d = rx_decode(&req);
  }
  if (d.status == 200)
    keep(rx, &d);
  else if (d.status != 503) { /* the 503s are counted, and said at exit */
    char shown[256];
    fprintf(stderr, "receiver: %s %s: %u %s\n", method, rx_printable(url, shown, sizeof(shown)),
            d.status, d.error);
  }
  enum MHD_Result ret = answer(c, &d);
  rx_decoded_free(&d);
  return ret;
}

static FILE *open_output(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof(path), "%s/%s.jsonl", dir, name);
  FILE *f = fopen(path, "a");
  if (!f)
    fprintf(stderr, "receiver: cannot open %s: %s\n", path, strerror(errno));
  return f;
}

int main(int argc, char **argv) {
  svc_config_set_program("receiver");
  svc_signals_block();
  if (argc > 1) { /* receiver view [--all] FILE: follow.h */
    bool all = argc == 4 && !strcmp(argv[2], "--all");
    if (strcmp(argv[1], "view") || argc != 3 + all) {
      fprintf(stderr, "usage: receiver, or receiver view [--all] TRACES_JSONL\n");
      return 2;
    }
    return rx_follow(argv[2 + all], all);
  }
  const char *host = svc_env_str("RECEIVER_HOST", "127.0.0.1");
  long port = svc_env_long("RECEIVER_PORT", 4318, 0, 65535);
  const char *dir = svc_env_str("RECEIVER_DIR", "telemetry");
  const char *keep_what = svc_env_str("RECEIVER_KEEP", "files");
  long unavailable_ms = svc_env_long("RECEIVER_UNAVAILABLE_MS", 0, 0, 86400000);
  const char *filter = svc_env_str("RECEIVER_FILTER", "noise");
  if (strcmp(filter, "noise") && strcmp(filter, "none"))
    svc_config_fail("RECEIVER_FILTER", filter, "expected noise or none");
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  if (inet_pton(AF_INET, host, &addr.sin_addr) != 1)
    svc_config_fail("RECEIVER_HOST", host, "not an IPv4 address");
  if (strcmp(keep_what, "files") && strcmp(keep_what, "count"))
    svc_config_fail("RECEIVER_KEEP", keep_what, "expected files or count");

  receiver_t rx = {.count_only = !strcmp(keep_what, "count"),
                   .filter_noise = !strcmp(filter, "noise"),
                   .available_at_ms = now_ms() + (uint64_t)unavailable_ms};
  pthread_mutex_init(&rx.lock, NULL);
  if (!rx.count_only) {
    if (mkdir(dir, 0755) && errno != EEXIST)
      svc_config_fail("RECEIVER_DIR", dir, strerror(errno));
    for (int s = 0; s < RX_SIGNALS; s++)
      if (!(rx.files[s] = open_output(dir, rx_signal_name((rx_signal_t)s))))
        return 1;
    if (!(rx.view = rx_view_new(stdout)))
      return 1;
  }
  struct MHD_Daemon *daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL_LINUX_ONLY, (uint16_t)port, NULL, NULL,
      on_request, &rx, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED,
      svc_upload_completed, &rx, MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_END);
  if (!daemon) {
    fprintf(stderr, "receiver: cannot listen on %s:%ld\n", host, port);
    return 1;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
  unsigned bound = info ? info->port : (unsigned)port;
  if (rx.count_only)
    printf("receiver: OTLP/HTTP on http://%s:%u, counting only\n", host, bound);
  else
    printf("receiver: OTLP/HTTP on http://%s:%u, writing %s/{traces,metrics,logs}.jsonl\n", host,
           bound, dir);
  fflush(stdout);

  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  struct timespec tick = {0, 200 * 1000000};
  while (sigtimedwait(&stop, NULL, &tick) < 0) { /* a timeout: show the traces now complete */
    pthread_mutex_lock(&rx.lock);
    if (rx.view)
      rx_view_tick(rx.view, now_ms(), 0);
    pthread_mutex_unlock(&rx.lock);
  }
  MHD_stop_daemon(daemon);
  if (rx.view) {
    rx_view_tick(rx.view, now_ms(), 1);
    rx_view_free(rx.view);
  }
  printf("receiver: received %llu spans in %llu exports, %llu data points in %llu, "
         "%llu log records in %llu; %llu refused as not available yet\n",
         rx.items[RX_TRACES], rx.exports[RX_TRACES], rx.items[RX_METRICS], rx.exports[RX_METRICS],
         rx.items[RX_LOGS], rx.exports[RX_LOGS], rx.refused_unavailable);
  for (int s = 0; s < RX_SIGNALS; s++)
    if (rx.files[s])
      fclose(rx.files[s]);
  return 0;
}
