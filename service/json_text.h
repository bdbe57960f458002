/*
 * The compact JSON text of a jansson value, byte for byte what
 * json_dumps(value, JSON_COMPACT) writes, in a fraction of the time: jansson
 * looks at each character of a string on its own, which made writing a
 * response out a seventh of what articles spent on a GET.
 */
#ifndef SVC_JSON_TEXT_H
#define SVC_JSON_TEXT_H

#include <jansson.h>
#include <stddef.h>

/* A NUL-terminated copy to free(), its length in *len; NULL when memory ran out. */
char *svc_json_text(const json_t *value, size_t *len);

#endif
