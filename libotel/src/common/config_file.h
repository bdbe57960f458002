/*
 * The configuration file (OTEL_CONFIG_FILE) as config_file.c and
 * config_pipelines.c read it. The file is translated into the OTEL_*
 * variables that say the same thing, which config.c then reads as it reads
 * the environment: one reading of every setting, its defaults and its
 * checks. What no variable can say (typed resource attributes, the
 * sampler's parent-based branches, cardinality limits) is set on the
 * configuration directly. docs/configuration.md gives the two side by side.
 */
#ifndef OTEL_CONFIG_FILE_H
#define OTEL_CONFIG_FILE_H

#include "common/config.h"
#include "common/yaml_doc.h"

/* Variables the file may translate into. */
#define OTEL__FILE_VARS 96

typedef struct otel__file_reader {
  otel__yaml_t y;
  otel__config_t *c; /* what no variable says goes here, after config.c's reading */
  struct {
    char name[64];
    char *value;
  } vars[OTEL__FILE_VARS];
  int n_vars;
  /* Read from the file for c, set once config.c has read the variables. */
  otel__sampler_kind_t sampler;
  double sampler_ratio;
  otel__sampler_branch_t sampler_parent[OTEL__PARENT_BRANCHES];
  bool has_sampler;
  int log_min_severity;
  uint32_t cardinality_limit;
  uint32_t cardinality_by_kind[OTEL__CARDINALITY_KINDS];
} otel__file_reader_t;

/* The configuration file's values (config_reader.c). */

/* A YAML integer (decimal, 0x hexadecimal or 0o octal) of at least min. */
bool otel__file_parse_int(const char *s, int64_t min, int64_t *out);

/* Sets variable name to value (copied), replacing an earlier value. */
void otel__file_var(otel__file_reader_t *r, const char *name, const char *value);

/* The value of key in map as text (NULL, and nothing reported, when it is
 * absent or null; NULL after an error when it is not a scalar). */
const char *otel__file_text(otel__file_reader_t *r, yaml_node_t *map, const char *key, char *buf,
                            size_t size);

/* key in map, a plain integer of at least min, into variable var (nothing
 * when absent or null; an error when not such an integer). Returns whether
 * it was set. */
bool otel__file_int_var(otel__file_reader_t *r, yaml_node_t *map, const char *key, int64_t min,
                        const char *var);

/* The same for a plain integer into *out. */
bool otel__file_int(otel__file_reader_t *r, yaml_node_t *map, const char *key, int64_t min,
                    int64_t *out);

/* key in map, a string, into variable var. */
void otel__file_str_var(otel__file_reader_t *r, yaml_node_t *map, const char *key, const char *var);

/* Warns that what is at node (named place) is not supported; it is ignored. */
void otel__file_unsupported(otel__file_reader_t *r, const yaml_node_t *node, const char *place);

/* attribute_limits, and the limits of a provider (prefix "OTEL_SPAN" or
 * "OTEL_LOGRECORD"; NULL for the general ones). */
void otel__file_limits(otel__file_reader_t *r, yaml_node_t *map, const char *prefix);

/* The providers' pipelines (config_pipelines.c). */
void otel__file_tracer_provider(otel__file_reader_t *r, yaml_node_t *provider);
void otel__file_meter_provider(otel__file_reader_t *r, yaml_node_t *provider);
void otel__file_logger_provider(otel__file_reader_t *r, yaml_node_t *provider);

#endif
