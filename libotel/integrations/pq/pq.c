/*
 * libpq client spans: one per statement, with the database semantic
 * conventions (pq_call.h), and the hand-written API of <otel/pq.h> on them.
 *
 * What a statement's span carries depends only on its text and its server,
 * so it is worked out once and kept (a block of attributes, the span's name,
 * the bound duration) in a table keyed by content; each thread also keeps
 * the few it used last, found by the text's address and checked by content.
 */
#include <otel/pq.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "durations.h"
#include "keyed_cache.h"
#include "pq_call.h"
#include "sql_summary.h"
#include "support.h"
#include "text.h"

static _Atomic(const otel_tracer_t *) tracer;

/* The longest text recorded as db.query.text; a longer one is cut. */
#define TEXT_MAX 4096

/* A statement on a server: what a span needs to know. */
typedef struct {
  const otel__pq_text_t *text;
  const char *recorded; /* db.query.text: the text, or its literals as "?" */
  const char *db, *host, *port;
} statement_on_t;

/* What its spans share, worked out once. */
struct otel__pq_kept {
  char *original; /* the text as the program sent it when this was kept */
  char *recorded;
  char *operation, *collection; /* the program's description, or NULL */
  char *db, *host, *port;
  otel_attr_block_t *block;
  otel_bound_histogram_t *duration;
  char op[64], coll[128]; /* what the duration records */
  char name[];            /* the span's */
};

/* The span's name and the duration's operation and collection for a
 * statement: the program's description, else the summary of its text. The
 * name is "{db.query.summary}", or "postgresql" when the text names no
 * operation. Returns whether there is a summary. */
static bool describe(const statement_on_t *on, char name[OTEL__SQL_SUMMARY_MAX + 1], char op[64],
                     char coll[128]) {
  const otel__pq_text_t *t = on->text;
  if (t->operation) {
    otel__str_copy(op, 64, t->operation, strlen(t->operation));
    otel__str_copy(coll, 128, t->collection ? t->collection : "",
                   t->collection ? strlen(t->collection) : 0);
    if (t->collection)
      otel__str_join(name, OTEL__SQL_SUMMARY_MAX + 1, t->operation, ' ', t->collection);
    else
      otel__str_copy(name, OTEL__SQL_SUMMARY_MAX + 1, t->operation, strlen(t->operation));
    return true;
  }
  otel__sql_summary_t s;
  otel__sql_summarize(on->recorded, &s);
  memcpy(op, s.operation, sizeof(s.operation));
  memcpy(coll, s.collection, sizeof(s.collection));
  if (!s.text[0]) {
    strcpy(name, "postgresql");
    return false;
  }
  memcpy(name, s.text, strlen(s.text) + 1);
  return true;
}

/* attrs[0..n) of a span of a statement on its server (at most 8). */
static size_t span_attrs(const statement_on_t *on, const char *summary, const char *op,
                         const char *coll, otel_attr_t *attrs) {
  size_t n = 0;
  attrs[n++] = OTEL_ATTR_STR("db.system.name", "postgresql");
  if (on->db && *on->db)
    attrs[n++] = OTEL_ATTR_STR("db.namespace", on->db);
  if (on->host && *on->host && on->host[0] != '/') /* a socket directory is not an address */
    attrs[n++] = OTEL_ATTR_STR("server.address", on->host);
  if (on->port && *on->port)
    attrs[n++] = OTEL_ATTR_INT("server.port", atoi(on->port));
  if (summary)
    attrs[n++] = OTEL_ATTR_STR("db.query.summary", summary);
  attrs[n++] = OTEL_ATTR_STR("db.query.text", on->recorded);
  if (*op)
    attrs[n++] = OTEL_ATTR_STR("db.operation.name", op);
  if (*coll)
    attrs[n++] = OTEL_ATTR_STR("db.collection.name", coll);
  return n;
}

/* attrs[0..n) of a run's duration (at most 4), error.type when failed. */
static size_t duration_attrs(const char *op, const char *coll, const char *error,
                             otel_attr_t *attrs) {
  size_t n = 0;
  attrs[n++] = OTEL_ATTR_STR("db.system.name", "postgresql");
  if (*op)
    attrs[n++] = OTEL_ATTR_STR("db.operation.name", op);
  if (*coll)
    attrs[n++] = OTEL_ATTR_STR("db.collection.name", coll);
  if (error)
    attrs[n++] = OTEL_ATTR_STR("error.type", error);
  return n;
}

static char *copy(const char *s) { return s ? strdup(s) : NULL; }

