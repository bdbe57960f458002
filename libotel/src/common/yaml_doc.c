/* A YAML file as the configuration file reader walks it (yaml_doc.h). */
#include "common/yaml_doc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/diag.h"

int otel__yaml_load(otel__yaml_t *y, const char *path, otel__getenv_fn get, void *ud) {
  *y = (otel__yaml_t){.path = path, .get = get, .ud = ud};
  FILE *f = fopen(path, "rb");
  if (!f) {
    otel__error("%s: cannot be read (%s); telemetry is off", path, strerror(errno));
    y->failed = true;
    return -EINVAL;
  }
  yaml_parser_t parser;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_file(&parser, f);
  bool loaded = yaml_parser_load(&parser, &y->doc);
  if (!loaded) {
    otel__error("%s:%zu:%zu: %s%s%s; telemetry is off", path, parser.problem_mark.line + 1,
                parser.problem_mark.column + 1, parser.problem ? parser.problem : "not YAML",
                parser.context ? " " : "", parser.context ? parser.context : "");
    memset(&y->doc, 0, sizeof(y->doc));
  }
  yaml_parser_delete(&parser);
  fclose(f);
  if (!loaded) {
    y->failed = true;
    return -EINVAL;
  }
  size_t nodes = (size_t)(y->doc.nodes.top - y->doc.nodes.start);
  y->used = calloc(nodes + 1, sizeof(*y->used));
  if (!y->used || !yaml_document_get_root_node(&y->doc)) {
    otel__error("%s: %s; telemetry is off", path, y->used ? "empty" : "out of memory");
    y->failed = true;
    return -EINVAL;
  }
  return 0;
}

void otel__yaml_free(otel__yaml_t *y) {
  if (y->doc.nodes.start)
    yaml_document_delete(&y->doc);
  free(y->used);
  y->used = NULL;
}

yaml_node_t *otel__yaml_root(otel__yaml_t *y) { return yaml_document_get_root_node(&y->doc); }

void otel__yaml_error(otel__yaml_t *y, const yaml_node_t *node, const char *fmt, ...) {
  char what[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  if (!y->failed) /* one line: the first error */
    otel__error("%s:%zu:%zu: %s; telemetry is off", y->path, node ? node->start_mark.line + 1 : 1,
                node ? node->start_mark.column + 1 : 1, what);
  y->failed = true;
}

yaml_node_t *otel__yaml_get(otel__yaml_t *y, yaml_node_t *map, const char *key) {
  if (!map || map->type != YAML_MAPPING_NODE)
    return NULL;
  for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(&y->doc, p->key);
    if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key)) {
      y->used[p->key] = true;
      return yaml_document_get_node(&y->doc, p->value);
    }
  }
  return NULL;
}

size_t otel__yaml_len(const yaml_node_t *seq) {
  return seq && seq->type == YAML_SEQUENCE_NODE
             ? (size_t)(seq->data.sequence.items.top - seq->data.sequence.items.start)
             : 0;
}

yaml_node_t *otel__yaml_item(otel__yaml_t *y, yaml_node_t *seq, size_t i) {
  return i < otel__yaml_len(seq)
             ? yaml_document_get_node(&y->doc, seq->data.sequence.items.start[i])
             : NULL;
}

/* --- substitution --- */

typedef struct {
  char *p, *end;
  bool full;
} out_t;

static void put(out_t *o, const char *s, size_t n) {
  if ((size_t)(o->end - o->p) <= n) {
    o->full = true;
    return;
  }
  memcpy(o->p, s, n);
  o->p += n;
  *o->p = '\0';
}

static bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

/* One reference's content (between "${" and "}"), resolved into o; false
 * when it is not a reference libotel can resolve. */
static bool resolve(otel__yaml_t *y, const char *s, size_t n, out_t *o) {
  if (n > 4 && !memcmp(s, "env:", 4)) {
    s += 4;
    n -= 4;
  }
  size_t name = 0;
  if (!n || !name_start(s[0]))
    return false;
  while (name < n && name_char(s[name]))
    name++;
  const char *def = NULL;
  size_t def_len = 0;
  if (name < n) {
    if (n - name < 2 || s[name] != ':' || s[name + 1] != '-')
      return false; /* another prefix (sys:...), or not ":-" */
    def = s + name + 2;
    def_len = n - name - 2;
  }
  char var[256];
  if (name >= sizeof(var))
    return false;
  memcpy(var, s, name);
  var[name] = '\0';
  const char *v = y->get(y->ud, var);
  if (v && *v)
    put(o, v, strlen(v));
  else if (def)
    put(o, def, def_len);
  return true;
}

