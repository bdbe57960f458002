/* libpq client spans: one per statement, with the database semantic conventions. */
#include <otel/pq.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyed_cache.h"
#include "support.h"
#include "text.h"
#include "durations.h"

static _Atomic(const otel_tracer_t *) tracer;

int otel_pq_prepare(PGconn *conn, const otel_pq_statement_t *st) {
  PGresult *r = PQprepare(conn, st->name, st->sql, st->n_params, st->param_types);
  int rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
  PQclear(r);
  return rc;
}

/* What every run of a statement on one server shares: its span's name and
 * attributes, and the set of its duration when it succeeds. */
typedef struct {
  const otel_pq_statement_t *st;
  const char *db, *host, *port;
} statement_on_t;

typedef struct {
  char *sql, *operation, *collection; /* what the statement was when kept */
  char *db, *host, *port;             /* and the server */
  otel_attr_block_t *block;
  otel_bound_histogram_t *duration;
  char name[]; /* the span's: "{operation} {collection}" */
} kept_statement_t;

/* attrs[0..n) of a span of st on that server (at most 8); summary is the
 * span's name, "{operation} {collection}". */
static size_t span_attrs(const statement_on_t *on, const char *summary, otel_attr_t *attrs) {
  size_t n = 0;
  attrs[n++] = OTEL_ATTR_STR("db.system.name", "postgresql");
  if (on->db && *on->db)
    attrs[n++] = OTEL_ATTR_STR("db.namespace", on->db);
  if (on->host && *on->host && on->host[0] != '/') /* a socket directory is not an address */
    attrs[n++] = OTEL_ATTR_STR("server.address", on->host);
  if (on->port && *on->port)
    attrs[n++] = OTEL_ATTR_INT("server.port", atoi(on->port));
  attrs[n++] = OTEL_ATTR_STR("db.query.summary", summary);
  attrs[n++] = OTEL_ATTR_STR("db.query.text", on->st->sql);
  attrs[n++] = OTEL_ATTR_STR("db.operation.name", on->st->operation);
  if (on->st->collection)
    attrs[n++] = OTEL_ATTR_STR("db.collection.name", on->st->collection);
  return n;
}

/* attrs[0..n) of a run's duration (at most 4), error.type when failed. */
static size_t duration_attrs(const otel_pq_statement_t *st, const char *error, otel_attr_t *attrs) {
  size_t n = 0;
  attrs[n++] = OTEL_ATTR_STR("db.system.name", "postgresql");
  attrs[n++] = OTEL_ATTR_STR("db.operation.name", st->operation);
  if (st->collection)
    attrs[n++] = OTEL_ATTR_STR("db.collection.name", st->collection);
  if (error)
    attrs[n++] = OTEL_ATTR_STR("error.type", error);
  return n;
}

/* The span's name for st, in out[256]. */
static const char *span_name(const otel_pq_statement_t *st, char out[256]) {
  return st->collection ? otel__str_join(out, 256, st->operation, ' ', st->collection)
                        : otel__str_copy(out, 256, st->operation, strlen(st->operation));
}

static char *copy(const char *s) { return s ? strdup(s) : NULL; }

static void *keep_statement(void *arg) {
  const statement_on_t *on = arg;
  char name[256];
  span_name(on->st, name);
  size_t size = strlen(name) + 1;
  kept_statement_t *k = calloc(1, sizeof(*k) + size);
  if (!k)
    return NULL;
  memcpy(k->name, name, size);
  otel_attr_t attrs[8];
  k->sql = copy(on->st->sql);
  k->operation = copy(on->st->operation);
  k->collection = copy(on->st->collection);
  k->db = copy(on->db);
  k->host = copy(on->host);
  k->port = copy(on->port);
  k->block = otel_attr_block_new(attrs, span_attrs(on, k->name, attrs));
  k->duration =
      otel_histogram_bind(otel__db_client_duration(), attrs, duration_attrs(on->st, NULL, attrs));
  if (!k->sql || !k->operation || (on->st->collection && !k->collection) || (on->db && !k->db) ||
      (on->host && !k->host) || (on->port && !k->port) || !k->block) {
    free(k->sql), free(k->operation), free(k->collection);
    free(k->db), free(k->host), free(k->port);
    otel_attr_block_release(k->block);
    free(k); /* (the bound handle is the SDK's) */
    return NULL;
  }
  return k;
}

/* Whether k was kept for what on says: the statement as it is now (an
 * address may be reused by another statement) on the same server. */