static void free_kept(otel__pq_kept_t *k) {
  free(k->original), free(k->recorded), free(k->operation), free(k->collection);
  free(k->db), free(k->host), free(k->port);
  otel_attr_block_release(k->block);
  free(k); /* (the bound handle is the SDK's) */
}

static void *keep_statement(void *arg) {
  const statement_on_t *on = arg;
  char name[OTEL__SQL_SUMMARY_MAX + 1], op[64], coll[128];
  bool summary = describe(on, name, op, coll);
  size_t size = strlen(name) + 1;
  otel__pq_kept_t *k = calloc(1, sizeof(*k) + size);
  if (!k)
    return NULL;
  memcpy(k->name, name, size);
  memcpy(k->op, op, sizeof(op));
  memcpy(k->coll, coll, sizeof(coll));
  k->original = copy(on->text->sql);
  k->recorded = copy(on->recorded);
  k->operation = copy(on->text->operation);
  k->collection = copy(on->text->collection);
  k->db = copy(on->db);
  k->host = copy(on->host);
  k->port = copy(on->port);
  otel_attr_t attrs[8];
  k->block = otel_attr_block_new(attrs, span_attrs(on, summary ? name : NULL, op, coll, attrs));
  k->duration =
      otel_histogram_bind(otel__db_client_duration(), attrs, duration_attrs(op, coll, NULL, attrs));
  if (!k->original || !k->recorded || (on->text->operation && !k->operation) ||
      (on->text->collection && !k->collection) || (on->db && !k->db) || (on->host && !k->host) ||
      (on->port && !k->port) || !k->block) {
    free_kept(k);
    return NULL;
  }
  return k;
}

/* Whether k describes the statement on: the same description and server,
 * and the same text recorded (original: the same text as sent). */
static bool kept_for(const otel__pq_kept_t *k, const statement_on_t *on, bool original) {
  return (original ? otel__same_text(k->original, on->text->sql)
                   : otel__same_text(k->recorded, on->recorded)) &&
         otel__same_text(k->operation, on->text->operation) &&
         otel__same_text(k->collection, on->text->collection) && otel__same_text(k->db, on->db) &&
         otel__same_text(k->host, on->host) && otel__same_text(k->port, on->port);
}

/* 64 bits of a text, for the table's key: texts are longer than keys. */
static uint64_t text_hash(const char *s) {
  uint64_t h = 0xcbf29ce484222325u;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 0x100000001b3u;
  return h;
}

/* What was kept for the statement: among the few this thread used last
 * (the same text at the same address), else in the table by the text it
 * records. NULL when nothing can be kept. on->recorded is set on the way,
 * into buf, unless found first. */
static const otel__pq_kept_t *kept_statement(statement_on_t *on, char buf[TEXT_MAX]) {
  enum { RECENT = 4 };
  static _Thread_local struct {
    const char *sql;
    const otel__pq_kept_t *kept;
  } recent[RECENT];
  static _Thread_local unsigned next;
  for (unsigned i = 0; i < RECENT; i++)
    if (recent[i].sql == on->text->sql && recent[i].kept && kept_for(recent[i].kept, on, true)) {
      on->recorded = recent[i].kept->recorded;
      return recent[i].kept;
    }
  on->recorded =
      on->text->parameterised ? on->text->sql : otel__sql_sanitize(on->text->sql, buf, TEXT_MAX);
  static otel__keyed_cache_t statements;
  otel__cache_key_t key;
  key.len = 0;
  uint64_t hash = text_hash(on->recorded);
  otel__key_bytes(&key, &hash, sizeof(hash));
  otel__key_text(&key, on->text->operation);
  otel__key_text(&key, on->text->collection);
  otel__key_text(&key, on->db);
  otel__key_text(&key, on->host);
  otel__key_text(&key, on->port);
  const otel__pq_kept_t *k = otel__keyed_cache_get(&statements, &key, keep_statement, on);
  if (!k || !kept_for(k, on, false))
    return NULL;
  if (otel__same_text(k->original, on->text->sql)) { /* a text with other literals is not */
    recent[next].sql = on->text->sql;
    recent[next].kept = k;
    next = (next + 1) % RECENT;
  }
  return k;
}

