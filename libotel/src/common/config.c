/* Reads the OTEL_* environment variables the SDK supports, with the specification's defaults. */
#include "common/config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <otel/trace.h>

#include "common/diag.h"
#include "propagation/kvlist.h"

#define DEFAULT_OTLP_ENDPOINT "http://localhost:4318"
#define DEFAULT_GRPC_ENDPOINT "http://localhost:4317"
#define MAX_QUEUE_SIZE_CAP (1u << 20)
#define LIMIT_CAP (1u << 16)
#define MAX_HEADERS 64
#define OTEL__MAX_WARNED 8

typedef struct {
  otel__getenv_fn get;
  void *ud;
  char warned[OTEL__MAX_WARNED][64]; /* the file variables already warned about */
  int n_warned;
} env_t;

const otel__sampler_branch_t otel__parent_defaults[OTEL__PARENT_BRANCHES] = {
    [OTEL__PARENT_REMOTE_SAMPLED] = {OTEL__SAMPLER_ALWAYS_ON, 1.0},
    [OTEL__PARENT_REMOTE_NOT_SAMPLED] = {OTEL__SAMPLER_ALWAYS_OFF, 1.0},
    [OTEL__PARENT_LOCAL_SAMPLED] = {OTEL__SAMPLER_ALWAYS_ON, 1.0},
    [OTEL__PARENT_LOCAL_NOT_SAMPLED] = {OTEL__SAMPLER_ALWAYS_OFF, 1.0},
};

static const char *sys_getenv(void *ud, const char *name) {
  (void)ud;
  return getenv(name);
}

/* A variable's value with surrounding white space removed into buf; NULL when
 * unset or empty (the specification treats both as unset). */
static const char *env_str(const env_t *env, const char *name, char *buf, size_t size) {
  const char *v = env->get(env->ud, name);
  if (!v)
    return NULL;
  while (*v == ' ' || *v == '\t')
    v++;
  size_t n = strlen(v);
  while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
    n--;
  if (n == 0 || n >= size)
    return n ? v : NULL;
  memcpy(buf, v, n);
  buf[n] = '\0';
  return buf;
}

static bool env_bool(const env_t *env, const char *name) {
  char buf[16];
  const char *v = env_str(env, name, buf, sizeof(buf));
  if (!v || !strcasecmp(v, "false"))
    return false;
  if (!strcasecmp(v, "true"))
    return true;
  otel__warn("%s=%s is not a boolean; using false", name, v);
  return false;
}