static bool kept_for(const kept_statement_t *k, const statement_on_t *on) {
  return otel__same_text(k->sql, on->st->sql) && otel__same_text(k->operation, on->st->operation) &&
         otel__same_text(k->collection, on->st->collection) && otel__same_text(k->db, on->db) &&
         otel__same_text(k->host, on->host) && otel__same_text(k->port, on->port);
}

/* What was kept for st on conn's server: found by st's address and the
 * server, or first among the few this thread used last. NULL when nothing
 * can be kept. */
static const kept_statement_t *kept_statement(const statement_on_t *on) {
  enum { RECENT = 4 };
  static _Thread_local struct {
    const otel_pq_statement_t *st;
    const kept_statement_t *kept;
  } recent[RECENT];
  static _Thread_local unsigned next;
  for (unsigned i = 0; i < RECENT; i++)
    if (recent[i].st == on->st && recent[i].kept && kept_for(recent[i].kept, on))
      return recent[i].kept;
  static otel__keyed_cache_t statements;
  otel__cache_key_t key;
  key.len = 0;
  otel__key_bytes(&key, &on->st, sizeof(on->st));
  otel__key_text(&key, on->db);
  otel__key_text(&key, on->host);
  otel__key_text(&key, on->port);
  const kept_statement_t *k = otel__keyed_cache_get(&statements, &key, keep_statement, (void *)on);
  if (!k || !kept_for(k, on))
    return NULL;
  recent[next].st = on->st;
  recent[next].kept = k;
  next = (next + 1) % RECENT;
  return k;
}

/* ERROR status with the SQLSTATE, or a connection error when there is none. */
static void record_failure(otel_span_t *s, PGconn *conn, const PGresult *r) {
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  if (state) {
    OTEL_SPAN_SET_STR(s, "db.response.status_code", state);
    OTEL_SPAN_SET_STR(s, "error.type", state);
  } else {
    OTEL_SPAN_SET_STR(s, "error.type", "connection_error");
  }
  const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  char line[256];
  snprintf(line, sizeof(line), "%s", msg && *msg ? msg : "statement failed");
  line[strcspn(line, "\n")] = '\0';
  otel_span_set_status(s, OTEL_STATUS_ERROR, line);
}

PGresult *otel_pq_exec(PGconn *conn, const otel_pq_statement_t *st, const char *const *values) {
  return otel_pq_exec_params(conn, st, values, NULL, NULL, 0);
}

PGresult *otel_pq_exec_params(PGconn *conn, const otel_pq_statement_t *st,
                              const char *const *values, const int *lengths, const int *formats,
                              int result_format) {
  const kept_statement_t *kept = NULL;
  statement_on_t on = {st, NULL, NULL, NULL};
  if (otel_enabled()) { /* (else there is nothing to record) */
    on.db = PQdb(conn), on.host = PQhost(conn), on.port = PQport(conn);
    kept = kept_statement(&on);
  }
  char name[256];
  otel_span_t *s =
      otel_span_start(otel__integration_tracer(&tracer, "libotel.pq"),
                      kept ? kept->name : span_name(st, name), OTEL_SPAN_KIND_CLIENT, NULL);
  if (kept) {
    otel_span_set_block(s, kept->block);
  } else if (otel_span_is_recording(s)) {
    otel_attr_t attrs[8];
    otel_span_set_attrs(s, attrs, span_attrs(&on, name, attrs));
  }
  uint64_t t0 = otel__integration_now_ns();
  PGresult *r;
  if (st->name)
    r = PQexecPrepared(conn, st->name, st->n_params, values, lengths, formats, result_format);
  else if (st->n_params || result_format)
    r = PQexecParams(conn, st->sql, st->n_params, st->param_types, values, lengths, formats,
                     result_format);
  else
    r = PQexec(conn, st->sql);
  ExecStatusType status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
  bool failed = status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
  if (failed)
    record_failure(s, conn, r);
  /* Before the span ends: an exemplar of the duration points to it. */
  double seconds = otel__integration_seconds(t0, otel__integration_now_ns());
  if (!failed && kept && kept->duration) {
    otel_bound_histogram_record_in(kept->duration, seconds, s);
  } else {
    const char *state = failed && r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    otel_attr_t attrs[4];
    size_t n = duration_attrs(st, failed ? (state ? state : "connection_error") : NULL, attrs);
    otel_histogram_record_in(otel__db_client_duration(), seconds, attrs, n, s);
  }
  otel_span_end(s);
  return r;
}
