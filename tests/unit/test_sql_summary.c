/* The SQL summarizer and sanitizer, on statements real programs send: the
 * semantic conventions' examples, this project's own, pgbench's, psql's
 * catalog queries, and the lexical corners (comments, quoting, dollar
 * quoting, several statements). */
#include <stdio.h>

#include "sql_summary.h"
#include "test.h"

/* The summary of sql, and the operation and collection it can name. */
static const char *summary(const char *sql) {
  static otel__sql_summary_t s;
  otel__sql_summarize(sql, &s);
  return s.text;
}

static otel__sql_summary_t whole(const char *sql) {
  otel__sql_summary_t s;
  otel__sql_summarize(sql, &s);
  return s;
}

TEST(conventions_examples) {
  CHECK_STR(summary("SELECT *\nFROM   wuser_table\nWHERE  username = ?"), "SELECT wuser_table");
  CHECK_STR(summary("INSERT INTO shipping_details\n            (order_id,\n            address)\n"
                    "SELECT order_id,\n       address\nFROM   orders\nWHERE  order_id = ?"),
            "INSERT shipping_details SELECT orders");
  CHECK_STR(
      summary("SELECT *\nFROM   songs,\n       artists\nWHERE  songs.artist_id == artists.id"),
      "SELECT songs artists");
  CHECK_STR(summary("SELECT order_date\nFROM   (SELECT *\n        FROM   orders o\n"
                    "               JOIN customers c\n"
                    "                 ON o.customer_id = c.customer_id)"),
            "SELECT SELECT orders customers");
  CHECK_STR(summary("SELECT *\nFROM   \"song list\",\n       artists"),
            "SELECT \"song list\" artists");
}

TEST(operation_and_collection_only_when_unambiguous) {
  otel__sql_summary_t s = whole("SELECT title FROM articles WHERE id = $1");
  CHECK_STR(s.operation, "SELECT");
  CHECK_STR(s.collection, "articles");
  CHECK_INT(s.operations, 1);
  CHECK_INT(s.targets, 1);
  s = whole("SELECT * FROM songs, artists");
  CHECK_STR(s.operation, "SELECT");
  CHECK_STR(s.collection, "");
  s = whole("INSERT INTO a SELECT * FROM b");
  CHECK_STR(s.operation, "");
  CHECK_STR(s.collection, "");
  s = whole("BEGIN");
  CHECK_STR(s.text, "BEGIN");
  CHECK_STR(s.operation, "BEGIN");
  CHECK_STR(s.collection, "");
  s = whole("   ");
  CHECK_STR(s.text, "");
  CHECK_INT(s.operations, 0);
}

/* articles' statements, as store.c and outbox_store.c write them. */
TEST(this_projects_statements) {
#define COLUMNS                                                                                    \
  "id, title, body, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
  CHECK_STR(summary("INSERT INTO articles (title, body) VALUES ($1, $2) RETURNING " COLUMNS),
            "INSERT articles");
  CHECK_STR(summary("SELECT " COLUMNS " FROM articles WHERE id = $1"), "SELECT articles");
  CHECK_STR(summary("UPDATE articles SET title = $2, body = $3, updated_at = clock_timestamp() "
                    "WHERE id = $1 RETURNING " COLUMNS),
            "UPDATE articles");
  CHECK_STR(summary("DELETE FROM articles WHERE id = $1"), "DELETE articles");
  CHECK_STR(summary("SELECT (SELECT count(*) FROM articles), page.* FROM (SELECT 1) AS one LEFT "
                    "JOIN (SELECT " COLUMNS " FROM articles ORDER BY id LIMIT $1 OFFSET $2) AS "
                    "page ON true ORDER BY page.id"),
            "SELECT SELECT articles SELECT SELECT articles");
  CHECK_STR(summary("WITH article AS (INSERT INTO articles (title, body) VALUES ($1, $2) "
                    "RETURNING *), outbox AS (INSERT INTO notification_outbox (article_id, title, "
                    "traceparent, tracestate) SELECT id, title, NULLIF($3, ''), NULLIF($4, '') "
                    "FROM article) SELECT " COLUMNS " FROM article"),
            "INSERT articles INSERT notification_outbox SELECT SELECT");
  CHECK_STR(summary("WITH due AS (SELECT id FROM notification_outbox WHERE delivered_at IS NULL "
                    "AND next_attempt_at <= now() ORDER BY next_attempt_at, id LIMIT $1 FOR "
                    "UPDATE SKIP LOCKED), claimed AS (UPDATE notification_outbox o SET "
                    "next_attempt_at = now() + make_interval(secs => $2::float8 / 1000) FROM due "
                    "WHERE o.id = due.id RETURNING o.id) SELECT * FROM claimed ORDER BY id"),
            "SELECT notification_outbox UPDATE notification_outbox SELECT");
  CHECK_STR(summary("UPDATE notification_outbox SET next_attempt_at = now() WHERE id = "
                    "ANY($1::bigint[])"),
            "UPDATE notification_outbox");
#undef COLUMNS
}

