/*
 * OTLP export requests over libcurl, with retries, gzip and a bounded
 * response: OTLP/HTTP POSTs, or OTLP/gRPC unary calls over HTTP/2 (h2c for
 * http://, TLS for https://) whose framing and statuses grpc.c knows.
 */
#include "export/otlp_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <otel/otel.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/clock.h"
#include "common/diag.h"
#include "otlp_codec.h"
#include "common/ids.h"
#include "otlp/trace_service.pb-c.h"
#include "export/grpc.h"
#include "export/retry.h"

#define CONNECT_TIMEOUT_MS 5000
/* Sockets a transport has open at once: one connection, sometimes two. */
#define SOCKETS_TRACKED 8
#define WARN_INTERVAL_NS (10ull * 1000000000u)

struct otel__otlp_http {
  const otel__otlp_config_t *cfg;
  otel__interrupt_t *intr;
  CURL *curl;
  struct curl_slist *headers;
  otlp_gzip_t gzip;
  otlp_buf_t compressed;
  otlp_buf_t response;
  int64_t retry_after_ms; /* from the last response; -1 when none */
  bool grpc;
  otlp_buf_t framed;   /* gRPC: the length-prefixed request message */
  otlp_buf_t inflated; /* gRPC: a compressed response message, inflated */
  /* gRPC, from the last response's headers or trailers: */
  int grpc_status; /* -1 when none came */
  bool retry_info; /* a RetryInfo came with it (retry_after_ms holds its delay) */
  bool response_gzip;
  char grpc_message[256];
  /* The sockets open (-1: a free slot), written by libcurl's callbacks on
   * the exporting thread and read by a child after fork(). */
  atomic_int sockets[SOCKETS_TRACKED];
  uint64_t last_warn_ns;
  unsigned suppressed_warnings;
  otel__otlp_http_stats_t stats;
};

/* Export failures are reported at most once per interval, with a count of the rest. */
static void warn_limited(otel__otlp_http_t *h, const char *what, const char *detail) {
  uint64_t now = otel__now_mono_ns();
  if (h->last_warn_ns && now - h->last_warn_ns < WARN_INTERVAL_NS) {
    h->suppressed_warnings++;
    return;
  }
  if (h->suppressed_warnings)
    otel__warn("export to %s %s: %s (and %u similar failures since the last report)",
               h->cfg->shown_url, what, detail, h->suppressed_warnings);
  else
    otel__warn("export to %s %s: %s", h->cfg->shown_url, what, detail);
  h->last_warn_ns = now;
  h->suppressed_warnings = 0;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud) {
  otel__otlp_http_t *h = ud;
  size_t len = size * n;
  if (h->response.len + len > OTEL__RESPONSE_MAX)
    return 0; /* makes libcurl fail the transfer with CURLE_WRITE_ERROR */
  otlp_buf_append(&h->response, p, len);
  return h->response.failed ? 0 : len;
}

/* When the header line p[0..len) is "name: value", its value trimmed into
 * out; NULL for another header or a value longer than size - 1. */
static const char *header_value(const char *p, size_t len, const char *name, char *out,
                                size_t size) {
  size_t nn = strlen(name);
  if (len <= nn || strncasecmp(p, name, nn) || p[nn] != ':')
    return NULL;
  const char *v = p + nn + 1;
  size_t vn = len - nn - 1;
  while (vn && (*v == ' ' || *v == '\t'))
    v++, vn--;
  while (vn && (v[vn - 1] == '\r' || v[vn - 1] == '\n' || v[vn - 1] == ' '))
    vn--;
  if (vn >= size)
    return NULL;
  memcpy(out, v, vn);
  out[vn] = '\0';
  return out;
}