/* seg[0..n), which holds no "$$": its references resolved into o. */
static bool substitute(otel__yaml_t *y, const char *seg, size_t n, out_t *o) {
  size_t i = 0;
  while (i < n) {
    const char *ref = memchr(seg + i, '$', n - i);
    size_t at = ref ? (size_t)(ref - seg) : n;
    put(o, seg + i, at - i);
    if (at >= n)
      break;
    const char *close =
        at + 1 < n && seg[at + 1] == '{' ? memchr(seg + at + 2, '}', n - at - 2) : NULL;
    if (!close) { /* a lone "$": itself */
      put(o, "$", 1);
      i = at + 1;
      continue;
    }
    if (!resolve(y, seg + at + 2, (size_t)(close - seg) - at - 2, o))
      return false;
    i = (size_t)(close - seg) + 1;
  }
  return true;
}

bool otel__yaml_text(otel__yaml_t *y, yaml_node_t *node, char *out, size_t size, bool *plain) {
  if (!node || node->type != YAML_SCALAR_NODE) {
    otel__yaml_error(y, node, "a value is expected here");
    return false;
  }
  const char *s = (const char *)node->data.scalar.value;
  size_t n = node->data.scalar.length;
  out_t o = {out, out + size, false};
  *out = '\0';
  /* "$$" is "$", and splits the text: references are matched between escapes. */
  for (;;) {
    const char *esc = NULL;
    for (size_t i = 0; i + 1 < n && !esc; i++)
      if (s[i] == '$' && s[i + 1] == '$')
        esc = s + i;
    size_t seg = esc ? (size_t)(esc - s) : n;
    if (!substitute(y, s, seg, &o)) {
      otel__yaml_error(y, node, "'%s' holds a malformed ${...} reference", s);
      return false;
    }
    if (!esc)
      break;
    put(&o, "$", 1);
    s = esc + 2;
    n -= seg + 2;
  }
  if (o.full) {
    otel__yaml_error(y, node, "the value is too long");
    return false;
  }
  if (plain)
    *plain = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
  return true;
}

bool otel__yaml_null(otel__yaml_t *y, yaml_node_t *node) {
  if (!node)
    return true;
  if (node->type != YAML_SCALAR_NODE)
    return false;
  char text[OTEL__YAML_TEXT_MAX];
  bool plain;
  if (!otel__yaml_text(y, node, text, sizeof(text), &plain))
    return false;
  return plain && (!*text || !strcmp(text, "~") || !strcmp(text, "null") || !strcmp(text, "Null") ||
                   !strcmp(text, "NULL"));
}

void otel__yaml_warn_unread(otel__yaml_t *y, yaml_node_t *node, const char *place) {
  if (!node)
    return;
  char here[256];
  if (node->type == YAML_SEQUENCE_NODE) {
    for (size_t i = 0; i < otel__yaml_len(node); i++) {
      snprintf(here, sizeof(here), "%s[%zu]", place, i);
      otel__yaml_warn_unread(y, otel__yaml_item(y, node, i), here);
    }
    return;
  }
  if (node->type != YAML_MAPPING_NODE)
    return;
  for (yaml_node_pair_t *p = node->data.mapping.pairs.start; p < node->data.mapping.pairs.top;
       p++) {
    yaml_node_t *k = yaml_document_get_node(&y->doc, p->key);
    const char *key = k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?";
    snprintf(here, sizeof(here), "%s%s%s", place, *place ? "." : "", key);
    if (!y->used[p->key])
      otel__warn("%s:%zu: %s is not supported by libotel; ignored", y->path,
                 k ? k->start_mark.line + 1 : 0, here);
    else
      otel__yaml_warn_unread(y, yaml_document_get_node(&y->doc, p->value), here);
  }
}
