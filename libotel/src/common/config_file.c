/*
 * The configuration file: file format 1.x of the OpenTelemetry
 * configuration schema, in YAML. While OTEL_CONFIG_FILE names one, the file
 * is the whole configuration: the other OTEL_* variables are read only
 * through its ${...} references. A major version other than 1, malformed
 * YAML, or a value of the wrong type is one error line with the file's
 * line and column, and the SDK stays off; a newer minor version is a
 * warning, and so is each property libotel does not support.
 *
 * This file reads the top level, the resource, the propagators and the
 * limits; config_pipelines.c the providers. See config_file.h for how the
 * file becomes configuration.
 */
#include "common/config_file.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/diag.h"

/* The last minor version of file format 1 that libotel knows. */
#define FILE_FORMAT_MINOR 1

static const char *file_getenv(void *ud, const char *name) {
  otel__file_reader_t *r = ud;
  for (int i = 0; i < r->n_vars; i++)
    if (!strcmp(r->vars[i].name, name))
      return r->vars[i].value;
  return NULL;
}

/* key in map, a plain boolean, into *out; false when absent or null. */
static bool file_bool(otel__file_reader_t *r, yaml_node_t *map, const char *key, bool *out) {
  yaml_node_t *n = otel__yaml_get(&r->y, map, key);
  if (otel__yaml_null(&r->y, n))
    return false;
  char buf[16];
  bool plain;
  if (!otel__yaml_text(&r->y, n, buf, sizeof(buf), &plain))
    return false;
  if (plain && (!strcmp(buf, "true") || !strcmp(buf, "false"))) {
    *out = buf[0] == 't';
    return true;
  }
  otel__yaml_error(&r->y, n, "%s must be true or false, not '%s'", key, buf);
  return false;
}

/* file_format: "1.x". */
static void file_format(otel__file_reader_t *r, yaml_node_t *root) {
  char buf[32];
  const char *v = otel__file_text(r, root, "file_format", buf, sizeof(buf));
  yaml_node_t *n = otel__yaml_get(&r->y, root, "file_format");
  unsigned major, minor;
  if (!v) {
    otel__yaml_error(&r->y, root, "file_format is required (\"1.0\")");
  } else if (sscanf(v, "%u.%u", &major, &minor) != 2 || major != 1) {
    otel__yaml_error(&r->y, n, "file_format '%s' is not supported: libotel reads 1.0 to 1.%d", v,
                     FILE_FORMAT_MINOR);
  } else if (minor > FILE_FORMAT_MINOR) {
    otel__warn("%s: file_format %s is newer than libotel knows (1.%d); what it does not know is "
               "warned about and ignored",
               r->y.path, v, FILE_FORMAT_MINOR);
  }
}

/* log_level: the severity names, read as the SDK's four levels. */
static void log_level(otel__file_reader_t *r, yaml_node_t *root) {
  static const char *const names[] = {"trace", "debug", "info", "warn", "error", "fatal"};
  static const char *const as[] = {"debug", "debug", "info", "warn", "error", "error"};
  char buf[32];
  const char *v = otel__file_text(r, root, "log_level", buf, sizeof(buf));
  if (!v)
    return;
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    size_t n = strlen(names[i]);
    if (!strncmp(v, names[i], n) && (!v[n] || (v[n] >= '2' && v[n] <= '4' && !v[n + 1]))) {
      otel__file_var(r, "OTEL_LOG_LEVEL", as[i]);
      /* at once, so that the warnings about the rest of the file obey it */
      otel__diag_set_level(!strcmp(as[i], "debug")  ? OTEL__DIAG_DEBUG
                           : !strcmp(as[i], "info") ? OTEL__DIAG_INFO
                           : !strcmp(as[i], "warn") ? OTEL__DIAG_WARN
                                                    : OTEL__DIAG_ERROR);
      return;
    }
  }
  otel__yaml_error(&r->y, otel__yaml_get(&r->y, root, "log_level"),
                   "log_level '%s' is not a severity (trace, debug, info, warn, error, fatal)", v);
}

/* Appends name to a comma-separated list in out. */
static void add_name(char *out, size_t size, const char *name) {
  size_t n = strlen(out);
  snprintf(out + n, size - n, "%s%s", n ? "," : "", name);
}