/* Headers, and over HTTP/2 the trailers too, where gRPC puts its status. */
static size_t on_header(char *p, size_t size, size_t n, void *ud) {
  otel__otlp_http_t *h = ud;
  size_t len = size * n;
  char v[4100];
  if (header_value(p, len, "retry-after", v, 64)) {
    h->retry_after_ms = otel__retry_after_parse(v, time(NULL));
  } else if (!h->grpc) {
    return len;
  } else if (header_value(p, len, "grpc-status", v, 16)) {
    char *end;
    long code = strtol(v, &end, 10);
    h->grpc_status = *v && !*end && code >= 0 && code < 1000 ? (int)code : OTEL__GRPC_UNKNOWN;
  } else if (header_value(p, len, "grpc-message", v, sizeof(v))) {
    otel__grpc_message_decode(v, strlen(v), h->grpc_message, sizeof(h->grpc_message));
  } else if (header_value(p, len, "grpc-status-details-bin", v, sizeof(v))) {
    int64_t ms = otel__grpc_retry_info_ms(v, strlen(v));
    if (ms >= 0) {
      h->retry_after_ms = ms;
      h->retry_info = true;
    }
  } else if (header_value(p, len, "grpc-encoding", v, 16)) {
    h->response_gzip = !strcasecmp(v, "gzip");
  }
  return len;
}

/* libcurl's sockets, made and closed here so that a child after fork() can
 * close its copies: close-on-exec, and listed while open. */
static curl_socket_t open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a) {
  (void)purpose;
  otel__otlp_http_t *h = ud;
  int fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
  for (int i = 0; fd >= 0 && i < SOCKETS_TRACKED; i++) {
    int none = -1;
    if (atomic_compare_exchange_strong(&h->sockets[i], &none, fd))
      break;
  }
  return fd >= 0 ? fd : CURL_SOCKET_BAD;
}

/* Unlisted before it is closed: a fork in between leaves the child holding
 * a copy, never closing a number that another thread may open meanwhile. */
static int close_socket(void *ud, curl_socket_t fd) {
  otel__otlp_http_t *h = ud;
  for (int i = 0; i < SOCKETS_TRACKED; i++) {
    int listed = fd;
    if (atomic_compare_exchange_strong(&h->sockets[i], &listed, -1))
      break;
  }
  return close(fd);
}

void otel__otlp_http_abandon(otel__otlp_http_t *h) {
  for (int i = 0; h && i < SOCKETS_TRACKED; i++) {
    int fd = atomic_exchange(&h->sockets[i], -1);
    if (fd >= 0)
      close(fd);
  }
}

/* Aborts a transfer once shutdown's hard deadline has passed. */
static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un) {
  (void)dt, (void)dn, (void)ut, (void)un;
  otel__otlp_http_t *h = ud;
  return otel__now_mono_ns() >= otel__interrupt_deadline(h->intr);
}

/* The fixed headers of a protocol; NULL-terminated. */
static const char *const *protocol_headers(const otel__otlp_config_t *cfg) {
  /* (No "Expect: 100-continue" round trip before large bodies.) */
  static const char *const PROTOBUF[] = {"Content-Type: application/x-protobuf", "Expect:", NULL};
  static const char *const PROTOBUF_GZIP[] = {"Content-Type: application/x-protobuf",
                                              "Content-Encoding: gzip", "Expect:", NULL};
  static const char *const JSON[] = {"Content-Type: application/json", "Expect:", NULL};
  static const char *const JSON_GZIP[] = {"Content-Type: application/json",
                                          "Content-Encoding: gzip", "Expect:", NULL};
  /* gRPC: the message's encoding is its own header; the status comes in trailers. */
  static const char *const GRPC[] = {"Content-Type: application/grpc", "TE: trailers",
                                     "grpc-accept-encoding: gzip", NULL};
  static const char *const GRPC_GZIP[] = {"Content-Type: application/grpc", "TE: trailers",
                                          "grpc-encoding: gzip", "grpc-accept-encoding: gzip",
                                          NULL};
  switch (cfg->protocol) {
  case OTEL__PROTOCOL_JSON:
    return cfg->gzip ? JSON_GZIP : JSON;
  case OTEL__PROTOCOL_GRPC:
    return cfg->gzip ? GRPC_GZIP : GRPC;
  default:
    return cfg->gzip ? PROTOBUF_GZIP : PROTOBUF;
  }
}

