/*
 * The force_flush and shutdown of a program's processors, whatever their
 * signal: kept beside each registry, and called in order by
 * otel_force_flush() and otel_shutdown().
 */
#ifndef OTEL_LIFECYCLE_H
#define OTEL_LIFECYCLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Processors of a signal (exporters' drivers included), or metric exporters. */
#define OTEL__MAX_PROCESSORS 16

typedef struct otel__lifecycle {
  void *ud;
  int (*force_flush)(void *ud, uint32_t timeout_ms); /* NULL: nothing to do */
  int (*shutdown)(void *ud, uint32_t timeout_ms);    /* NULL: nothing to do */
} otel__lifecycle_t;

/* Each one's force_flush (or shutdown), in order, each given the time left
 * until the monotonic deadline. 0 or the first error. */
int otel__lifecycles_run(const otel__lifecycle_t *l, size_t n, bool shutdown, uint64_t deadline);

/* A signal's processors, as far as registering and their lifecycles go;
 * the signal keeps their tables at the same index. */
typedef struct otel__registry {
  otel__lifecycle_t lifecycles[OTEL__MAX_PROCESSORS];
  size_t n;
} otel__registry_t;

/* Takes the next index for a processor with these lifecycle callbacks:
 * the index, or -EBUSY after otel_init(), -ENOSPC when every slot is taken. */
int otel__registry_add(otel__registry_t *r, const otel__lifecycle_t *l);

#endif
