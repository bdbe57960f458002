/*
 * The W3C list syntax shared by OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS
 * and the baggage header: "key=value" members separated by commas, optional
 * white space around each part, values percent-encoded, ";property" suffixes.
 */
#ifndef OTEL_KVLIST_H
#define OTEL_KVLIST_H

#include <stdbool.h>
#include <stddef.h>

/* Called per well-formed member: key and the percent-decoded value (NUL-terminated,
 * borrowed for the call), properties the raw text after the first ';' or NULL. */
typedef void (*otel__kvlist_fn)(void *ud, const char *key, const char *value,
                                const char *properties);

/* Walks list; returns the number of malformed members skipped. A member is
 * malformed when it has no '=', an empty or non-token key, or a bad escape. */
int otel__kvlist_parse(const char *list, otel__kvlist_fn fn, void *ud);

/* Decodes %XX escapes of s[0..n) into out (n+1 bytes); false on a bad escape. */
bool otel__percent_decode(const char *s, size_t n, char *out);

/* True for an RFC 7230 token character (what a key may contain). */
bool otel__is_token_char(unsigned char c);

#endif
