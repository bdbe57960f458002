/*
 * Context: the span and baggage that work runs under, per thread and as a
 * value that can be handed to another thread; and W3C propagation of both
 * (traceparent, tracestate, baggage) through any header carrier.
 */
#ifndef OTEL_CONTEXT_H
#define OTEL_CONTEXT_H

#include <otel/otel.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OTEL_TRACE_ID_SIZE 16
#define OTEL_SPAN_ID_SIZE 8
#define OTEL_TRACE_ID_HEX_SIZE 33 /* 32 hex digits and a NUL */
#define OTEL_SPAN_ID_HEX_SIZE 17
#define OTEL_TRACEPARENT_SIZE 56 /* "00-" trace "-" span "-" flags, and a NUL */
#define OTEL_TRACESTATE_MAX 512
#define OTEL_TRACE_FLAG_SAMPLED 0x01
/* Trace Context Level 2: at least the trace id's right-most 7 bytes are
 * random. Set on the traces this SDK starts, kept from a parent. */
#define OTEL_TRACE_FLAG_RANDOM 0x02

/* The identity of a span as it travels: W3C trace context. */
typedef struct otel_span_context {
  uint8_t trace_id[OTEL_TRACE_ID_SIZE];
  uint8_t span_id[OTEL_SPAN_ID_SIZE];
  uint8_t flags;
  bool is_remote;
  char trace_state[OTEL_TRACESTATE_MAX + 1]; /* canonical W3C list, "" when empty */
} otel_span_context_t;

/* True when neither id is all zeroes. Thread-safe. */
OTEL_API bool otel_span_context_is_valid(const otel_span_context_t *sc);

/* Immutable, reference-counted set of W3C baggage entries. NULL is the empty set. */
typedef struct otel_baggage otel_baggage_t;

/* A context value: what a span started under it takes as its parent, and the
 * baggage that goes with it. It owns one reference to its baggage: release it
 * with otel_context_release(). An all-zero value is the empty (root) context. */
typedef struct otel_context {
  otel_span_context_t span_context;
  otel_baggage_t *baggage;
} otel_context_t;

/* Fills *out with this thread's current context (its baggage reference is new).
 * Use it to carry the context to another thread. Thread-safe. */
OTEL_API void otel_context_capture(otel_context_t *out);

/* Drops the context's baggage reference and empties it. Accepts NULL. */
OTEL_API void otel_context_release(otel_context_t *ctx);

/* What to restore when a scope ends. Opaque; lives on the caller's stack. */
typedef struct otel_scope {
  const void *prev[3];
} otel_scope_t;

/* Makes ctx the current context of this thread until otel_scope_end(). ctx is
 * borrowed: it must outlive the scope. Scopes end in reverse order. */
OTEL_API otel_scope_t otel_context_attach(const otel_context_t *ctx);

/* Restores what was current before the scope began. */
OTEL_API void otel_scope_end(otel_scope_t *scope);

/* --- Baggage --- */

/* Value for key, or NULL; borrowed, valid while b is. Thread-safe. */
OTEL_API const char *otel_baggage_get(const otel_baggage_t *b, const char *key);

/* Number of entries. Thread-safe. */
OTEL_API size_t otel_baggage_count(const otel_baggage_t *b);

/* Entry i (0-based) into *key and *value, borrowed; false past the end. */
OTEL_API bool otel_baggage_entry(const otel_baggage_t *b, size_t i, const char **key,
                                 const char **value);

/* A new baggage: b with key set to value (both copied). Returns a new
 * reference, or NULL on allocation failure or invalid key. b is borrowed. */
OTEL_API otel_baggage_t *otel_baggage_set(const otel_baggage_t *b, const char *key,
                                          const char *value);

/* New and released references. Both accept NULL. Thread-safe. */
OTEL_API otel_baggage_t *otel_baggage_retain(otel_baggage_t *b);
OTEL_API void otel_baggage_release(otel_baggage_t *b);

/* --- Propagation (W3C trace context and baggage, per OTEL_PROPAGATORS) --- */

/* Header access for a carrier. get returns the value of the index-th field
 * line named name (index 0 is the first), borrowed, or NULL past the last:
 * a header sent as several lines is one list (RFC 9110 section 5.3), so a
 * carrier hands over every line. A carrier that keeps one value per name
 * returns NULL for every index but 0. set copies what it is given. Names are
 * lowercase; a carrier matches them without regard to case. */
typedef const char *(*otel_carrier_get_fn)(void *carrier, const char *name, size_t index);
typedef void (*otel_carrier_set_fn)(void *carrier, const char *name, const char *value);

/* Fills *out from the carrier's headers: the remote parent (empty when
 * traceparent is missing, invalid or sent more than once), its tracestate
 * (every line, as one list) and the baggage (every line; a new reference).
 * Thread-safe. */
OTEL_API void otel_propagation_extract(otel_context_t *out, otel_carrier_get_fn get, void *carrier);

/* Writes traceparent, tracestate and baggage for ctx (NULL: the current
 * context) through set. Writes nothing for an invalid span context. Thread-safe. */
OTEL_API void otel_propagation_inject(const otel_context_t *ctx, otel_carrier_set_fn set,
                                      void *carrier);

/* Strict W3C parsers and formatters, usable without the SDK. Parse returns 0,
 * or -EINVAL for a value the specification says to ignore. */
/* Optional white space around the value is trimmed first. */
OTEL_API int otel_traceparent_parse(const char *value, otel_span_context_t *out);
OTEL_API void otel_traceparent_format(const otel_span_context_t *sc,
                                      char out[OTEL_TRACEPARENT_SIZE]);
/* Validates value and writes its canonical form (members joined by ",", long
 * members then trailing ones dropped to fit OTEL_TRACESTATE_MAX) into out.
 * A key that comes twice keeps its first member; a 33rd key is invalid. */
OTEL_API int otel_tracestate_parse(const char *value, char out[OTEL_TRACESTATE_MAX + 1]);
/* A new baggage from a header value: invalid members are skipped; NULL when
 * nothing valid remains. */
OTEL_API otel_baggage_t *otel_baggage_parse(const char *value);
/* Writes the header value into out: as many whole members as fit in size
 * bytes with the NUL (8192 at the most, the W3C limit). Returns its length. */
OTEL_API size_t otel_baggage_format(const otel_baggage_t *b, char *out, size_t size);

#ifdef __cplusplus
}
#endif

#endif
