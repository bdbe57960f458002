/*
 * A plain service with not one line of telemetry: libmicrohttpd serves,
 * libpq queries, libcurl calls a second instance of it. Run it under
 * otel-instrument and every request becomes a trace (docs/instrument.md):
 *
 *   otel-instrument plain_server PORT DATABASE_URL [PEER]
 *
 *   GET /items/{id}   the item's price from the database (SELECT $1 * 100),
 *                     and, with PEER (a base URL), its stock from the peer
 *   GET /stock/{id}   the item's stock
 *
 * Serves 127.0.0.1:PORT until SIGTERM or SIGINT.
 */
#include <arpa/inet.h>
#include <curl/curl.h>
#include <libpq-fe.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define THREADS 2

static const char *database_url, *peer;

/* A database connection per serving thread, each used by its thread alone;
 * kept here so that main can close them. */
static PGconn *connections[THREADS];
static pthread_mutex_t connections_lock = PTHREAD_MUTEX_INITIALIZER;
static _Thread_local PGconn **db;

static PGconn **thread_connection(void) {
  if (!db) {
    pthread_mutex_lock(&connections_lock);
    for (size_t i = 0; i < THREADS && !db; i++)
      if (!connections[i])
        db = &connections[i], connections[i] = PQconnectdb(database_url);
    pthread_mutex_unlock(&connections_lock);
  }
  return db;
}

/* The item's price, or -1. */
static long price(const char *id) {
  PGconn **c = thread_connection();
  if (!c)
    return -1;
  if (PQstatus(*c) != CONNECTION_OK)
    PQreset(*c);
  long result = -1;
  const char *values[] = {id};
  PGresult *r = PQexecParams(*c, "SELECT $1::int * 100 AS price", 1, NULL, values, NULL, NULL, 0);
  if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
    result = atol(PQgetvalue(r, 0, 0));
  PQclear(r);
  return result;
}

static size_t keep(char *data, size_t size, size_t n, void *out) {
  size_t have = strlen(out), take = size * n < 63 - have ? size * n : 63 - have;
  memcpy((char *)out + have, data, take);
  ((char *)out)[have + take] = '\0';
  return size * n;
}

/* The peer's answer for the item's stock, into body (64 bytes). */
static long stock(const char *id, char body[64]) {
  char url[512];
  snprintf(url, sizeof(url), "%s/stock/%s", peer, id);
  body[0] = '\0';
  CURL *h = curl_easy_init();
  curl_easy_setopt(h, CURLOPT_URL, url);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, 5000L);
  long status = 0;
  if (curl_easy_perform(h) == CURLE_OK)
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(h);
  return status;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *text) {
  struct MHD_Response *r =
      MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(r, "Content-Type", "application/json");
  enum MHD_Result ok = MHD_queue_response(c, status, r);
  MHD_destroy_response(r);
  return ok;
}

/* The {id} of a path "/prefix/{id}", digits only, or NULL. */
static const char *id_in(const char *url, const char *prefix) {
  size_t n = strlen(prefix);
  if (strncmp(url, prefix, n) || !url[n] || strspn(url + n, "0123456789") != strlen(url + n))
    return NULL;
  return url + n;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **state) {
  (void)cls, (void)version, (void)data, (void)size;
  if (!*state) { /* the headers: answer on the next call */
    *state = c;
    return MHD_YES;
  }
  if (strcmp(method, "GET"))
    return answer(c, MHD_HTTP_METHOD_NOT_ALLOWED, "{\"error\":\"method not allowed\"}");
  char text[256];
  const char *id;
  if ((id = id_in(url, "/stock/"))) {
    snprintf(text, sizeof(text), "{\"id\":%s,\"stock\":%d}", id, (int)(strlen(id) * 7));
    return answer(c, MHD_HTTP_OK, text);
  }
  if ((id = id_in(url, "/items/"))) {
    long p = price(id);
    if (p < 0)
      return answer(c, MHD_HTTP_SERVICE_UNAVAILABLE, "{\"error\":\"database unavailable\"}");
    char peer_body[64] = "null";
    if (peer && stock(id, peer_body) != 200)
      snprintf(peer_body, sizeof(peer_body), "null");
    snprintf(text, sizeof(text), "{\"id\":%s,\"price\":%ld,\"stock\":%s}", id, p, peer_body);
    return answer(c, MHD_HTTP_OK, text);
  }
  return answer(c, MHD_HTTP_NOT_FOUND, "{\"error\":\"not found\"}");
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s PORT DATABASE_URL [PEER]\n", argv[0]);
    return 2;
  }
  database_url = argv[2];
  peer = argc > 3 ? argv[3] : NULL;
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[1]))};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  struct MHD_Daemon *d = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, 0, NULL, NULL, on_request, NULL,
      MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS, MHD_OPTION_END);
  if (!d) {
    fprintf(stderr, "plain_server: cannot listen on port %s\n", argv[1]);
    return 1;
  }
  printf("listening\n");
  fflush(stdout);
  int sig;
  sigwait(&stop, &sig);
  MHD_stop_daemon(d);
  for (size_t i = 0; i < THREADS; i++)
    PQfinish(connections[i]);
  curl_global_cleanup();
  return 0;
}
