/*
 * libpq's statements, each a database span (libotel/integrations/pq/pq_call.h):
 *
 *   PQexec, PQexecParams, PQexecPrepared    a span around the call
 *   PQsendQuery, PQsendQueryParams,         a span begun at the send and
 *   PQsendQueryPrepared                     ended when PQgetResult gives its
 *                                           NULL, also in pipeline mode
 *   PQprepare, PQsendPrepare                no span (a protocol step): the
 *                                           statement's text is remembered for
 *                                           the PQexecPrepared that runs it
 *   PQfinish, PQreset                       what was pending ends
 *
 * Per connection: the prepared statements' texts, and the statements sent
 * and not yet answered, in order. A connection is used by one thread at a
 * time, as libpq requires; the table that finds its state is locked.
 */
#include <errno.h>
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "instrument.h"
#include "pq_call.h"
#include "ptr_map.h"

#define PREPARED_MAX 1024 /* per connection; the oldest is forgotten past it */
#define PENDING_MAX 1024  /* statements sent and not answered; past it, untraced */

typedef struct {
  char *name, *sql;
} prepared_t;

typedef struct {
  otel__pq_call_t call;
  bool answered; /* a result came */
} pending_t;

typedef struct {
  prepared_t prepared[PREPARED_MAX];
  size_t n_prepared, next_prepared; /* the slot reused next, once full */
  pending_t *pending;               /* a queue: head .. head + n_pending */
  size_t head, n_pending, cap_pending;
} conn_state_t;

static otel__ptr_map_t conns = OTEL__PTR_MAP_INIT;

static conn_state_t *state_of(const PGconn *conn, bool make) {
  void *s = NULL;
  if (!otel__ptr_map_get(&conns, conn, &s) && make) {
    s = calloc(1, sizeof(conn_state_t));
    if (s && !otel__ptr_map_put(&conns, conn, s)) {
      free(s);
      s = NULL;
    }
  }
  return s;
}

/* The text of the statement prepared as name on conn, or NULL. */
static const char *prepared_sql(const PGconn *conn, const char *name) {
  conn_state_t *s = state_of(conn, false);
  for (size_t i = 0; s && i < s->n_prepared; i++)
    if (!strcmp(s->prepared[i].name, name ? name : ""))
      return s->prepared[i].sql;
  return NULL;
}

static void remember_prepared(const PGconn *conn, const char *name, const char *sql) {
  conn_state_t *s = state_of(conn, true);
  if (!s || !sql)
    return;
  name = name ? name : "";
  prepared_t *slot = NULL;
  for (size_t i = 0; i < s->n_prepared && !slot; i++)
    if (!strcmp(s->prepared[i].name, name))
      slot = &s->prepared[i];
  if (!slot && s->n_prepared < PREPARED_MAX)
    slot = &s->prepared[s->n_prepared++];
  if (!slot) {
    slot = &s->prepared[s->next_prepared];
    s->next_prepared = (s->next_prepared + 1) % PREPARED_MAX;
  }
  char *n = strdup(name), *q = strdup(sql);
  if (!n || !q) {
    free(n), free(q);
    return;
  }
  free(slot->name), free(slot->sql);
  slot->name = n, slot->sql = q;
}

/* The text a prepared statement is recorded by: its own, or its name. */
static const char *text_of_prepared(const PGconn *conn, const char *name, char *buf, size_t size) {
  const char *sql = prepared_sql(conn, name);
  if (sql)
    return sql;
  snprintf(buf, size, "EXECUTE %s", name && *name ? name : "unnamed");
  return buf;
}

/* Begins a statement's span for an asynchronous send, queued on conn. */
static pending_t *push_pending(PGconn *conn) {
  conn_state_t *s = state_of(conn, true);
  if (!s || s->n_pending == PENDING_MAX)
    return NULL;
  if (s->n_pending == s->cap_pending) {
    size_t cap = s->cap_pending ? s->cap_pending * 2 : 4;
    pending_t *q = malloc(cap * sizeof(*q));
    if (!q)
      return NULL;
    for (size_t i = 0; i < s->n_pending; i++)
      q[i] = s->pending[(s->head + i) % s->cap_pending];
    free(s->pending);
    s->pending = q, s->head = 0, s->cap_pending = cap;
  }
  pending_t *p = &s->pending[(s->head + s->n_pending++) % s->cap_pending];
  p->answered = false;
  return p;
}

