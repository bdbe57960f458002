/*
 * The configuration file's providers: their processors or readers, each
 * with its exporter, the tracer provider's sampler and limits, the meter
 * provider's exemplar filter and cardinality limits, the logger provider's
 * limits (config_file.h says how they become configuration).
 *
 * libotel exports each signal over one OTLP exporter and to the console,
 * behind one processor: a file that names two OTLP exporters for a signal,
 * or two batch processors with different settings, gets a warning and the
 * first one's. A simple processor is the batch processor with no delay and
 * batches of one: each item is exported as soon as it ends, from the
 * pipeline's thread, so that no request waits on the network.
 */
#include <stdio.h>
#include <string.h>

#include "common/config_file.h"
#include "common/diag.h"

/* What differs between the signals. */
typedef struct {
  const char *place;    /* "tracer_provider" */
  const char *exporter; /* "OTEL_TRACES_EXPORTER" */
  const char *otlp;     /* "TRACES": OTEL_EXPORTER_OTLP_TRACES_* */
  const char *batch;    /* "OTEL_BSP": OTEL_BSP_* */
} signal_t;

static const signal_t TRACES = {"tracer_provider", "OTEL_TRACES_EXPORTER", "TRACES", "OTEL_BSP"};
static const signal_t METRICS = {"meter_provider", "OTEL_METRICS_EXPORTER", "METRICS", NULL};
static const signal_t LOGS = {"logger_provider", "OTEL_LOGS_EXPORTER", "LOGS", "OTEL_BLRP"};

/* Where a signal's pipeline stands while its processors are read. */
typedef struct {
  const signal_t *sig;
  char exporters[32]; /* "otlp,console" */
  bool otlp, console, batch;
} pipeline_t;

static void var(otel__file_reader_t *r, const pipeline_t *p, const char *suffix,
                const char *value) {
  char name[64];
  snprintf(name, sizeof(name), "OTEL_EXPORTER_OTLP_%s_%s", p->sig->otlp, suffix);
  otel__file_var(r, name, value);
}

static void str_var(otel__file_reader_t *r, const pipeline_t *p, yaml_node_t *map, const char *key,
                    const char *suffix) {
  char name[64];
  snprintf(name, sizeof(name), "OTEL_EXPORTER_OTLP_%s_%s", p->sig->otlp, suffix);
  otel__file_str_var(r, map, key, name);
}

/* A header value as OTEL_EXPORTER_OTLP_HEADERS carries it: percent-encoded. */
static void put_encoded(char *out, size_t size, const char *s) {
  static const char hex[] = "0123456789ABCDEF";
  size_t n = strlen(out);
  for (; *s && n + 4 < size; s++) {
    unsigned char ch = (unsigned char)*s;
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
        strchr("-._~", ch)) {
      out[n++] = (char)ch;
    } else {
      out[n++] = '%';
      out[n++] = hex[ch >> 4];
      out[n++] = hex[ch & 15];
    }
  }
  out[n] = '\0';
}

/* headers_list, then headers, which win for a name in both. */
static void headers(otel__file_reader_t *r, const pipeline_t *p, yaml_node_t *map) {
  char all[OTEL__YAML_TEXT_MAX] = "", name[256], value[1024];
  otel__file_text(r, map, "headers_list", all, sizeof(all));
  yaml_node_t *list = otel__yaml_get(&r->y, map, "headers");
  for (size_t i = 0; i < otel__yaml_len(list); i++) {
    yaml_node_t *h = otel__yaml_item(&r->y, list, i);
    if (!otel__file_text(r, h, "name", name, sizeof(name))) {
      otel__yaml_error(&r->y, h, "a header needs a name");
      return;
    }
    if (!otel__file_text(r, h, "value", value, sizeof(value)))
      continue; /* a null value: no header */
    size_t n = strlen(all);
    snprintf(all + n, sizeof(all) - n, "%s%s=", n ? "," : "", name);
    put_encoded(all, sizeof(all), value);
  }
  if (*all)
    var(r, p, "HEADERS", all);
}

