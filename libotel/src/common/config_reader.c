/*
 * Reading the configuration file's values (config_file.h): as text, as
 * integers and booleans of the schema's types, into the variables the file
 * translates into.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/config_file.h"
#include "common/diag.h"

void otel__file_var(otel__file_reader_t *r, const char *name, const char *value) {
  int i = 0;
  while (i < r->n_vars && strcmp(r->vars[i].name, name))
    i++;
  if (i == OTEL__FILE_VARS)
    return;
  char *copy = strdup(value);
  if (!copy) {
    otel__yaml_error(&r->y, NULL, "out of memory");
    return;
  }
  if (i == r->n_vars)
    snprintf(r->vars[r->n_vars++].name, sizeof(r->vars[0].name), "%s", name);
  free(r->vars[i].value);
  r->vars[i].value = copy;
}

const char *otel__file_text(otel__file_reader_t *r, yaml_node_t *map, const char *key, char *buf,
                            size_t size) {
  yaml_node_t *n = otel__yaml_get(&r->y, map, key);
  if (otel__yaml_null(&r->y, n))
    return NULL;
  bool plain;
  return otel__yaml_text(&r->y, n, buf, size, &plain) ? buf : NULL;
}

void otel__file_str_var(otel__file_reader_t *r, yaml_node_t *map, const char *key,
                        const char *var) {
  char buf[OTEL__YAML_TEXT_MAX];
  const char *v = otel__file_text(r, map, key, buf, sizeof(buf));
  if (v)
    otel__file_var(r, var, v);
}

bool otel__file_parse_int(const char *s, int64_t min, int64_t *out) {
  int base = 10;
  const char *digits = s;
  if (!strncmp(s, "0x", 2) || !strncmp(s, "0o", 2)) {
    base = s[1] == 'x' ? 16 : 8;
    digits = s + 2;
  }
  if (!*digits || (*digits == '-' && base != 10))
    return false;
  char *end;
  errno = 0;
  long long v = strtoll(digits, &end, base);
  if (*end || errno || v < min)
    return false;
  *out = v;
  return true;
}

bool otel__file_int(otel__file_reader_t *r, yaml_node_t *map, const char *key, int64_t min,
                    int64_t *out) {
  yaml_node_t *n = otel__yaml_get(&r->y, map, key);
  if (otel__yaml_null(&r->y, n))
    return false;
  char buf[64];
  bool plain;
  if (!otel__yaml_text(&r->y, n, buf, sizeof(buf), &plain))
    return false;
  if (!plain || !otel__file_parse_int(buf, min, out)) {
    otel__yaml_error(&r->y, n, "%s must be an integer of at least %" PRId64 ", not '%s'", key, min,
                     buf);
    return false;
  }
  return true;
}

bool otel__file_int_var(otel__file_reader_t *r, yaml_node_t *map, const char *key, int64_t min,
                        const char *var) {
  int64_t v;
  if (!otel__file_int(r, map, key, min, &v))
    return false;
  char text[32];
  snprintf(text, sizeof(text), "%" PRId64, v);
  otel__file_var(r, var, text);
  return true;
}

void otel__file_unsupported(otel__file_reader_t *r, const yaml_node_t *node, const char *place) {
  otel__warn("%s:%zu: %s is not supported by libotel; ignored", r->y.path,
             node ? node->start_mark.line + 1 : 0, place);
}

/* attribute_limits, and the limits of a provider (prefix "OTEL_SPAN" or
 * "OTEL_LOGRECORD"; NULL for the general ones). The depth limit is met by
 * construction: libotel's attribute values are at most arrays. */
void otel__file_limits(otel__file_reader_t *r, yaml_node_t *map, const char *prefix) {
  char var[64];
  int64_t depth;
  snprintf(var, sizeof(var), "%s_ATTRIBUTE_VALUE_LENGTH_LIMIT", prefix ? prefix : "OTEL");
  otel__file_int_var(r, map, "attribute_value_length_limit", 0, var);
  snprintf(var, sizeof(var), "%s_ATTRIBUTE_COUNT_LIMIT", prefix ? prefix : "OTEL");
  otel__file_int_var(r, map, "attribute_count_limit", 0, var);
  otel__file_int(r, map, "attribute_value_depth_limit", 1, &depth);
}