/* A non-negative integer at most cap, else def with a warning. */
static uint32_t env_uint(const env_t *env, const char *name, uint32_t def, uint32_t cap) {
  char buf[32];
  const char *v = env_str(env, name, buf, sizeof(buf));
  if (!v)
    return def;
  char *end;
  errno = 0;
  unsigned long long n = strtoull(v, &end, 10);
  if (*v < '0' || *v > '9' || *end || errno) {
    otel__warn("%s=%s is not a non-negative integer; using %u", name, v, def);
    return def;
  }
  if (n > cap) {
    otel__warn("%s=%s is above the limit; using %u", name, v, cap);
    return cap;
  }
  return (uint32_t)n;
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

typedef struct {
  const char *name;
  int bit;
} name_bit_t;

/* A comma-separated set of names (case-insensitive) as bits; def when unset.
 * "none" adds nothing; an unknown name is warned about and skipped. */
static int parse_name_set(const env_t *env, const char *var, const name_bit_t *names, size_t n,
                          int def) {
  char buf[256];
  const char *v = env_str(env, var, buf, sizeof(buf));
  if (!v)
    return def;
  int set = 0;
  for (const char *p = v; *p;) {
    size_t len = strcspn(p, ",");
    const char *b = p, *e = p + len;
    while (b < e && *b == ' ')
      b++;
    while (e > b && e[-1] == ' ')
      e--;
    size_t i = 0;
    while (i < n && (strlen(names[i].name) != (size_t)(e - b) ||
                     strncasecmp(names[i].name, b, (size_t)(e - b))))
      i++;
    if (i < n)
      set |= names[i].bit;
    else if (e > b && !(e - b == 4 && !strncasecmp(b, "none", 4)))
      otel__warn("%s: '%.*s' is not supported; ignoring it", var, (int)(e - b), b);
    p += len + (p[len] == ',');
  }
  return set;
}

static int parse_exporters(const env_t *env, const char *var) {
  static const name_bit_t names[] = {{"otlp", OTEL__EXPORT_OTLP},
                                     {"console", OTEL__EXPORT_CONSOLE}};
  return parse_name_set(env, var, names, 2, OTEL__EXPORT_OTLP);
}

static int parse_propagators(const env_t *env) {
  static const name_bit_t names[] = {{"tracecontext", OTEL__PROPAGATE_TRACECONTEXT},
                                     {"baggage", OTEL__PROPAGATE_BAGGAGE}};
  return parse_name_set(env, "OTEL_PROPAGATORS", names, 2,
                        OTEL__PROPAGATE_TRACECONTEXT | OTEL__PROPAGATE_BAGGAGE);
}

static void parse_sampler(const env_t *env, otel__config_t *c) {
  static const struct {
    const char *name;
    otel__sampler_kind_t kind;
  } samplers[] = {
      {"always_on", OTEL__SAMPLER_ALWAYS_ON},
      {"always_off", OTEL__SAMPLER_ALWAYS_OFF},
      {"traceidratio", OTEL__SAMPLER_RATIO},
      {"parentbased_always_on", OTEL__SAMPLER_PARENT_ALWAYS_ON},
      {"parentbased_always_off", OTEL__SAMPLER_PARENT_ALWAYS_OFF},
      {"parentbased_traceidratio", OTEL__SAMPLER_PARENT_RATIO},
  };
  char buf[64];
  c->sampler = OTEL__SAMPLER_PARENT_ALWAYS_ON;
  c->sampler_ratio = 1.0;
  memcpy(c->sampler_parent, otel__parent_defaults, sizeof(c->sampler_parent));
  const char *v = env_str(env, "OTEL_TRACES_SAMPLER", buf, sizeof(buf));
  if (v) {
    size_t i = 0;
    while (i < sizeof(samplers) / sizeof(samplers[0]) && strcasecmp(v, samplers[i].name))
      i++;
    if (i < sizeof(samplers) / sizeof(samplers[0]))
      c->sampler = samplers[i].kind;
    else
      otel__warn("OTEL_TRACES_SAMPLER=%s is not supported; using parentbased_always_on", v);
  }
  if (c->sampler != OTEL__SAMPLER_RATIO && c->sampler != OTEL__SAMPLER_PARENT_RATIO)
    return;
  v = env_str(env, "OTEL_TRACES_SAMPLER_ARG", buf, sizeof(buf));
  if (!v)
    return;
  char *end;
  double r = strtod(v, &end);
  if (*end || !(r >= 0.0 && r <= 1.0))
    otel__warn("OTEL_TRACES_SAMPLER_ARG=%s is not a ratio in [0, 1]; using 1.0", v);
  else
    c->sampler_ratio = r;
}

/* The per-signal variable when set, else the general one; NULL when neither is. */
static const char *signal_var(const env_t *env, const char *signal, const char *suffix, char *buf,
                              size_t size, char *which, size_t which_size) {
  snprintf(which, which_size, "OTEL_EXPORTER_OTLP_%s_%s", signal, suffix);
  const char *v = env_str(env, which, buf, size);
  if (v)
    return v;
  snprintf(which, which_size, "OTEL_EXPORTER_OTLP_%s", suffix);
  return env_str(env, which, buf, size);
}

/* A file setting for signal: the signal's variable, else the general one.
 * A file that cannot be read is one warning naming its variable (once per
 * load, though three signals read it) and no setting: the host goes on. */
static int file_var(env_t *env, const char *signal, const char *suffix, char **out) {
  char buf[1024], var[64];
  const char *v = signal_var(env, signal, suffix, buf, sizeof(buf), var, sizeof(var));
  *out = NULL;
  if (!v)
    return 0;
  FILE *f = fopen(v, "r");
  if (!f) {
    int err = errno;
    bool told = false;
    for (int i = 0; i < env->n_warned; i++)
      told = told || !strcmp(env->warned[i], var);
    if (!told) {
      otel__warn("%s=%s cannot be read (%s); exporting without it", var, v, strerror(err));
      if (env->n_warned < OTEL__MAX_WARNED)
        snprintf(env->warned[env->n_warned++], sizeof(env->warned[0]), "%s", var);
    }
    return 0;
  }
  fclose(f);
  return (*out = strdup(v)) ? 0 : -ENOMEM;
}

static void add_header(void *ud, const char *key, const char *value, const char *props) {
  (void)props;
  otel__otlp_config_t *o = ud;
  for (int i = 0; i < o->n_headers; i++) {
    if (!strcasecmp(o->headers[i].name, key)) {
      char *v = strdup(value);
      if (v) {
        free(o->headers[i].value);
        o->headers[i].value = v;
      }
      return;
    }
  }
  if (o->n_headers >= MAX_HEADERS)
    return;
  char *k = strdup(key), *v = strdup(value);
  if (!k || !v) {
    free(k);
    free(v);
    return;
  }
  o->headers[o->n_headers++] = (otel__header_t){k, v};
}

/* One signal's names: its variables' infix, its OTLP/HTTP path, and its
 * collector service's Export method, the path of an OTLP/gRPC call. */
typedef struct {
  const char *name;
  const char *http_path;
  const char *grpc_method;
} signal_t;

static const signal_t TRACES = {"TRACES", "/v1/traces",
                                "/opentelemetry.proto.collector.trace.v1.TraceService/Export"};
static const signal_t METRICS = {"METRICS", "/v1/metrics",
                                 "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export"};
static const signal_t LOGS = {"LOGS", "/v1/logs",
                              "/opentelemetry.proto.collector.logs.v1.LogsService/Export"};

static char *concat3(const char *a, size_t an, const char *b, size_t bn, const char *c) {
  size_t cn = strlen(c);
  char *s = malloc(an + bn + cn + 1);
  if (s) {
    memcpy(s, a, an);
    memcpy(s + an, b, bn);
    memcpy(s + an + bn, c, cn + 1);
  }
  return s;
}

static bool has_prefix(const char *s, const char *prefix) {
  return !strncasecmp(s, prefix, strlen(prefix));
}

/* OTLP/HTTP: a per-signal endpoint is used as is; the general one gets the
 * signal's path. */
static char *http_url(const env_t *env, const signal_t *sig, char *buf, size_t size) {
  char var[64];
  snprintf(var, sizeof(var), "OTEL_EXPORTER_OTLP_%s_ENDPOINT", sig->name);
  const char *v = env_str(env, var, buf, size);
  if (v)
    return strdup(v);
  v = env_str(env, "OTEL_EXPORTER_OTLP_ENDPOINT", buf, size);
  if (!v)
    v = DEFAULT_OTLP_ENDPOINT;
  size_t n = strlen(v);
  while (n && v[n - 1] == '/')
    n--;
  return concat3(v, n, "", 0, sig->http_path);
}

/* OTLP/gRPC: either endpoint names a host and port, with a scheme or not; a
 * path is ignored, the call's is the method's. Without a scheme,
 * OTEL_EXPORTER_OTLP[_SIGNAL]_INSECURE=true means h2c, else TLS. */
static char *grpc_url(const env_t *env, const signal_t *sig, char *buf, size_t size) {
  char var[64], flag[16];
  const char *v = signal_var(env, sig->name, "ENDPOINT", buf, size, var, sizeof(var));
  if (!v)
    v = DEFAULT_GRPC_ENDPOINT;
  const char *scheme = "";
  if (!has_prefix(v, "http://") && !has_prefix(v, "https://")) {
    const char *f = signal_var(env, sig->name, "INSECURE", flag, sizeof(flag), var, sizeof(var));
    bool insecure = f && !strcasecmp(f, "true");
    if (f && !insecure && strcasecmp(f, "false"))
      otel__warn("%s=%s is not a boolean; using false", var, f);
    scheme = insecure ? "http://" : "https://";
  }
  const char *host = strstr(v, "://");
  host = host ? host + 3 : v;
  size_t n = (size_t)(host - v) + strcspn(host, "/?#");
  return concat3(scheme, strlen(scheme), v, n, sig->grpc_method);
}

static int parse_otlp(env_t *env, const signal_t *sig, otel__otlp_config_t *o) {
  char buf[2048], var[64];
  const char *signal = sig->name;
  o->headers = calloc(MAX_HEADERS, sizeof(*o->headers));
  if (!o->headers)
    return -ENOMEM;

  o->protocol = OTEL__PROTOCOL_PROTOBUF;
  const char *v = signal_var(env, signal, "PROTOCOL", buf, sizeof(buf), var, sizeof(var));
  if (v && !strcmp(v, "http/json"))
    o->protocol = OTEL__PROTOCOL_JSON;
  else if (v && !strcmp(v, "grpc"))
    o->protocol = OTEL__PROTOCOL_GRPC;
  else if (v && strcmp(v, "http/protobuf"))
    otel__warn("%s=%s is not supported; using http/protobuf", var, v);

  o->url = o->protocol == OTEL__PROTOCOL_GRPC ? grpc_url(env, sig, buf, sizeof(buf))
                                              : http_url(env, sig, buf, sizeof(buf));
  if (!o->url)
    return -ENOMEM;
  char shown[2048];
  if (!(o->shown_url = strdup(otel_url_redact(o->url, shown, sizeof(shown)))))
    return -ENOMEM;

  o->gzip = false;
  v = signal_var(env, signal, "COMPRESSION", buf, sizeof(buf), var, sizeof(var));
  if (v && !strcmp(v, "gzip"))
    o->gzip = true;
  else if (v && strcmp(v, "none"))
    otel__warn("%s=%s is not supported; using none", var, v);

  snprintf(var, sizeof(var), "OTEL_EXPORTER_OTLP_%s_TIMEOUT", signal);
  o->timeout_ms = env_uint(env, "OTEL_EXPORTER_OTLP_TIMEOUT", 10000, 3600000);
  o->timeout_ms = env_uint(env, var, o->timeout_ms, 3600000);
  if (o->timeout_ms == 0)
    o->timeout_ms = 10000;

  /* General headers first, then the signal's own, which replace same names. */
  const char *general = env->get(env->ud, "OTEL_EXPORTER_OTLP_HEADERS");
  if (otel__kvlist_parse(general, add_header, o))
    otel__warn("OTEL_EXPORTER_OTLP_HEADERS: malformed entries ignored");
  snprintf(var, sizeof(var), "OTEL_EXPORTER_OTLP_%s_HEADERS", signal);
  if (otel__kvlist_parse(env->get(env->ud, var), add_header, o))
    otel__warn("%s: malformed entries ignored", var);

  int rc = file_var(env, signal, "CERTIFICATE", &o->ca_file);
  if (!rc)
    rc = file_var(env, signal, "CLIENT_CERTIFICATE", &o->client_cert);
  if (!rc)
    rc = file_var(env, signal, "CLIENT_KEY", &o->client_key);
  return rc;
}

/* The spans' and the log records' limits, each over the general ones. */
static void parse_limits(const env_t *env, otel__config_t *c) {
  otel__span_limits_t *l = &c->span_limits;
  uint32_t count = env_uint(env, "OTEL_ATTRIBUTE_COUNT_LIMIT", 128, LIMIT_CAP);
  uint32_t length = env_uint(env, "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", 0, UINT32_MAX);
  c->log_attr_count = env_uint(env, "OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", count, LIMIT_CAP);
  c->log_attr_value_length =
      env_uint(env, "OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", length, UINT32_MAX);
  l->attr_count = env_uint(env, "OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", count, LIMIT_CAP);
  l->attr_value_length =
      env_uint(env, "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", length, UINT32_MAX);
  l->event_count = env_uint(env, "OTEL_SPAN_EVENT_COUNT_LIMIT", 128, LIMIT_CAP);
  l->link_count = env_uint(env, "OTEL_SPAN_LINK_COUNT_LIMIT", 128, LIMIT_CAP);
  l->event_attr_count = env_uint(env, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", 128, LIMIT_CAP);
  l->link_attr_count = env_uint(env, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", 128, LIMIT_CAP);
}

static void parse_batch(const env_t *env, const char *prefix, uint32_t default_delay_ms,
                        otel__batch_config_t *b) {
  char var[64];
  snprintf(var, sizeof(var), "%s_SCHEDULE_DELAY", prefix);
  b->schedule_delay_ms = env_uint(env, var, default_delay_ms, 3600000);
  snprintf(var, sizeof(var), "%s_EXPORT_TIMEOUT", prefix);
  b->export_timeout_ms = env_uint(env, var, 30000, 3600000);
  snprintf(var, sizeof(var), "%s_MAX_QUEUE_SIZE", prefix);
  b->max_queue_size = env_uint(env, var, 2048, MAX_QUEUE_SIZE_CAP);
  if (b->max_queue_size == 0) {
    otel__warn("%s=0 is not allowed; using 2048", var);
    b->max_queue_size = 2048;
  }
  snprintf(var, sizeof(var), "%s_MAX_EXPORT_BATCH_SIZE", prefix);
  b->max_export_batch_size = env_uint(env, var, 512, MAX_QUEUE_SIZE_CAP);
  if (b->max_export_batch_size == 0 || b->max_export_batch_size > b->max_queue_size) {
    uint32_t fix = b->max_queue_size < 512 ? b->max_queue_size : 512;
    otel__warn("%s=%u must be 1 to the queue size; using %u", var, b->max_export_batch_size, fix);
    b->max_export_batch_size = fix;
  }
}

/* OTEL_LOG_LEVEL, applied as soon as it is read, so that the warnings about
 * the other variables obey it. */
static void apply_log_level(const env_t *env) {
  static const struct {
    const char *name;
    otel__diag_level_t level;
  } LEVELS[] = {{"debug", OTEL__DIAG_DEBUG},
                {"info", OTEL__DIAG_INFO},
                {"warn", OTEL__DIAG_WARN},
                {"error", OTEL__DIAG_ERROR},
                {"none", OTEL__DIAG_NONE}};
  char buf[16];
  const char *v = env_str(env, "OTEL_LOG_LEVEL", buf, sizeof(buf));
  otel__diag_set_level(OTEL__DIAG_INFO);
  if (!v)
    return;
  for (size_t i = 0; i < sizeof(LEVELS) / sizeof(LEVELS[0]); i++)
    if (!strcasecmp(v, LEVELS[i].name)) {
      otel__diag_set_level(LEVELS[i].level);
      return;
    }
  otel__warn("OTEL_LOG_LEVEL=%s is not supported; using info", v);
}

int otel__config_load_env(otel__config_t *c, otel__getenv_fn get, void *ud) {
  env_t env = {.get = get ? get : sys_getenv, .ud = ud};
  char buf[1024];
  memset(c, 0, sizeof(*c));
  otel__arena_init(&c->resource_arena, NULL, 0);
  apply_log_level(&env);
  c->disabled = env_bool(&env, "OTEL_SDK_DISABLED");
  c->service_name = dup_or_null(env_str(&env, "OTEL_SERVICE_NAME", buf, sizeof(buf)));
  c->resource_attributes = dup_or_null(env.get(env.ud, "OTEL_RESOURCE_ATTRIBUTES"));
  c->sensitive_query = dup_or_null(
      env_str(&env, "OTEL_INSTRUMENTATION_HTTP_SENSITIVE_QUERY_PARAMETERS", buf, sizeof(buf)));
  c->propagators = parse_propagators(&env);
  parse_sampler(&env, c);
  c->traces_exporters = parse_exporters(&env, "OTEL_TRACES_EXPORTER");
  parse_batch(&env, "OTEL_BSP", 5000, &c->bsp);
  parse_batch(&env, "OTEL_BLRP", 1000, &c->blrp);
  c->logs_exporters = parse_exporters(&env, "OTEL_LOGS_EXPORTER");
  parse_limits(&env, c);
  c->metrics_exporters = parse_exporters(&env, "OTEL_METRICS_EXPORTER");
  c->metric_interval_ms = env_uint(&env, "OTEL_METRIC_EXPORT_INTERVAL", 60000, 86400000);
  c->metric_timeout_ms = env_uint(&env, "OTEL_METRIC_EXPORT_TIMEOUT", 30000, 3600000);
  c->metrics_temporality = OTEL__TEMPORALITY_CUMULATIVE;
  const char *t =
      env_str(&env, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", buf, sizeof(buf));
  if (t && !strcasecmp(t, "delta"))
    c->metrics_temporality = OTEL__TEMPORALITY_DELTA;
  else if (t && !strcasecmp(t, "lowmemory"))
    c->metrics_temporality = OTEL__TEMPORALITY_LOWMEMORY;
  else if (t && strcasecmp(t, "cumulative"))
    otel__warn("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=%s is not supported; using "
               "cumulative",
               t);
  c->exemplar_filter = OTEL__EXEMPLARS_TRACE_BASED;
  t = env_str(&env, "OTEL_METRICS_EXEMPLAR_FILTER", buf, sizeof(buf));
  if (t && !strcasecmp(t, "always_on"))
    c->exemplar_filter = OTEL__EXEMPLARS_ALWAYS_ON;
  else if (t && !strcasecmp(t, "always_off"))
    c->exemplar_filter = OTEL__EXEMPLARS_ALWAYS_OFF;
  else if (t && strcasecmp(t, "trace_based"))
    otel__warn("OTEL_METRICS_EXEMPLAR_FILTER=%s is not supported; using trace_based", t);
  if (c->metric_interval_ms == 0) {
    otel__warn("OTEL_METRIC_EXPORT_INTERVAL=0 is not allowed; using 60000");
    c->metric_interval_ms = 60000;
  }
  int rc = parse_otlp(&env, &TRACES, &c->traces_otlp);
  if (!rc)
    rc = parse_otlp(&env, &METRICS, &c->metrics_otlp);
  return rc ? rc : parse_otlp(&env, &LOGS, &c->logs_otlp);
}

static void otlp_free(otel__otlp_config_t *o) {
  free(o->url);
  free(o->shown_url);
  for (int i = 0; i < o->n_headers; i++) {
    free(o->headers[i].name);
    free(o->headers[i].value);
  }
  free(o->headers);
  free(o->ca_file);
  free(o->client_cert);
  free(o->client_key);
}

void otel__config_free(otel__config_t *c) {
  free(c->service_name);
  free(c->resource_attributes);
  free(c->sensitive_query);
  free(c->resource_schema_url);
  otel__arena_reset(&c->resource_arena);
  otlp_free(&c->traces_otlp);
  otlp_free(&c->metrics_otlp);
  otlp_free(&c->logs_otlp);
  memset(c, 0, sizeof(*c));
}
