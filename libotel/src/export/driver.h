/*
 * The processors that drive a program's exporters (otel_add_span_exporter(),
 * otel_add_log_exporter()), the same for every signal: the batch one, on the
 * queue and thread the built-in pipelines use (export/batch.c), and the
 * simple one, which exports each item as it comes. See driver.c for the
 * simple one's protocol.
 */
#ifndef OTEL_DRIVER_H
#define OTEL_DRIVER_H

#include <otel/processor.h>

#include "common/lifecycle.h"
#include "common/state.h"
#include "export/batch.h"

/* Drivers, of every signal together. */
#define OTEL__MAX_DRIVERS 32

/* What a driver needs to know of its signal. */
typedef struct otel__driver_ops {
  const char *what; /* "spans", for messages */
  /* Calls the program's export function fn (its table's, of the signal's
   * own type) with ud and the items; returns its result. */
  otel_export_result_t (*call_export)(void (*fn)(void), void *ud, void *const *items, size_t n,
                                      uint32_t timeout_ms);
  /* Take and give up a reference on an item (the last one frees it). */
  void (*hold)(void *item);
  void (*release)(void *item);
  /* The batch settings of the signal (OTEL_BSP_*, OTEL_BLRP_*). */
  const otel__batch_config_t *(*batch_config)(const otel__sdk_t *sdk);
} otel__driver_ops_t;

/* The program's exporter as a driver is given it: its ud, its export
 * function (cast to a generic type; call_export casts it back), and its
 * force_flush and shutdown (each may be NULL). */
typedef struct otel__exporter_fns {
  void *ud;
  void (*export_fn)(void);
  int (*force_flush)(void *ud, uint32_t timeout_ms);
  void (*shutdown)(void *ud, uint32_t timeout_ms);
} otel__exporter_fns_t;

typedef struct otel__driver otel__driver_t;

/* A driver of the kind how for the exporter e (ops borrowed: static) in
 * *out, for otel_add_*_exporter(): 0; -EINVAL when how is not a kind;
 * -EBUSY after otel_init(); -ENOSPC when the signal has no room for another
 * processor (full) or every driver is taken. */
int otel__driver_add(const otel__driver_ops_t *ops, const otel__exporter_fns_t *e,
                     otel_processing_t how, bool full, otel__driver_t **out);

/* An item for the exporter: queued (held by the queue), or exported now
 * (held until exported) by the simple driver. The caller keeps its own
 * reference. Thread-safe. */
void otel__driver_take(otel__driver_t *d, void *item);

/* otel_force_flush() and otel_shutdown() for one driver (d, as a
 * processor's ud); 0 or a negative errno. */
int otel__driver_flush(void *d, uint32_t timeout_ms);
int otel__driver_shutdown(void *d, uint32_t timeout_ms);

/* Starts the batch drivers' threads, with sdk's settings. */
void otel__drivers_start(const otel__sdk_t *sdk);

/* fork() (common/fork.c): prepare takes each driver's locks; after releases
 * them, and in the child leaves each batch stopped and drops what was
 * pending (the parent exports it); restart starts the child's own batches. */
void otel__drivers_fork_prepare(void);
void otel__drivers_fork_after(bool child);
void otel__drivers_restart(const otel__sdk_t *sdk);

#endif