/* propagator: composite (a list of one-key maps) and composite_list. */
static void propagators(otel__file_reader_t *r, yaml_node_t *map) {
  char names[256] = "", buf[256];
  yaml_node_t *list = otel__yaml_get(&r->y, map, "composite");
  for (size_t i = 0; i < otel__yaml_len(list); i++) {
    yaml_node_t *item = otel__yaml_item(&r->y, list, i);
    bool known = false;
    static const char *const supported[] = {"tracecontext", "baggage"};
    for (size_t k = 0; k < 2; k++)
      if (otel__yaml_get(&r->y, item, supported[k])) {
        add_name(names, sizeof(names), supported[k]);
        known = true;
      }
    if (!known && item && item->type != YAML_MAPPING_NODE)
      otel__yaml_error(&r->y, item, "a propagator is a map such as 'tracecontext:'");
  }
  const char *v = otel__file_text(r, map, "composite_list", buf, sizeof(buf));
  for (const char *p = v; p && *p;) {
    size_t n = strcspn(p, ",");
    char name[64];
    snprintf(name, sizeof(name), "%.*s", (int)n, p);
    if (!strcmp(name, "tracecontext") || !strcmp(name, "baggage"))
      add_name(names, sizeof(names), name);
    else if (*name && strcmp(name, "none"))
      otel__warn("%s: propagator.composite_list: '%s' is not supported by libotel; ignored",
                 r->y.path, name);
    p += n + (p[n] == ',');
  }
  otel__file_var(r, "OTEL_PROPAGATORS", *names ? names : "none");
}

/* One value of kind 0 to 3 (string, bool, int, double) from its text, at out. */
static bool typed_value(const char *text, bool plain, size_t kind, void *out,
                        otel__arena_t *arena) {
  char *end;
  switch (kind) {
  case 0: {
    char *copy = otel__arena_strdup(arena, text);
    memcpy(out, &copy, sizeof(copy));
    return copy != NULL;
  }
  case 1:
    if (!plain || (strcmp(text, "true") && strcmp(text, "false")))
      return false;
    *(bool *)out = text[0] == 't';
    return true;
  case 2:
    return plain && otel__file_parse_int(text, INT64_MIN, out);
  default:
    *(double *)out = strtod(text, &end);
    return plain && *text && !*end;
  }
}

/* One of resource.attributes: name, value and type (string unless said). */
static void resource_attr(otel__file_reader_t *r, yaml_node_t *item) {
  static const char *const types[] = {"string",       "bool",       "int",       "double",
                                      "string_array", "bool_array", "int_array", "double_array"};
  static const size_t sizes[] = {sizeof(const char *), sizeof(bool), sizeof(int64_t),
                                 sizeof(double)};
  char name[256], type[32], text[OTEL__YAML_TEXT_MAX];
  if (!otel__file_text(r, item, "name", name, sizeof(name))) {
    otel__yaml_error(&r->y, item, "a resource attribute needs a name");
    return;
  }
  size_t t = 0;
  if (otel__file_text(r, item, "type", type, sizeof(type)))
    while (t < 8 && strcmp(type, types[t]))
      t++;
  yaml_node_t *value = otel__yaml_get(&r->y, item, "value");
  bool array = t >= 4 && t < 8;
  if (t == 8 || !value || (array && value->type != YAML_SEQUENCE_NODE)) {
    otel__yaml_error(&r->y, value ? value : item, "resource attribute %s: %s", name,
                     t == 8   ? "type is not string, bool, int, double or one of their _array forms"
                     : !value ? "value is required"
                              : "a list is expected");
    return;
  }
  otel__arena_t *arena = &r->c->resource_arena;
  size_t kind = t % 4, n = array ? otel__yaml_len(value) : 1;
  otel_attr_t a = {.key = name, .type = (otel_value_type_t)t};
  char *items = array ? otel__arena_alloc(arena, (n + 1) * sizeof(double)) : NULL;
  if (array) {
    a.v.array.items = items;
    a.v.array.len = n;
  }
  void *scalar[] = {&a.v.s, &a.v.b, &a.v.i, &a.v.d};
  for (size_t i = 0; (items || !array) && i < n; i++) {
    yaml_node_t *v = array ? otel__yaml_item(&r->y, value, i) : value;
    bool plain;
    if (!otel__yaml_text(&r->y, v, text, sizeof(text), &plain))
      return;
    if (!typed_value(text, plain, kind, array ? items + i * sizes[kind] : scalar[kind], arena)) {
      otel__yaml_error(&r->y, v, "resource attribute %s: '%s' is not of type %s", name, text,
                       types[t]);
      return;
    }
  }
  otel__attrs_set(&r->c->resource_attrs, arena, &a, (otel__attr_limits_t){128, 0});
}