TEST(pgbench_statements) {
  CHECK_STR(summary("UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;"),
            "UPDATE pgbench_accounts");
  CHECK_STR(summary("SELECT abalance FROM pgbench_accounts WHERE aid = $1;"),
            "SELECT pgbench_accounts");
  CHECK_STR(summary("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, "
                    "$3, $4, CURRENT_TIMESTAMP);"),
            "INSERT pgbench_history");
  CHECK_STR(summary("BEGIN;"), "BEGIN");
  CHECK_STR(summary("END;"), "END");
  CHECK_STR(summary("truncate table pgbench_accounts, pgbench_branches, pgbench_history, "
                    "pgbench_tellers"),
            "truncate pgbench_accounts pgbench_branches pgbench_history pgbench_tellers");
  CHECK_STR(summary("copy pgbench_accounts from stdin with (freeze on)"), "copy pgbench_accounts");
}

TEST(psql_catalog_query) {
  CHECK_STR(summary("SELECT n.nspname as \"Schema\",\n  c.relname as \"Name\",\n  CASE c.relkind "
                    "WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' END as \"Type\",\n  "
                    "pg_catalog.pg_get_userbyid(c.relowner) as \"Owner\"\nFROM pg_catalog.pg_class "
                    "c\n     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace\n     "
                    "LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam\nWHERE c.relkind IN "
                    "('r','p','v','m','S','f','')\n      AND n.nspname <> 'pg_catalog'\n      AND "
                    "pg_catalog.pg_table_is_visible(c.oid)\nORDER BY 1,2;"),
            "SELECT pg_catalog.pg_class pg_catalog.pg_namespace pg_catalog.pg_am");
}

TEST(comments_quoting_and_case) {
  CHECK_STR(summary("/* app: x */ SELECT -- the title\n \"Title\" FROM \"My Table\" t WHERE x = "
                    "'it''s FROM secret'"),
            "SELECT \"My Table\"");
  CHECK_STR(summary("/* a /* nested FROM x */ SELECT 1 FROM x */ SELECT 2 FROM y"), "SELECT y");
  CHECK_STR(summary("SELECT E'it\\'s FROM secret' FROM t"), "SELECT t");
  CHECK_STR(summary("SELECT * FROM public.\"Order\" WHERE \"from\" = 1"),
            "SELECT public.\"Order\"");
  CHECK_STR(summary("select * from Users u join Orders on u.id = Orders.uid"),
            "select Users Orders");
  CHECK_STR(summary("SELECT U&'\\0441' FROM t"), "SELECT t");
}

TEST(dollar_quoting) {
  CHECK_STR(summary("CREATE OR REPLACE FUNCTION f() RETURNS int AS $body$ SELECT 1 FROM secret; "
                    "$body$ LANGUAGE sql"),
            "CREATE FUNCTION f");
  CHECK_STR(summary("DO $$ BEGIN PERFORM 1 FROM secret; END $$"), "DO");
  CHECK_STR(summary("SELECT $1::text, $$FROM x$$ FROM y"), "SELECT y");
}

TEST(several_statements) {
  CHECK_STR(summary("SELECT 1; INSERT INTO t VALUES (1); COMMIT"), "SELECT INSERT t COMMIT");
  otel__sql_summary_t s = whole("SELECT 1; SELECT 2");
  CHECK_INT(s.operations, 2);
  CHECK_STR(s.operation, "");
}

TEST(ddl_and_commands) {
  CHECK_STR(summary("CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY)"),
            "CREATE TABLE schema_migrations");
  CHECK_STR(summary("DROP INDEX CONCURRENTLY IF EXISTS idx_due"), "DROP INDEX idx_due");
  CHECK_STR(summary("ALTER TABLE ONLY articles ADD COLUMN x int"), "ALTER TABLE articles");
  CHECK_STR(summary("CREATE MATERIALIZED VIEW totals AS SELECT count(*) FROM articles"),
            "CREATE MATERIALIZED VIEW totals SELECT articles");
  CHECK_STR(summary("CREATE UNIQUE INDEX ON t (a)"), "CREATE INDEX");
  CHECK_STR(summary("SET statement_timeout = 5000"), "SET");
  CHECK_STR(summary("EXPLAIN ANALYZE SELECT * FROM t"), "EXPLAIN SELECT t");
  CHECK_STR(summary("LISTEN notification_outbox"), "LISTEN");
  CHECK_STR(summary("COPY (SELECT * FROM t) TO STDOUT"), "COPY SELECT t");
  CHECK_STR(summary("CALL archive_old(30)"), "CALL");
  CHECK_STR(summary("CALL archive_old"), "CALL archive_old");
  CHECK_STR(summary("GRANT SELECT, UPDATE ON articles TO app"), "GRANT");
}

