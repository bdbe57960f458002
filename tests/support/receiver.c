/* A scriptable OTLP/HTTP receiver on libmicrohttpd, one thread per connection. */
#include "receiver.h"
#include "upload.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "otlp_codec.h"

#define MAX_REQUESTS 256
#define MAX_SCRIPT 16
#define MAX_BODY (64u << 20)

struct receiver {
  struct MHD_Daemon *daemon;
  int port;
  pthread_mutex_t lock;
  received_t requests[MAX_REQUESTS];
  int count;
  int statuses[MAX_SCRIPT];
  int n_statuses;
  char retry_after[64];
  atomic_int connections;
  atomic_bool hang;
  atomic_int delay_ms;
  atomic_bool stopping;
  uint8_t *reply;
  size_t reply_len;
  char reply_type[64];
};

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void copy_header(struct MHD_Connection *c, const char *name, char *out, size_t size) {
  const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
  snprintf(out, size, "%s", v ? v : "");
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *data_size, void **con_cls) {
  (void)method, (void)version;
  receiver_t *r = cls;
  enum MHD_Result more;
  svc_upload_t *up = svc_upload_step(con_cls, data, data_size, MAX_BODY, &more);
  if (!up)
    return more;
  received_t rec;
  memset(&rec, 0, sizeof(rec));
  snprintf(rec.path, sizeof(rec.path), "%s", url);
  copy_header(c, "Content-Type", rec.content_type, sizeof(rec.content_type));
  copy_header(c, "Content-Encoding", rec.content_encoding, sizeof(rec.content_encoding));
  copy_header(c, "x-api-key", rec.api_key, sizeof(rec.api_key));
  rec.at_ms = now_ms();
  if (!strcmp(rec.content_encoding, "gzip")) {
    otlp_buf_t plain;
    otlp_buf_init(&plain, 0);
    if (otlp_gunzip(up->body.data, up->body.len, MAX_BODY, &plain) == 0) {
      rec.body = (uint8_t *)plain.data;
      rec.len = plain.len;
    } else {
      otlp_buf_free(&plain);
    }
  } else {
    rec.body = (uint8_t *)up->body.data; /* taken: the upload keeps an empty buffer */
    rec.len = up->body.len;
    otlp_buf_init(&up->body, 0);
  }
  pthread_mutex_lock(&r->lock);
  int index = r->count;
  if (r->count < MAX_REQUESTS)
    r->requests[r->count++] = rec;
  else
    free(rec.body);
  int status = r->n_statuses ? r->statuses[index < r->n_statuses ? index : r->n_statuses - 1] : 200;
  pthread_mutex_unlock(&r->lock);

  while ((atomic_load(&r->hang) || now_ms() < rec.at_ms + (uint64_t)atomic_load(&r->delay_ms)) &&
         !atomic_load(&r->stopping))
    nanosleep(&(struct timespec){0, 10000000}, NULL);

  struct MHD_Response *resp;
  pthread_mutex_lock(&r->lock); /* the test may script the next answers meanwhile */
  if (status / 100 == 2 && r->reply) {
    resp = MHD_create_response_from_buffer(r->reply_len, r->reply, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", r->reply_type);
  } else {
    resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    if (status / 100 != 2 && r->retry_after[0])
      MHD_add_response_header(resp, "Retry-After", r->retry_after);
  }
  pthread_mutex_unlock(&r->lock);
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
  MHD_destroy_response(resp);
  return ret;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
  (void)c, (void)socket_context;
  receiver_t *r = cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED)
    atomic_fetch_add(&r->connections, 1);
}

int receiver_connections(receiver_t *r) { return atomic_load(&r->connections); }

receiver_t *receiver_start(void) {
  receiver_t *r = calloc(1, sizeof(*r));
  pthread_mutex_init(&r->lock, NULL);
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  r->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0,
                               NULL, NULL, answer, r, MHD_OPTION_SOCK_ADDR, &addr,
                               MHD_OPTION_NOTIFY_COMPLETED, svc_upload_completed, r,
                               MHD_OPTION_NOTIFY_CONNECTION, on_connection, r, MHD_OPTION_END);
  if (!r->daemon) {
    free(r);
    return NULL;
  }
  r->port = MHD_get_daemon_info(r->daemon, MHD_DAEMON_INFO_BIND_PORT)->port;
  return r;
}

void receiver_stop(receiver_t *r) {
  if (!r)
    return;
  atomic_store(&r->stopping, true);
  MHD_stop_daemon(r->daemon);
  for (int i = 0; i < r->count; i++)
    free(r->requests[i].body);
  free(r->reply);
  pthread_mutex_destroy(&r->lock);
  free(r);
}

int receiver_port(const receiver_t *r) { return r->port; }

void receiver_script(receiver_t *r, const int *statuses, int n, const char *retry_after) {
  pthread_mutex_lock(&r->lock);
  r->n_statuses = n < MAX_SCRIPT ? n : MAX_SCRIPT;
  memcpy(r->statuses, statuses, (size_t)r->n_statuses * sizeof(int));
  snprintf(r->retry_after, sizeof(r->retry_after), "%s", retry_after ? retry_after : "");
  pthread_mutex_unlock(&r->lock);
}

void receiver_hang(receiver_t *r, bool hang) { atomic_store(&r->hang, hang); }

void receiver_delay(receiver_t *r, int ms) { atomic_store(&r->delay_ms, ms); }

void receiver_reply_body(receiver_t *r, const void *body, size_t len, const char *content_type) {
  pthread_mutex_lock(&r->lock);
  free(r->reply);
  r->reply = malloc(len);
  memcpy(r->reply, body, len);
  r->reply_len = len;
  snprintf(r->reply_type, sizeof(r->reply_type), "%s", content_type);
  pthread_mutex_unlock(&r->lock);
}

int receiver_count(receiver_t *r) {
  pthread_mutex_lock(&r->lock);
  int n = r->count;
  pthread_mutex_unlock(&r->lock);
  return n;
}

const received_t *receiver_get(receiver_t *r, int i) {
  return i < receiver_count(r) ? &r->requests[i] : NULL;
}

bool receiver_wait(receiver_t *r, int count, int timeout_ms) {
  uint64_t until = now_ms() + (uint64_t)timeout_ms;
  while (receiver_count(r) < count && now_ms() < until)
    nanosleep(&(struct timespec){0, 5000000}, NULL);
  return receiver_count(r) >= count;
}