/* tls: the CA, and the client's certificate and key (mTLS); insecure for gRPC. */
static void tls(otel__file_reader_t *r, const pipeline_t *p, yaml_node_t *map, bool grpc) {
  str_var(r, p, map, "ca_file", "CERTIFICATE");
  str_var(r, p, map, "cert_file", "CLIENT_CERTIFICATE");
  str_var(r, p, map, "key_file", "CLIENT_KEY");
  if (grpc)
    str_var(r, p, map, "insecure", "INSECURE");
}

/* A metric exporter's own: temporality_preference and default_histogram_aggregation. */
static void metric_exporter(otel__file_reader_t *r, yaml_node_t *map) {
  char buf[64];
  const char *t = otel__file_text(r, map, "temporality_preference", buf, sizeof(buf));
  if (t) {
    if (strcmp(t, "cumulative") && strcmp(t, "delta") && strcmp(t, "low_memory"))
      otel__yaml_error(&r->y, otel__yaml_get(&r->y, map, "temporality_preference"),
                       "temporality_preference '%s' is not cumulative, delta or low_memory", t);
    otel__file_var(r, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
                   strcmp(t, "low_memory") ? t : "lowmemory");
  }
  const char *h = otel__file_text(r, map, "default_histogram_aggregation", buf, sizeof(buf));
  if (h && strcmp(h, "explicit_bucket_histogram"))
    otel__file_unsupported(r, otel__yaml_get(&r->y, map, "default_histogram_aggregation"),
                           "default_histogram_aggregation other than explicit_bucket_histogram");
}

/* otlp_http or otlp_grpc. */
static void otlp(otel__file_reader_t *r, pipeline_t *p, yaml_node_t *map, bool grpc) {
  char buf[32];
  if (p->otlp) {
    otel__warn("%s:%zu: %s: a second OTLP exporter is not supported; only the first is used",
               r->y.path, map ? map->start_mark.line + 1 : 0, p->sig->place);
    return;
  }
  p->otlp = true;
  const char *encoding = grpc ? NULL : otel__file_text(r, map, "encoding", buf, sizeof(buf));
  if (encoding && strcmp(encoding, "protobuf") && strcmp(encoding, "json"))
    otel__yaml_error(&r->y, otel__yaml_get(&r->y, map, "encoding"),
                     "encoding '%s' is not protobuf or json", encoding);
  var(r, p, "PROTOCOL",
      grpc ? "grpc" : (encoding && !strcmp(encoding, "json") ? "http/json" : "http/protobuf"));
  str_var(r, p, map, "endpoint", "ENDPOINT");
  str_var(r, p, map, "compression", "COMPRESSION");
  char name[64];
  snprintf(name, sizeof(name), "OTEL_EXPORTER_OTLP_%s_TIMEOUT", p->sig->otlp);
  otel__file_int_var(r, map, "timeout", 0, name);
  headers(r, p, map);
  tls(r, p, otel__yaml_get(&r->y, map, "tls"), grpc);
  if (p->sig == &METRICS)
    metric_exporter(r, map);
}

static void add_exporter(pipeline_t *p, const char *name) {
  if (strstr(p->exporters, name))
    return;
  size_t n = strlen(p->exporters);
  snprintf(p->exporters + n, sizeof(p->exporters) - n, "%s%s", n ? "," : "", name);
}

/* exporter: one of otlp_http, otlp_grpc and console (another, such as
 * otlp_file/development, is warned about as unread). */
static void exporter(otel__file_reader_t *r, pipeline_t *p, yaml_node_t *map) {
  if (!map || map->type != YAML_MAPPING_NODE) {
    otel__yaml_error(&r->y, map, "%s: an exporter is required", p->sig->place);
    return;
  }
  yaml_node_t *e;
  if ((e = otel__yaml_get(&r->y, map, "otlp_http")) != NULL ||
      (e = otel__yaml_get(&r->y, map, "otlp_grpc")) != NULL) {
    bool grpc = otel__yaml_get(&r->y, map, "otlp_grpc") == e;
    otlp(r, p, e, grpc);
    add_exporter(p, "otlp");
  } else if ((e = otel__yaml_get(&r->y, map, "console")) != NULL) {
    if (p->sig == &METRICS)
      metric_exporter(r, e);
    add_exporter(p, "console");
  }
}

/* batch: its settings as the signal's OTEL_BSP_* or OTEL_BLRP_*; simple:
 * no delay and batches of one. The first processor's settings hold. */
