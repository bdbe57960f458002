/*
 * The span as the SDK keeps it, shared by the span API, the batch processor
 * and the encoders. One allocation holds the struct and the first block of
 * its arena, so a typical span costs a single malloc.
 */
#ifndef OTEL_SPAN_H
#define OTEL_SPAN_H

#include <otel/trace.h>
#include <stdatomic.h>

#include "common/arena.h"
#include "common/attrs.h"
#include "common/refs.h"

typedef struct otel__batch otel__batch_t;

/* Distinct instrumentation scopes; further ones share the default tracer. */
#define OTEL__MAX_TRACERS 64

struct otel_tracer {
  char *name;
  char *version;
  char *schema_url;    /* NULL: none */
  otel__attrs_t attrs; /* the scope's, in arena */
  otel__arena_t arena;
};

typedef struct otel__event {
  const char *name;
  uint64_t time_unix_ns;
  otel__attrs_t attrs;
} otel__event_t;

typedef struct otel__link {
  uint8_t trace_id[OTEL_TRACE_ID_SIZE];
  uint8_t span_id[OTEL_SPAN_ID_SIZE];
  uint8_t flags;
  bool is_remote;
  const char *trace_state;
  otel__attrs_t attrs;
} otel__link_t;

struct otel_span {
  otel_span_head_t head; /* first: <otel/trace.h>'s macros read it without a call */
  otel_span_context_t ctx;
  uint8_t parent_span_id[OTEL_SPAN_ID_SIZE]; /* all zero for a root span */
  bool has_parent;
  bool parent_is_remote;
  otel_span_kind_t kind;
  otel_status_code_t status;
  const char *status_message;
  const otel_tracer_t *tracer;
  const char *name;
  uint64_t start_unix_ns;
  uint64_t start_mono_ns;
  uint64_t end_unix_ns;
  otel__attrs_t attrs;
  struct otel_attr_block *block; /* attrs from block_at on are its, the span holding a reference */
  uint32_t block_at;
  otel__event_t *events;
  uint32_t n_events, cap_events, dropped_events;
  otel__link_t *links;
  uint32_t n_links, cap_links, dropped_links;
  bool pooled;           /* in a pool block: it records (sampled or not) */
  _Atomic uint32_t refs; /* holders beside the first, once ended: queues it is in */
  otel__arena_t arena;
};

/* The scope of spans started without a tracer. */
extern const otel_tracer_t otel__default_tracer;

/* fork() (common/fork.c): the tracers' lock, taken before, released after. */
void otel__tracers_fork_prepare(void);
void otel__tracers_fork_after(void);

/* Frees a span and everything it recorded. Accepts NULL. */
void otel__span_free(otel_span_t *span);

/* An ended span may be held by several queues (one per exporter it goes
 * to): each holder but the first takes a reference, and each lets go with
 * otel__span_release(), the last one freeing it. Thread-safe. */
static inline void otel__span_hold(otel_span_t *span) { otel__ref_hold(&span->refs); }
static inline void otel__span_release(otel_span_t *span) {
  if (otel__ref_release(&span->refs))
    otel__span_free(span);
}

/* Hands an ended, sampled span to a batch queue as one more holder; false
 * (and nothing held) when the queue refused it. */
bool otel__span_enqueue(otel_span_t *span, otel__batch_t *batch);

#endif