TEST(dml_forms) {
  CHECK_STR(summary("INSERT INTO t (a) VALUES ($1) ON CONFLICT (a) DO UPDATE SET b = 1"),
            "INSERT t");
  CHECK_STR(summary("DELETE FROM a USING b WHERE a.id = b.id"), "DELETE a b");
  CHECK_STR(summary("SELECT a FROM x UNION ALL SELECT a FROM y"), "SELECT x SELECT y");
  CHECK_STR(summary("SELECT * FROM generate_series(1, 3) g"), "SELECT");
  CHECK_STR(summary("SELECT * FROM t, LATERAL (SELECT * FROM u WHERE u.t = t.id) s"),
            "SELECT t SELECT u");
  CHECK_STR(summary("SELECT * FROM ONLY parent p JOIN child c USING (id)"), "SELECT parent child");
  CHECK_STR(summary("SELECT id FROM t WHERE id IN (SELECT tid FROM u) FOR UPDATE OF t"),
            "SELECT t SELECT u");
  CHECK_STR(summary("UPDATE a SET x = b.x FROM b WHERE a.id = b.id"), "UPDATE a b");
  CHECK_STR(summary("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET x = 1"),
            "MERGE t s UPDATE");
  CHECK_STR(summary("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n "
                    "FROM r"),
            "SELECT SELECT SELECT");
}

TEST(summary_is_cut_at_a_word) {
  char sql[4096] = "SELECT * FROM t000";
  for (int i = 1; i < 100; i++)
    snprintf(sql + strlen(sql), sizeof(sql) - strlen(sql), ", t%03d", i);
  otel__sql_summary_t s = whole(sql);
  CHECK_INT(s.targets, 100);
  CHECK(strlen(s.text) <= OTEL__SQL_SUMMARY_MAX);
  CHECK(strlen(s.text) > OTEL__SQL_SUMMARY_MAX - 5);
  size_t n = strlen(s.text);
  CHECK(s.text[n - 4] == 't'); /* the last word whole: "t062" */
}

/* The sanitized text of sql. */
static const char *sanitized(const char *sql) {
  static char out[1024];
  return otel__sql_sanitize(sql, out, sizeof(out));
}

TEST(literals_become_placeholders) {
  CHECK_STR(sanitized("SELECT * FROM t WHERE a = 'x' AND b = 42 AND c = 3.5e10 AND d = E'a\\'b' "
                      "AND e = $1 AND f = TRUE AND g = x'1F'"),
            "SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d = ? AND e = $1 AND f = ? AND "
            "g = ?");
  CHECK_STR(sanitized("SELECT $$secret$$, $tag$x$tag$, col1 FROM t2"), "SELECT ?, ?, col1 FROM t2");
  CHECK_STR(sanitized("UPDATE t SET n = -5, d = DATE '2026-01-01'"),
            "UPDATE t SET n = -?, d = DATE ?");
  CHECK_STR(sanitized("SELECT 1 -- one\n/* 'two' */"), "SELECT ? -- one\n/* 'two' */");
  CHECK_STR(sanitized("SELECT \"it's\" FROM t"), "SELECT \"it's\" FROM t");
  CHECK_STR(sanitized("SELECT 'unterminated"), "SELECT ?");
  CHECK(!otel__sql_has_literal("SELECT * FROM t WHERE id = $1"));
  CHECK(otel__sql_has_literal("SELECT 1"));
  CHECK(otel__sql_has_literal("SELECT 'a'"));
}

TEST(sanitized_text_is_cut_at_a_character) {
  char out[12];
  otel__sql_sanitize("SELECT \"\xc3\xa9t\xc3\xa9\" FROM t", out, sizeof(out));
  CHECK_STR(out, "SELECT \"\xc3\xa9t"); /* 11 bytes would split the second é */
  otel__sql_sanitize("SELECT 'long literal' FROM t", out, 9);
  CHECK_STR(out, "SELECT ?");
}

TEST_MAIN("sql_summary", TEST_CASE(conventions_examples),
          TEST_CASE(operation_and_collection_only_when_unambiguous),
          TEST_CASE(this_projects_statements), TEST_CASE(pgbench_statements),
          TEST_CASE(psql_catalog_query), TEST_CASE(comments_quoting_and_case),
          TEST_CASE(dollar_quoting), TEST_CASE(several_statements), TEST_CASE(ddl_and_commands),
          TEST_CASE(dml_forms), TEST_CASE(summary_is_cut_at_a_word),
          TEST_CASE(literals_become_placeholders), TEST_CASE(sanitized_text_is_cut_at_a_character))