static void processor(otel__file_reader_t *r, pipeline_t *p, yaml_node_t *item) {
  yaml_node_t *batch = otel__yaml_get(&r->y, item, "batch");
  yaml_node_t *simple = batch ? NULL : otel__yaml_get(&r->y, item, "simple");
  yaml_node_t *settings = batch ? batch : simple;
  if (!settings) {
    if (!item || item->type != YAML_MAPPING_NODE)
      otel__yaml_error(&r->y, item, "%s: a processor is 'batch:' or 'simple:'", p->sig->place);
    return; /* another kind: warned about as unread */
  }
  /* The signal's variables' prefix; NULL for a second processor, whose
   * settings are read and checked, not used. */
  const char *prefix = p->batch ? NULL : p->sig->batch;
  if (p->batch)
    otel__warn("%s:%zu: %s: one processor's settings are used for every exporter; these are "
               "ignored",
               r->y.path, settings->start_mark.line + 1, p->sig->place);
  p->batch = true;
  static const struct {
    const char *key, *suffix;
    int64_t min;
  } keys[] = {{"schedule_delay", "SCHEDULE_DELAY", 0},
              {"export_timeout", "EXPORT_TIMEOUT", 0},
              {"max_queue_size", "MAX_QUEUE_SIZE", 1},
              {"max_export_batch_size", "MAX_EXPORT_BATCH_SIZE", 1}};
  char name[80], text[32];
  for (size_t i = 0; batch && i < sizeof(keys) / sizeof(keys[0]); i++) {
    int64_t v;
    if (!otel__file_int(r, batch, keys[i].key, keys[i].min, &v) || !prefix)
      continue;
    snprintf(name, sizeof(name), "%s_%s", prefix, keys[i].suffix);
    snprintf(text, sizeof(text), "%lld", (long long)v);
    otel__file_var(r, name, text);
  }
  if (simple && prefix) {
    snprintf(name, sizeof(name), "%s_SCHEDULE_DELAY", prefix);
    otel__file_var(r, name, "0");
    snprintf(name, sizeof(name), "%s_MAX_EXPORT_BATCH_SIZE", prefix);
    otel__file_var(r, name, "1");
  }
  exporter(r, p, otel__yaml_get(&r->y, settings, "exporter"));
}

static void processors(otel__file_reader_t *r, const signal_t *sig, yaml_node_t *provider) {
  pipeline_t p = {.sig = sig};
  yaml_node_t *list = otel__yaml_get(&r->y, provider, "processors");
  for (size_t i = 0; i < otel__yaml_len(list); i++)
    processor(r, &p, otel__yaml_item(&r->y, list, i));
  otel__file_var(r, sig->exporter, *p.exporters ? p.exporters : "none");
}

/* --- limits --- */

static void span_limits(otel__file_reader_t *r, yaml_node_t *map) {
  otel__file_limits(r, map, "OTEL_SPAN");
  otel__file_int_var(r, map, "event_count_limit", 0, "OTEL_SPAN_EVENT_COUNT_LIMIT");
  otel__file_int_var(r, map, "link_count_limit", 0, "OTEL_SPAN_LINK_COUNT_LIMIT");
  otel__file_int_var(r, map, "event_attribute_count_limit", 0, "OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT");
  otel__file_int_var(r, map, "link_attribute_count_limit", 0, "OTEL_LINK_ATTRIBUTE_COUNT_LIMIT");
}

static void log_limits(otel__file_reader_t *r, yaml_node_t *map) {
  otel__file_limits(r, map, "OTEL_LOGRECORD");
}

/* --- the sampler --- */

/* always_on, always_off or trace_id_ratio_based, as a branch; false when
 * node is none of them (parent_based included). */
