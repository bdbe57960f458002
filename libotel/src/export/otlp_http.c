/* OTLP/HTTP requests over libcurl, with retries, gzip and a bounded response. */
#include "export/otlp_http.h"

#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <otel/otel.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/clock.h"
#include "common/diag.h"
#include "otlp_codec.h"
#include "common/ids.h"
#include "otlp/trace_service.pb-c.h"
#include "export/retry.h"

#define CONNECT_TIMEOUT_MS 5000
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

static size_t on_header(char *p, size_t size, size_t n, void *ud) {
  otel__otlp_http_t *h = ud;
  size_t len = size * n;
  static const char name[] = "retry-after:";
  if (len > sizeof(name) - 1 && !strncasecmp(p, name, sizeof(name) - 1)) {
    char value[64];
    size_t vn = len - (sizeof(name) - 1);
    const char *v = p + sizeof(name) - 1;
    while (vn && (*v == ' ' || *v == '\t'))
      v++, vn--;
    while (vn && (v[vn - 1] == '\r' || v[vn - 1] == '\n' || v[vn - 1] == ' '))
      vn--;
    if (vn < sizeof(value)) {
      memcpy(value, v, vn);
      value[vn] = '\0';
      h->retry_after_ms = otel__retry_after_parse(value, time(NULL));
    }
  }
  return len;
}

/* Aborts a transfer once shutdown's hard deadline has passed. */
static int on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un) {
  (void)dt, (void)dn, (void)ut, (void)un;
  otel__otlp_http_t *h = ud;
  return otel__now_mono_ns() >= otel__interrupt_deadline(h->intr);
}

static struct curl_slist *build_headers(const otel__otlp_config_t *cfg) {
  struct curl_slist *list = NULL;
  char line[1024];
  const char *type =
      cfg->protocol == OTEL__PROTOCOL_JSON ? "application/json" : "application/x-protobuf";
  snprintf(line, sizeof(line), "Content-Type: %s", type);
  list = curl_slist_append(list, line);
  if (list && cfg->gzip)
    list = curl_slist_append(list, "Content-Encoding: gzip");
  /* No "Expect: 100-continue" round trip before large bodies. */
  if (list)
    list = curl_slist_append(list, "Expect:");
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
  otlp_buf_init(&h->compressed, 0);
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
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
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
  otlp_buf_free(&h->response);
  free(h);
}

otel__otlp_http_stats_t otel__otlp_http_stats(const otel__otlp_http_t *h) { return h->stats; }

/* Logs a 2xx answer's partial_success. Every signal's response has the same
 * shape (rejected count = 1, error_message = 2), so the trace one decodes all. */
static void report_partial_success(otel__otlp_http_t *h, const char *content_type) {
  int64_t rejected = 0;
  char message[256] = "";
  if (!h->response.len)
    return;
  if (content_type && strstr(content_type, "json")) {
    json_t *root = json_loadb(h->response.data, h->response.len, 0, NULL);
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
        opentelemetry__proto__collector__trace__v1__export_trace_service_response__unpack(
            NULL, h->response.len, (const uint8_t *)h->response.data);
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

int otel__otlp_http_send(otel__otlp_http_t *h, const void *body, size_t len, uint64_t deadline) {
  if (h->cfg->gzip) {
    if (otlp_gzip(&h->gzip, body, len, &h->compressed))
      return -ENOMEM;
    body = h->compressed.data;
    len = h->compressed.len;
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
    h->stats.requests++;
    CURLcode rc = curl_easy_perform(h->curl);
    long status = 0;
    char detail[160];
    if (rc == CURLE_OK) {
      curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &status);
      if (status >= 200 && status < 300) {
        char *type = NULL;
        curl_easy_getinfo(h->curl, CURLINFO_CONTENT_TYPE, &type);
        report_partial_success(h, type);
        otel__debug("export to %s: %zu bytes%s, HTTP %ld, attempt %u", h->cfg->shown_url, len,
                    h->cfg->gzip ? " (gzip)" : "", status, attempt + 1);
        return 0;
      }
      snprintf(detail, sizeof(detail), "HTTP %ld", status);
      if (!otel__retry_status(status)) {
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
