/*
 * The SDK's configuration, read from the OTEL_* environment with the
 * specification's defaults. Unsupported or malformed values produce one
 * warning naming the variable and the fallback; nothing here fails.
 */
#ifndef OTEL_CONFIG_H
#define OTEL_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "common/arena.h"
#include "common/attrs.h"

/* Where the exporters send (a set: OTEL_TRACES_EXPORTER may list several). */
enum {
  OTEL__EXPORT_OTLP = 1 << 0,
  OTEL__EXPORT_CONSOLE = 1 << 1,
};

/* OTEL_EXPORTER_OTLP[_SIGNAL]_PROTOCOL: http/protobuf, http/json, grpc. */
typedef enum { OTEL__PROTOCOL_PROTOBUF, OTEL__PROTOCOL_JSON, OTEL__PROTOCOL_GRPC } otel__protocol_t;

typedef enum {
  OTEL__SAMPLER_ALWAYS_ON,
  OTEL__SAMPLER_ALWAYS_OFF,
  OTEL__SAMPLER_RATIO,
  OTEL__SAMPLER_PARENT_ALWAYS_ON,
  OTEL__SAMPLER_PARENT_ALWAYS_OFF,
  OTEL__SAMPLER_PARENT_RATIO,
} otel__sampler_kind_t;

/* A parent-based sampler's decision for a span with a valid parent, by
 * where the parent is and whether it was sampled: always, never, or by the
 * trace id's ratio (kind OTEL__SAMPLER_ALWAYS_ON, _ALWAYS_OFF or _RATIO). */
typedef enum {
  OTEL__PARENT_REMOTE_SAMPLED,
  OTEL__PARENT_REMOTE_NOT_SAMPLED,
  OTEL__PARENT_LOCAL_SAMPLED,
  OTEL__PARENT_LOCAL_NOT_SAMPLED,
  OTEL__PARENT_BRANCHES
} otel__parent_branch_t;

typedef struct otel__sampler_branch {
  otel__sampler_kind_t kind;
  double ratio;
} otel__sampler_branch_t;

/* The branches that follow the parent: the specification's defaults. */
extern const otel__sampler_branch_t otel__parent_defaults[OTEL__PARENT_BRANCHES];

enum {
  OTEL__PROPAGATE_TRACECONTEXT = 1 << 0,
  OTEL__PROPAGATE_BAGGAGE = 1 << 1,
};

/* One HTTP header to send with every export. */
typedef struct otel__header {
  char *name;
  char *value;
} otel__header_t;

typedef struct otel__otlp_config {
  char *url;       /* full URL: the signal's path, or its gRPC method, included */
  char *shown_url; /* url as messages show it: credentials and secrets redacted */
  otel__protocol_t protocol;
  bool gzip;
  uint32_t timeout_ms;
  otel__header_t *headers;
  int n_headers;
  /* TLS, from OTEL_EXPORTER_OTLP[_SIGNAL]_CERTIFICATE, _CLIENT_CERTIFICATE
   * and _CLIENT_KEY: files (PEM), each NULL when unset or unreadable. */
  char *ca_file;     /* the CAs to trust instead of the system's */
  char *client_cert; /* presented to a server that asks (mTLS), */
  char *client_key;  /* with its key */
} otel__otlp_config_t;

/* OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: which instrument kinds
 * export deltas (otel__delta_for, metrics/metrics.h). */
typedef enum {
  OTEL__TEMPORALITY_CUMULATIVE, /* none */
  OTEL__TEMPORALITY_DELTA,      /* counters, observable counters, histograms */
  OTEL__TEMPORALITY_LOWMEMORY,  /* counters and histograms */
} otel__temporality_t;

/* OTEL_METRICS_EXEMPLAR_FILTER: which measurements may become exemplars. */
typedef enum {
  OTEL__EXEMPLARS_TRACE_BASED, /* those made within a sampled span */
  OTEL__EXEMPLARS_ALWAYS_ON,
  OTEL__EXEMPLARS_ALWAYS_OFF,
} otel__exemplar_filter_t;

/* Instrument kinds, for their cardinality limits. */
#define OTEL__CARDINALITY_KINDS 6

typedef struct otel__batch_config {
  uint32_t schedule_delay_ms;
  uint32_t max_queue_size;
  uint32_t max_export_batch_size;
  uint32_t export_timeout_ms;
} otel__batch_config_t;

/* Attribute, event and link limits; a length limit of 0 means none. */
typedef struct otel__span_limits {
  uint32_t attr_count;
  uint32_t attr_value_length;
  uint32_t event_count;
  uint32_t link_count;
  uint32_t event_attr_count;
  uint32_t link_attr_count;
} otel__span_limits_t;

typedef struct otel__config {
  bool disabled;
  char *service_name; /* NULL: the host's default */
  char *resource_attributes;
  int propagators;
  otel__sampler_kind_t sampler;
  double sampler_ratio;
  /* A parent-based sampler's four branches: the specification's defaults
   * (follow the parent) unless the configuration file names others. */
  otel__sampler_branch_t sampler_parent[OTEL__PARENT_BRANCHES];
  int traces_exporters;
  otel__otlp_config_t traces_otlp;
  otel__batch_config_t bsp;
  int logs_exporters;
  otel__otlp_config_t logs_otlp;
  otel__batch_config_t blrp;
  int metrics_exporters;
  otel__otlp_config_t metrics_otlp;
  uint32_t metric_interval_ms;
  uint32_t metric_timeout_ms;
  otel__temporality_t metrics_temporality; /* OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE */
  otel__exemplar_filter_t exemplar_filter; /* OTEL_METRICS_EXEMPLAR_FILTER */
  /* The configuration file's cardinality limits: its default, and by
   * instrument kind (metrics.h's otel__instrument_kind_t order); 0 where
   * it names none (2000 then). */
  uint32_t cardinality_limit;
  uint32_t cardinality_by_kind[OTEL__CARDINALITY_KINDS];
  otel__span_limits_t span_limits;
  uint32_t log_attr_count;        /* OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT */
  uint32_t log_attr_value_length; /* OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT; 0: none */
  int log_min_severity;  /* the file's logger configurator: records below it are not written */
  char *sensitive_query; /* query parameters whose values are redacted; NULL: the default */
  /* The configuration file's resource: typed attributes (over
   * OTEL_RESOURCE_ATTRIBUTES' and the detected ones) and a schema URL. */
  otel__attrs_t resource_attrs;
  otel__arena_t resource_arena;
  char *resource_schema_url;
} otel__config_t;

/* Returns the value of an environment variable, or NULL (borrowed). */
typedef const char *(*otel__getenv_fn)(void *ud, const char *name);

/* Fills *c from get (getenv when NULL): from the file OTEL_CONFIG_FILE
 * names when it is set, else from the OTEL_* variables (config_file.c).
 * Returns 0; -ENOMEM; or -EINVAL for a file that cannot be used, after one
 * error line. Free with otel__config_free() in every case. */
int otel__config_load(otel__config_t *c, otel__getenv_fn get, void *ud);

/* The same from the OTEL_* variables get returns (NULL: getenv), never
 * from a file (config.c). */
int otel__config_load_env(otel__config_t *c, otel__getenv_fn get, void *ud);
void otel__config_free(otel__config_t *c);

#endif