static struct curl_slist *build_headers(const otel__otlp_config_t *cfg) {
  struct curl_slist *list = NULL;
  char line[1024];
  for (const char *const *fixed = protocol_headers(cfg); *fixed; fixed++) {
    struct curl_slist *next = curl_slist_append(list, *fixed);
    if (!next) {
      curl_slist_free_all(list);
      return NULL;
    }
    list = next;
  }
  for (int i = 0; list && i < cfg->n_headers; i++) {
    snprintf(line, sizeof(line), "%s: %s", cfg->headers[i].name, cfg->headers[i].value);
    struct curl_slist *next = curl_slist_append(list, line);
    if (!next) {
      curl_slist_free_all(list);
      return NULL;
    }
    list = next;
  }
  return list;
}

otel__otlp_http_t *otel__otlp_http_new(const otel__otlp_config_t *cfg, otel__interrupt_t *intr) {
  otel__otlp_http_t *h = calloc(1, sizeof(*h));
  if (!h)
    return NULL;
  h->cfg = cfg;
  h->intr = intr;
  h->grpc = cfg->protocol == OTEL__PROTOCOL_GRPC;
  for (int i = 0; i < SOCKETS_TRACKED; i++)
    atomic_init(&h->sockets[i], -1);
  otlp_buf_init(&h->compressed, 0);
  otlp_buf_init(&h->framed, 0);
  otlp_buf_init(&h->inflated, OTEL__RESPONSE_MAX);
  otlp_buf_init(&h->response, OTEL__RESPONSE_MAX);
  h->curl = curl_easy_init();
  h->headers = build_headers(cfg);
  if (!h->curl || !h->headers) {
    otel__otlp_http_free(h);
    return NULL;
  }
  CURL *c = h->curl;
  curl_easy_setopt(c, CURLOPT_URL, cfg->url);
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "OTel-OTLP-Exporter-C/" OTEL_SDK_VERSION " libotel");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, open_socket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, h);
  curl_easy_setopt(c, CURLOPT_CLOSESOCKETFUNCTION, close_socket);
  curl_easy_setopt(c, CURLOPT_CLOSESOCKETDATA, h);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  /* gRPC is HTTP/2 only: h2c straight away for http://, ALPN for https://. */
  if (h->grpc) {
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
    /* libcurl before 8.0 fails the second request on a reused h2c
     * connection ("Error in the HTTP2 framing layer", curl issue 10634):
     * there, each h2c export opens a connection of its own. */
    if (!strncasecmp(cfg->url, "http://", 7) &&
        curl_version_info(CURLVERSION_NOW)->version_num < 0x080000)
      curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
  }
  if (cfg->ca_file) /* OTEL_EXPORTER_OTLP_CERTIFICATE: trust these CAs instead */
    curl_easy_setopt(c, CURLOPT_CAINFO, cfg->ca_file);
  if (cfg->client_cert) /* mTLS: presented when the server asks */
    curl_easy_setopt(c, CURLOPT_SSLCERT, cfg->client_cert);
  if (cfg->client_key)
    curl_easy_setopt(c, CURLOPT_SSLKEY, cfg->client_key);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)CONNECT_TIMEOUT_MS);
  curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, h);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, h);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  return h;
}

void otel__otlp_http_free(otel__otlp_http_t *h) {
  if (!h)
    return;
  if (h->curl)
    curl_easy_cleanup(h->curl);
  curl_slist_free_all(h->headers);
  otlp_gzip_end(&h->gzip);
  otlp_buf_free(&h->compressed);
  otlp_buf_free(&h->framed);
  otlp_buf_free(&h->inflated);
  otlp_buf_free(&h->response);
  free(h);
}