static bool simple_sampler(otel__file_reader_t *r, yaml_node_t *node, otel__sampler_branch_t *out) {
  char buf[64];
  if (otel__yaml_get(&r->y, node, "always_on")) {
    *out = (otel__sampler_branch_t){OTEL__SAMPLER_ALWAYS_ON, 1.0};
  } else if (otel__yaml_get(&r->y, node, "always_off")) {
    *out = (otel__sampler_branch_t){OTEL__SAMPLER_ALWAYS_OFF, 1.0};
  } else {
    yaml_node_t *ratio = otel__yaml_get(&r->y, node, "trace_id_ratio_based");
    if (!ratio)
      return false;
    *out = (otel__sampler_branch_t){OTEL__SAMPLER_RATIO, 1.0};
    const char *v = otel__file_text(r, ratio, "ratio", buf, sizeof(buf));
    char *end = NULL;
    double d = v ? strtod(v, &end) : 1.0;
    if (v && (*end || !(d >= 0.0 && d <= 1.0)))
      otel__yaml_error(&r->y, otel__yaml_get(&r->y, ratio, "ratio"),
                       "ratio must be a number from 0 to 1, not '%s'", v);
    out->ratio = d;
  }
  return true;
}

/* sampler: one of the above, or parent_based with its root and four
 * branches (each one of the above; unset, the specification's defaults). */
static void sampler(otel__file_reader_t *r, yaml_node_t *node) {
  if (!node)
    return;
  r->has_sampler = true;
  otel__sampler_branch_t root;
  memcpy(r->sampler_parent, otel__parent_defaults, sizeof(r->sampler_parent));
  yaml_node_t *pb = otel__yaml_get(&r->y, node, "parent_based");
  if (!pb) {
    if (!simple_sampler(r, node, &root)) {
      otel__file_unsupported(r, node,
                             "tracer_provider.sampler (but for always_on, always_off, "
                             "trace_id_ratio_based and parent_based)");
      r->has_sampler = false;
      return;
    }
    r->sampler = root.kind;
    r->sampler_ratio = root.ratio;
    return;
  }
  static const char *const branches[OTEL__PARENT_BRANCHES] = {
      [OTEL__PARENT_REMOTE_SAMPLED] = "remote_parent_sampled",
      [OTEL__PARENT_REMOTE_NOT_SAMPLED] = "remote_parent_not_sampled",
      [OTEL__PARENT_LOCAL_SAMPLED] = "local_parent_sampled",
      [OTEL__PARENT_LOCAL_NOT_SAMPLED] = "local_parent_not_sampled"};
  yaml_node_t *root_node = otel__yaml_get(&r->y, pb, "root");
  root = (otel__sampler_branch_t){OTEL__SAMPLER_ALWAYS_ON, 1.0}; /* the default root */
  if (root_node && !simple_sampler(r, root_node, &root))
    otel__file_unsupported(r, root_node, "this parent_based root");
  r->sampler = root.kind == OTEL__SAMPLER_ALWAYS_ON    ? OTEL__SAMPLER_PARENT_ALWAYS_ON
               : root.kind == OTEL__SAMPLER_ALWAYS_OFF ? OTEL__SAMPLER_PARENT_ALWAYS_OFF
                                                       : OTEL__SAMPLER_PARENT_RATIO;
  r->sampler_ratio = root.ratio;
  for (int i = 0; i < OTEL__PARENT_BRANCHES; i++) {
    yaml_node_t *b = otel__yaml_get(&r->y, pb, branches[i]);
    if (b && !simple_sampler(r, b, &r->sampler_parent[i]))
      otel__file_unsupported(r, b, branches[i]);
  }
}

void otel__file_tracer_provider(otel__file_reader_t *r, yaml_node_t *provider) {
  processors(r, &TRACES, provider);
  span_limits(r, otel__yaml_get(&r->y, provider, "limits"));
  sampler(r, otel__yaml_get(&r->y, provider, "sampler"));
}

/* The severity number of a name of the schema's (info, info2 ... fatal4); 0 when none. */
static int severity_number(const char *name) {
  static const char *const bases[] = {"trace", "debug", "info", "warn", "error", "fatal"};
  for (int i = 0; i < 6; i++) {
    size_t n = strlen(bases[i]);
    if (strncmp(name, bases[i], n))
      continue;
    if (!name[n])
      return 1 + 4 * i;
    if (name[n] >= '2' && name[n] <= '4' && !name[n + 1])
      return 1 + 4 * i + (name[n] - '1');
  }
  return 0;
}

/* logger_configurator/development's default_config: enabled and
 * minimum_severity, for every logger (per-logger configurations are
 * warned about as unread). */