/* resource: attributes (over attributes_list's), attributes_list, schema_url. */
static void resource(otel__file_reader_t *r, yaml_node_t *map) {
  yaml_node_t *attrs = otel__yaml_get(&r->y, map, "attributes");
  for (size_t i = 0; i < otel__yaml_len(attrs); i++)
    resource_attr(r, otel__yaml_item(&r->y, attrs, i));
  otel__file_str_var(r, map, "attributes_list", "OTEL_RESOURCE_ATTRIBUTES");
  char buf[1024];
  const char *url = otel__file_text(r, map, "schema_url", buf, sizeof(buf));
  if (url && !(r->c->resource_schema_url = strdup(url)))
    otel__yaml_error(&r->y, map, "out of memory");
}

/* What config.c reads the variables into, and then what the file says that no variable can. */
static int apply(otel__file_reader_t *r, otel__config_t *c) {
  otel__config_t from_file = *c; /* the resource read so far */
  int rc = otel__config_load_env(c, file_getenv, r);
  otel__arena_reset(&c->resource_arena);
  c->resource_attrs = from_file.resource_attrs;
  c->resource_arena = from_file.resource_arena;
  c->resource_schema_url = from_file.resource_schema_url;
  if (r->has_sampler) {
    c->sampler = r->sampler;
    c->sampler_ratio = r->sampler_ratio;
    memcpy(c->sampler_parent, r->sampler_parent, sizeof(c->sampler_parent));
  }
  c->log_min_severity = r->log_min_severity;
  c->cardinality_limit = r->cardinality_limit;
  memcpy(c->cardinality_by_kind, r->cardinality_by_kind, sizeof(c->cardinality_by_kind));
  return rc;
}

static int file_load(otel__config_t *c, const char *path, otel__getenv_fn get, void *ud) {
  memset(c, 0, sizeof(*c));
  otel__arena_init(&c->resource_arena, NULL, 0);
  otel__file_reader_t *r = calloc(1, sizeof(*r));
  if (!r)
    return -ENOMEM;
  r->c = c;
  int rc = otel__yaml_load(&r->y, path, get, ud);
  yaml_node_t *root = rc ? NULL : otel__yaml_root(&r->y);
  if (root && root->type != YAML_MAPPING_NODE)
    otel__yaml_error(&r->y, root, "the file is not a map of properties");
  if (root && !r->y.failed) {
    log_level(r, root);
    file_format(r, root);
    bool disabled = false;
    if (file_bool(r, root, "disabled", &disabled))
      otel__file_var(r, "OTEL_SDK_DISABLED", disabled ? "true" : "false");
    otel__file_limits(r, otel__yaml_get(&r->y, root, "attribute_limits"), NULL);
    resource(r, otel__yaml_get(&r->y, root, "resource"));
    propagators(r, otel__yaml_get(&r->y, root, "propagator"));
    otel__file_tracer_provider(r, otel__yaml_get(&r->y, root, "tracer_provider"));
    otel__file_meter_provider(r, otel__yaml_get(&r->y, root, "meter_provider"));
    otel__file_logger_provider(r, otel__yaml_get(&r->y, root, "logger_provider"));
    if (!r->y.failed)
      otel__yaml_warn_unread(&r->y, root, "");
  }
  rc = r->y.failed ? -EINVAL : apply(r, c);
  otel__yaml_free(&r->y);
  for (int i = 0; i < r->n_vars; i++)
    free(r->vars[i].value);
  free(r);
  return rc;
}

static const char *sys_getenv(void *ud, const char *name) {
  (void)ud;
  return getenv(name);
}

int otel__config_load(otel__config_t *c, otel__getenv_fn get, void *ud) {
  if (!get)
    get = sys_getenv;
  const char *file = get(ud, "OTEL_CONFIG_FILE");
  while (file && (*file == ' ' || *file == '\t'))
    file++;
  if (file && *file)
    return file_load(c, file, get, ud);
  return otel__config_load_env(c, get, ud);
}