static pending_t *front_pending(const PGconn *conn) {
  conn_state_t *s = state_of(conn, false);
  return s && s->n_pending ? &s->pending[s->head] : NULL;
}

static void pop_pending(const PGconn *conn) {
  conn_state_t *s = state_of(conn, false);
  if (s && s->n_pending) {
    s->head = (s->head + 1) % s->cap_pending;
    s->n_pending--;
  }
}

/* What was sent and will not be answered (the connection ends): each span
 * ends as a connection failure. */
static void end_pending(PGconn *conn) {
  pending_t *p;
  while ((p = front_pending(conn))) {
    if (!p->answered)
      otel__pq_call_result(&p->call, conn, NULL);
    otel__pq_call_finish(&p->call);
    pop_pending(conn);
  }
}

static void forget(PGconn *conn) {
  void *v = NULL;
  if (!otel__ptr_map_take(&conns, conn, &v))
    return;
  conn_state_t *s = v;
  for (size_t i = 0; i < s->n_prepared; i++)
    free(s->prepared[i].name), free(s->prepared[i].sql);
  free(s->pending);
  free(s);
}

/* The real function and its type, resolved once. */
#define REAL(ret, name, ...)                                                                       \
  static void *volatile real_##name;                                                               \
  ret (*name##_real)(__VA_ARGS__);                                                                 \
  *(void **)&name##_real = otel__instr_real(&real_##name, #name)

/* Runs the synchronous call `run` (an expression of conn) as a statement of
 * text; returns its result. */
#define SYNC_STATEMENT(text_init, run)                                                             \
  do {                                                                                             \
    if (!otel__instr_begin(OTEL__INSTR_PQ))                                                        \
      return run;                                                                                  \
    otel__pq_text_t text = text_init;                                                              \
    otel__pq_call_t call;                                                                          \
    otel__pq_call_begin(&call, conn, &text);                                                       \
    PGresult *r = run;                                                                             \
    int saved = errno;                                                                             \
    otel__pq_call_end(&call, conn, r);                                                             \
    otel__instr_end();                                                                             \
    errno = saved;                                                                                 \
    return r;                                                                                      \
  } while (0)

OTEL_INSTRUMENT_API PGresult *PQexec(PGconn *conn, const char *query) {
  REAL(PGresult *, PQexec, PGconn *, const char *);
  SYNC_STATEMENT(((otel__pq_text_t){query, false, NULL, NULL}), PQexec_real(conn, query));
}

OTEL_INSTRUMENT_API PGresult *PQexecParams(PGconn *conn, const char *command, int n,
                                           const Oid *types, const char *const *values,
                                           const int *lengths, const int *formats, int format) {
  REAL(PGresult *, PQexecParams, PGconn *, const char *, int, const Oid *, const char *const *,
       const int *, const int *, int);
  SYNC_STATEMENT(((otel__pq_text_t){command, n > 0, NULL, NULL}),
                 PQexecParams_real(conn, command, n, types, values, lengths, formats, format));
}

OTEL_INSTRUMENT_API PGresult *PQexecPrepared(PGconn *conn, const char *name, int n,
                                             const char *const *values, const int *lengths,
                                             const int *formats, int format) {
  REAL(PGresult *, PQexecPrepared, PGconn *, const char *, int, const char *const *, const int *,
       const int *, int);
  char buf[256];
  SYNC_STATEMENT(
      ((otel__pq_text_t){text_of_prepared(conn, name, buf, sizeof(buf)), true, NULL, NULL}),
      PQexecPrepared_real(conn, name, n, values, lengths, formats, format));
}

OTEL_INSTRUMENT_API PGresult *PQprepare(PGconn *conn, const char *name, const char *query, int n,
                                        const Oid *types) {
  REAL(PGresult *, PQprepare, PGconn *, const char *, const char *, int, const Oid *);
  PGresult *r = PQprepare_real(conn, name, query, n, types);
  if (otel__instr_begin(OTEL__INSTR_PQ)) {
    int saved = errno;
    if (r && PQresultStatus(r) == PGRES_COMMAND_OK)
      remember_prepared(conn, name, query);
    otel__instr_end();
    errno = saved;
  }
  return r;
}

OTEL_INSTRUMENT_API int PQsendPrepare(PGconn *conn, const char *name, const char *query, int n,
                                      const Oid *types) {
  REAL(int, PQsendPrepare, PGconn *, const char *, const char *, int, const Oid *);
  int ok = PQsendPrepare_real(conn, name, query, n, types);
  if (ok && otel__instr_begin(OTEL__INSTR_PQ)) {
    int saved = errno;
    remember_prepared(conn, name, query);
    otel__instr_end();
    errno = saved;
  }
  return ok;
}

/* Sends with `send` (an expression of conn returning libpq's 1 or 0) the
 * statement of text; its span is queued until its results are read. */
#define ASYNC_STATEMENT(text_init, send)                                                           \
  do {                                                                                             \
    if (!otel__instr_begin(OTEL__INSTR_PQ))                                                        \
      return send;                                                                                 \
    otel__pq_text_t text = text_init;                                                              \
    otel__pq_call_t call;                                                                          \
    otel__pq_call_begin(&call, conn, &text);                                                       \
    int ok = send;                                                                                 \
    int saved = errno;                                                                             \
    pending_t *p = ok ? push_pending(conn) : NULL;                                                 \
    if (p) {                                                                                       \
      p->call = call;                                                                              \
    } else {                                                                                       \
      if (!ok)                                                                                     \
        otel__pq_call_result(&call, conn, NULL);                                                   \
      otel__pq_call_finish(&call);                                                                 \
    }                                                                                              \
    otel__instr_end();                                                                             \
    errno = saved;                                                                                 \
    return ok;                                                                                     \
  } while (0)

OTEL_INSTRUMENT_API int PQsendQuery(PGconn *conn, const char *query) {
  REAL(int, PQsendQuery, PGconn *, const char *);
  ASYNC_STATEMENT(((otel__pq_text_t){query, false, NULL, NULL}), PQsendQuery_real(conn, query));
}

OTEL_INSTRUMENT_API int PQsendQueryParams(PGconn *conn, const char *command, int n,
                                          const Oid *types, const char *const *values,
                                          const int *lengths, const int *formats, int format) {
  REAL(int, PQsendQueryParams, PGconn *, const char *, int, const Oid *, const char *const *,
       const int *, const int *, int);
  ASYNC_STATEMENT(
      ((otel__pq_text_t){command, n > 0, NULL, NULL}),
      PQsendQueryParams_real(conn, command, n, types, values, lengths, formats, format));
}

OTEL_INSTRUMENT_API int PQsendQueryPrepared(PGconn *conn, const char *name, int n,
                                            const char *const *values, const int *lengths,
                                            const int *formats, int format) {
  REAL(int, PQsendQueryPrepared, PGconn *, const char *, int, const char *const *, const int *,
       const int *, int);
  char buf[256];
  ASYNC_STATEMENT(
      ((otel__pq_text_t){text_of_prepared(conn, name, buf, sizeof(buf)), true, NULL, NULL}),
      PQsendQueryPrepared_real(conn, name, n, values, lengths, formats, format));
}

/* A result goes to the statement at the front of the queue; the NULL after
 * its results ends it. A pipeline's sync point is no statement's. */
OTEL_INSTRUMENT_API PGresult *PQgetResult(PGconn *conn) {
  REAL(PGresult *, PQgetResult, PGconn *);
  PGresult *r = PQgetResult_real(conn);
  if (otel__instr_inside())
    return r; /* a synchronous call's own: its wrapper has the result */
  int saved = errno;
  pending_t *p = front_pending(conn);
  if (p && !(r && PQresultStatus(r) == PGRES_PIPELINE_SYNC)) {
    if (r) {
      p->answered = true;
      otel__pq_call_result(&p->call, conn, r);
    } else if (p->answered) {
      otel__pq_call_finish(&p->call);
      pop_pending(conn);
    }
  }
  errno = saved;
  return r;
}

OTEL_INSTRUMENT_API void PQfinish(PGconn *conn) {
  REAL(void, PQfinish, PGconn *);
  int saved = errno;
  end_pending(conn);
  forget(conn);
  errno = saved;
  PQfinish_real(conn);
}

OTEL_INSTRUMENT_API void PQreset(PGconn *conn) {
  REAL(void, PQreset, PGconn *);
  int saved = errno;
  end_pending(conn);
  forget(conn); /* a new session: its prepared statements are gone */
  errno = saved;
  PQreset_real(conn);
}