void otel__pq_call_begin(otel__pq_call_t *c, PGconn *conn, const otel__pq_text_t *text) {
  const otel_tracer_t *t = otel__integration_tracer(&tracer, "libotel.pq");
  c->kept = NULL;
  c->operation[0] = c->collection[0] = c->error_type[0] = '\0';
  c->failed = false;
  if (!otel_enabled()) { /* nothing to record: a span that records nothing */
    c->span = otel_span_start(t, "postgresql", OTEL_SPAN_KIND_CLIENT, NULL);
    c->start_ns = otel__integration_now_ns();
    return;
  }
  char buf[TEXT_MAX];
  statement_on_t on = {text, NULL, PQdb(conn), PQhost(conn), PQport(conn)};
  c->kept = kept_statement(&on, buf);
  if (c->kept) {
    c->span = otel_span_start(t, c->kept->name, OTEL_SPAN_KIND_CLIENT, NULL);
    otel_span_set_block(c->span, c->kept->block);
  } else {
    char name[OTEL__SQL_SUMMARY_MAX + 1];
    bool summary = describe(&on, name, c->operation, c->collection);
    c->span = otel_span_start(t, name, OTEL_SPAN_KIND_CLIENT, NULL);
    if (otel_span_is_recording(c->span)) {
      otel_attr_t attrs[8];
      otel_span_set_attrs(
          c->span, attrs,
          span_attrs(&on, summary ? name : NULL, c->operation, c->collection, attrs));
    }
  }
  c->start_ns = otel__integration_now_ns();
}

/* The SQLSTATE of a failed result, or why there is none. */
static const char *error_type(const PGresult *r) {
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  if (state)
    return state;
  return r && PQresultStatus(r) == PGRES_PIPELINE_ABORTED ? "pipeline_aborted" : "connection_error";
}

/* ERROR status with the SQLSTATE, or a connection error when there is none. */
static void record_failure(otel_span_t *s, PGconn *conn, const PGresult *r) {
  const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
  if (state)
    OTEL_SPAN_SET_STR(s, "db.response.status_code", state);
  OTEL_SPAN_SET_STR(s, "error.type", error_type(r));
  const char *msg = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
  char line[256];
  snprintf(line, sizeof(line), "%s", msg && *msg ? msg : "statement failed");
  line[strcspn(line, "\n")] = '\0';
  otel_span_set_status(s, OTEL_STATUS_ERROR, line);
}

void otel__pq_call_result(otel__pq_call_t *c, PGconn *conn, const PGresult *r) {
  if (c->failed || !otel__pq_failed(r))
    return;
  c->failed = true;
  otel__str_copy(c->error_type, sizeof(c->error_type), error_type(r), strlen(error_type(r)));
  if (OTEL_SPAN_RECORDING(c->span))
    record_failure(c->span, conn, r);
}

void otel__pq_call_finish(otel__pq_call_t *c) {
  /* Before the span ends: an exemplar of the duration points to it. */
  double seconds = otel__integration_seconds(c->start_ns, otel__integration_now_ns());
  const char *error = c->failed ? c->error_type : NULL;
  if (!c->failed && c->kept && c->kept->duration) {
    otel_bound_histogram_record_in(c->kept->duration, seconds, c->span);
  } else if (otel_enabled()) {
    otel_attr_t attrs[4];
    size_t n = c->kept ? duration_attrs(c->kept->op, c->kept->coll, error, attrs)
                       : duration_attrs(c->operation, c->collection, error, attrs);
    otel_histogram_record_in(otel__db_client_duration(), seconds, attrs, n, c->span);
  }
  otel_span_end(c->span);
  c->span = NULL;
}

void otel__pq_call_end(otel__pq_call_t *c, PGconn *conn, const PGresult *r) {
  otel__pq_call_result(c, conn, r);
  otel__pq_call_finish(c);
}

/* --- the hand-written API (<otel/pq.h>) --- */

int otel_pq_prepare(PGconn *conn, const otel_pq_statement_t *st) {
  PGresult *r = PQprepare(conn, st->name, st->sql, st->n_params, st->param_types);
  int rc = r && PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
  PQclear(r);
  return rc;
}

PGresult *otel_pq_exec(PGconn *conn, const otel_pq_statement_t *st, const char *const *values) {
  return otel_pq_exec_params(conn, st, values, NULL, NULL, 0);
}

PGresult *otel_pq_exec_params(PGconn *conn, const otel_pq_statement_t *st,
                              const char *const *values, const int *lengths, const int *formats,
                              int result_format) {
  otel__pq_text_t text = {st->sql, st->name || st->n_params, st->operation, st->collection};
  otel__pq_call_t call;
  otel__pq_call_begin(&call, conn, &text);
  PGresult *r;
  if (st->name)
    r = PQexecPrepared(conn, st->name, st->n_params, values, lengths, formats, result_format);
  else if (st->n_params || result_format)
    r = PQexecParams(conn, st->sql, st->n_params, st->param_types, values, lengths, formats,
                     result_format);
  else
    r = PQexec(conn, st->sql);
  otel__pq_call_end(&call, conn, r);
  return r;
}