otel__otlp_http_stats_t otel__otlp_http_stats(const otel__otlp_http_t *h) { return h->stats; }

/* Logs an accepted answer's partial_success. Every signal's response has the
 * same shape (rejected count = 1, error_message = 2), so the trace one
 * decodes all. */
static void report_partial_success(otel__otlp_http_t *h, const void *body, size_t len, bool json) {
  int64_t rejected = 0;
  char message[256] = "";
  if (!len)
    return;
  if (json) {
    json_t *root = json_loadb(body, len, 0, NULL);
    json_t *ps = json_object_get(root, "partialSuccess");
    const char *key;
    json_t *value;
    json_object_foreach(ps, key, value) {
      if (!strncmp(key, "rejected", 8))
        rejected = json_is_string(value) ? strtoll(json_string_value(value), NULL, 10)
                                         : json_integer_value(value);
      else if (!strcmp(key, "errorMessage") && json_is_string(value))
        snprintf(message, sizeof(message), "%s", json_string_value(value));
    }
    json_decref(root);
  } else {
    Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceResponse *r =
        opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(NULL, len,
                                                                                          body);
    if (r && r->partial_success) {
      rejected = r->partial_success->rejected_spans;
      snprintf(message, sizeof(message), "%s", r->partial_success->error_message);
    }
    if (r)
      opentelemetry__proto__collector__trace__v1__export_trace_service_response__free_unpacked(
          r, NULL);
  }
  if (rejected || message[0])
    otel__warn("export to %s partially rejected: %lld items: %s", h->cfg->shown_url,
               (long long)rejected, message[0] ? message : "(no message)");
}

/* Transport errors worth another attempt: the receiver may be back soon. */
static bool retry_transport(CURLcode rc) {
  switch (rc) {
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_SSL_CONNECT_ERROR:
    return true;
  default:
    return false;
  }
}

typedef enum { ACCEPTED, RETRY, REJECTED } verdict_t;

/* An OTLP/HTTP answer: 2xx accepts; 429, 502, 503 and 504 are retried. */
static verdict_t http_verdict(otel__otlp_http_t *h, long status, char *detail, size_t size) {
  if (status >= 200 && status < 300) {
    char *type = NULL;
    curl_easy_getinfo(h->curl, CURLINFO_CONTENT_TYPE, &type);
    report_partial_success(h, h->response.data, h->response.len, type && strstr(type, "json"));
    return ACCEPTED;
  }
  snprintf(detail, size, "HTTP %ld", status);
  return otel__retry_status(status) ? RETRY : REJECTED;
}

/* An OTLP/gRPC answer: grpc-status 0 accepts; the others, or an HTTP status
 * standing for one, are retried as the OTLP specification says. */
static verdict_t grpc_verdict(otel__otlp_http_t *h, long status, char *detail, size_t size) {
  int code = h->grpc_status;
  if (code < 0)
    code = status == 200 ? OTEL__GRPC_UNKNOWN : otel__grpc_code_of_http(status);
  if (code == OTEL__GRPC_OK) {
    const uint8_t *msg;
    size_t n;
    bool compressed;
    if (!otel__grpc_unframe(h->response.data, h->response.len, &compressed, &msg, &n)) {
      if (compressed &&
          (!h->response_gzip || otlp_gunzip(msg, n, OTEL__RESPONSE_MAX, &h->inflated)))
        n = 0; /* an answer we cannot read is still an acceptance */
      else if (compressed)
        msg = (const uint8_t *)h->inflated.data, n = h->inflated.len;
      report_partial_success(h, msg, n, false);
    }
    return ACCEPTED;
  }
  char name[16];
  if (h->grpc_status < 0)
    snprintf(detail, size, "gRPC %s (HTTP %ld, no grpc-status)", otel__grpc_code_name(code, name),
             status);
  else
    snprintf(detail, size, "gRPC %s%s%s", otel__grpc_code_name(code, name),
             h->grpc_message[0] ? ": " : "", h->grpc_message);
  return otel__grpc_retryable(code, h->retry_info) ? RETRY : REJECTED;
}

