/*
 * A YAML file as the configuration file reader walks it (config_file.c):
 * libyaml's document, each scalar read after environment variable
 * substitution (the specification's ${VAR}, ${env:VAR:-default} and $$),
 * each node with its line and column, and the mapping keys the reader
 * asked for remembered, so that the others can be warned about.
 */
#ifndef OTEL_YAML_DOC_H
#define OTEL_YAML_DOC_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

#include "common/config.h"

typedef struct otel__yaml {
  yaml_document_t doc;
  const char *path;
  otel__getenv_fn get;
  void *ud;
  bool *used;  /* by node index: a mapping key the reader asked for */
  bool failed; /* an error was reported: the file is not used */
} otel__yaml_t;

/* Loads path; 0, or -EINVAL after one error line naming the file, line and
 * column (or why it cannot be read). Free with otel__yaml_free() either way. */
int otel__yaml_load(otel__yaml_t *y, const char *path, otel__getenv_fn get, void *ud);
void otel__yaml_free(otel__yaml_t *y);

yaml_node_t *otel__yaml_root(otel__yaml_t *y);

/* The value of key in map (NULL when map is not a mapping or has no such
 * key); the key is marked as read. */
yaml_node_t *otel__yaml_get(otel__yaml_t *y, yaml_node_t *map, const char *key);

/* A sequence's i-th item, or NULL. */
yaml_node_t *otel__yaml_item(otel__yaml_t *y, yaml_node_t *seq, size_t i);
size_t otel__yaml_len(const yaml_node_t *seq);

/* Whether node is absent or null (empty, ~ or null, after substitution). */
bool otel__yaml_null(otel__yaml_t *y, yaml_node_t *node);

/* The longest value a scalar may have after substitution. */
#define OTEL__YAML_TEXT_MAX 4096

/* A scalar after substitution, in out[0..size): false, and an error, when
 * the node is not a scalar, does not fit, or a reference is malformed.
 * *plain tells whether it was unquoted (its type then comes from its text). */
bool otel__yaml_text(otel__yaml_t *y, yaml_node_t *node, char *out, size_t size, bool *plain);

/* Reports an error at node: "path:line:column: what" (printf-style); the
 * file is then not used. */
void otel__yaml_error(otel__yaml_t *y, const yaml_node_t *node, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Warns once for each mapping key under node that was never read, naming
 * its place ("tracer_provider.processors[0].batch.foo") and line. */
void otel__yaml_warn_unread(otel__yaml_t *y, yaml_node_t *node, const char *place);

#endif
