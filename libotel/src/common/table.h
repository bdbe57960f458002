/*
 * The callback tables and option structs a program hands to libotel begin
 * with their own size, as the program was built. Reading one copies what
 * both sides know and leaves the rest zero: a member the program does not
 * know is then absent, and one libotel does not know is ignored. A member
 * is only ever added at the end (docs/extending.md).
 */
#ifndef OTEL_TABLE_H
#define OTEL_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Copies the table at src (its first member its size; NULL: none) into
 * dst, of size own. Returns false for a table whose size is 0. */
static inline bool otel__table_copy(void *dst, size_t own, const void *src) {
  memset(dst, 0, own);
  if (!src)
    return true;
  size_t size;
  memcpy(&size, src, sizeof(size));
  if (size < sizeof(size))
    return false;
  memcpy(dst, src, size < own ? size : own);
  memcpy(dst, &own, sizeof(own)); /* what it is now, as read */
  return true;
}

#endif