int otel__otlp_http_send(otel__otlp_http_t *h, const void *body, size_t len, uint64_t deadline) {
  if (h->cfg->gzip) {
    if (otlp_gzip(&h->gzip, body, len, &h->compressed))
      return -ENOMEM;
    body = h->compressed.data;
    len = h->compressed.len;
  }
  if (h->grpc) {
    otel__grpc_frame(&h->framed, body, len, h->cfg->gzip);
    if (h->framed.failed)
      return -ENOMEM;
    body = h->framed.data;
    len = h->framed.len;
  }
  curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
  curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
  /* OTEL_EXPORTER_OTLP_TIMEOUT bounds the whole export, retries included,
   * within the caller's deadline (the batch processor's export timeout). */
  uint64_t own = otel__deadline_after_ms(h->cfg->timeout_ms);
  if (own < deadline)
    deadline = own;

  bool cut_short = false;
  for (unsigned attempt = 0;; attempt++) {
    uint64_t hard = otel__interrupt_deadline(h->intr);
    uint64_t until = deadline < hard ? deadline : hard;
    uint64_t remaining = otel__ms_until(until);
    if (remaining == 0)
      return hard <= deadline ? -ECANCELED : -ETIMEDOUT;
    curl_easy_setopt(h->curl, CURLOPT_TIMEOUT_MS, (long)remaining);
    otlp_buf_clear(&h->response);
    h->retry_after_ms = -1;
    h->grpc_status = -1;
    h->retry_info = h->response_gzip = false;
    h->grpc_message[0] = '\0';
    h->stats.requests++;
    CURLcode rc = curl_easy_perform(h->curl);
    long status = 0;
    char detail[384];
    if (rc == CURLE_OK) {
      curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
      verdict_t v = h->grpc ? grpc_verdict(h, status, detail, sizeof(detail))
                            : http_verdict(h, status, detail, sizeof(detail));
      if (v == ACCEPTED) {
        otel__debug("export to %s: %zu bytes%s, %s %ld, attempt %u", h->cfg->shown_url, len,
                    h->cfg->gzip ? " (gzip)" : "", h->grpc ? "gRPC OK, HTTP" : "HTTP", status,
                    attempt + 1);
        return 0;
      }
      if (v == REJECTED) {
        warn_limited(h, "rejected", detail);
        return -EPROTO;
      }
    } else if (rc == CURLE_ABORTED_BY_CALLBACK) {
      warn_limited(h, "cut short", "shutdown deadline reached");
      return -ECANCELED;
    } else {
      snprintf(detail, sizeof(detail), "%s", curl_easy_strerror(rc));
      if (rc == CURLE_WRITE_ERROR)
        snprintf(detail, sizeof(detail), "response larger than %u bytes", OTEL__RESPONSE_MAX);
      if (!retry_transport(rc)) {
        warn_limited(h, "failed", detail);
        return -EIO;
      }
    }
    remaining = otel__ms_until(until);
    int64_t delay = otel__retry_delay_ms(attempt, h->retry_after_ms, otel__random_u64(), remaining);
    if (delay < 0 || cut_short) {
      warn_limited(h, "failed", detail);
      return -ETIMEDOUT;
    }
    h->stats.retries++;
    otel__debug("export to %s: %s; attempt %u again in %lld ms", h->cfg->shown_url, detail,
                attempt + 2, (long long)delay);
    /* Shutdown cuts the wait short; one last attempt follows, then no more. */
    if (!otel__interrupt_sleep(h->intr, (uint64_t)delay))
      cut_short = true;
  }
}