static void logger_configurator(otel__file_reader_t *r, yaml_node_t *map) {
  yaml_node_t *config = otel__yaml_get(&r->y, map, "default_config");
  char buf[32];
  const char *min = otel__file_text(r, config, "minimum_severity", buf, sizeof(buf));
  if (min && !(r->log_min_severity = severity_number(min)))
    otel__yaml_error(&r->y, otel__yaml_get(&r->y, config, "minimum_severity"),
                     "minimum_severity '%s' is not a severity (trace, debug, info, warn, error, "
                     "fatal, and their 2 to 4)",
                     min);
  const char *enabled = otel__file_text(r, config, "enabled", buf, sizeof(buf));
  if (enabled && !strcmp(enabled, "false"))
    r->log_min_severity = 1 << 30; /* nothing is enabled */
  else if (enabled && strcmp(enabled, "true"))
    otel__yaml_error(&r->y, otel__yaml_get(&r->y, config, "enabled"),
                     "enabled must be true or false, not '%s'", enabled);
}

void otel__file_logger_provider(otel__file_reader_t *r, yaml_node_t *provider) {
  processors(r, &LOGS, provider);
  log_limits(r, otel__yaml_get(&r->y, provider, "limits"));
  logger_configurator(r, otel__yaml_get(&r->y, provider, "logger_configurator/development"));
}

/* --- metrics --- */

/* cardinality_limits: default, and by instrument kind. */
static void cardinality(otel__file_reader_t *r, yaml_node_t *map) {
  /* In metrics.h's order of instrument kinds. */
  static const char *const kinds[OTEL__CARDINALITY_KINDS] = {
      "counter",          "up_down_counter",           "histogram", "observable_counter",
      "observable_gauge", "observable_up_down_counter"};
  int64_t v;
  if (otel__file_int(r, map, "default", 1, &v))
    r->cardinality_limit = (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v);
  for (int i = 0; i < OTEL__CARDINALITY_KINDS; i++)
    if (otel__file_int(r, map, kinds[i], 1, &v))
      r->cardinality_by_kind[i] = (uint32_t)(v > UINT32_MAX ? UINT32_MAX : v);
  otel__yaml_get(&r->y, map, "gauge"); /* no synchronous gauge yet: read, nothing to limit */
}

/* readers: periodic ones, with their interval, timeout, exporter and
 * cardinality limits; the first one's settings hold. */
void otel__file_meter_provider(otel__file_reader_t *r, yaml_node_t *provider) {
  pipeline_t p = {.sig = &METRICS};
  yaml_node_t *list = otel__yaml_get(&r->y, provider, "readers");
  for (size_t i = 0; i < otel__yaml_len(list); i++) {
    yaml_node_t *reader = otel__yaml_get(&r->y, otel__yaml_item(&r->y, list, i), "periodic");
    if (!reader)
      continue; /* pull: warned about as unread */
    if (!p.batch) {
      otel__file_int_var(r, reader, "interval", 1, "OTEL_METRIC_EXPORT_INTERVAL");
      otel__file_int_var(r, reader, "timeout", 0, "OTEL_METRIC_EXPORT_TIMEOUT");
      cardinality(r, otel__yaml_get(&r->y, reader, "cardinality_limits"));
    } else {
      otel__warn("%s:%zu: meter_provider: one reader's interval, timeout and cardinality limits "
                 "are used for every exporter; these are ignored",
                 r->y.path, reader->start_mark.line + 1);
    }
    p.batch = true;
    exporter(r, &p, otel__yaml_get(&r->y, reader, "exporter"));
  }
  otel__file_var(r, METRICS.exporter, *p.exporters ? p.exporters : "none");
  char buf[32];
  const char *f = otel__file_text(r, provider, "exemplar_filter", buf, sizeof(buf));
  if (f && strcmp(f, "trace_based") && strcmp(f, "always_on") && strcmp(f, "always_off"))
    otel__yaml_error(&r->y, otel__yaml_get(&r->y, provider, "exemplar_filter"),
                     "exemplar_filter '%s' is not trace_based, always_on or always_off", f);
  else if (f)
    otel__file_var(r, "OTEL_METRICS_EXEMPLAR_FILTER", f);
}
