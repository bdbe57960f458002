/*
 * What a database span says of a statement, read from its SQL text alone:
 * the summary the database semantic conventions describe (each operation
 * and the tables it names, in the order they appear, as written: "SELECT
 * articles", "INSERT shipping_details SELECT orders"), and the text with its
 * literals replaced by "?" for statements sent without parameters.
 *
 * A small tokenizer of PostgreSQL's lexical rules (comments, nested block
 * comments, quoted identifiers, string, escape, bit and dollar-quoted
 * literals, numbers, $n parameters), not a parser: it finds operations at
 * the start of a statement or of a parenthesised query, and the tables after
 * FROM, JOIN, INTO, UPDATE, TABLE and the like. Names a WITH clause defines
 * are not tables. Pure functions of their input; thread-safe.
 */
#ifndef OTEL_SQL_SUMMARY_H
#define OTEL_SQL_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>

#define OTEL__SQL_SUMMARY_MAX 255 /* the conventions' bound, in bytes here */

typedef struct otel__sql_summary {
  /* "{operation} {target} {target} {operation} ...", cut at a word within
   * OTEL__SQL_SUMMARY_MAX; "" when no operation was found. */
  char text[OTEL__SQL_SUMMARY_MAX + 1];
  size_t operations, targets; /* how many it names (also past the cut) */
  /* The operation and the target when the statement has exactly one of
   * each (or one operation and no target), else "": what db.operation.name
   * and db.collection.name may say without guessing. */
  char operation[64];
  char collection[128];
} otel__sql_summary_t;

/* Summarises sql (NUL-terminated) into *out. */
void otel__sql_summarize(const char *sql, otel__sql_summary_t *out);

/* Writes sql into out (size bytes with the NUL) with each literal (string,
 * number, bit string, dollar-quoted string, TRUE and FALSE) replaced by "?",
 * and comments kept as they are; cut to fit at a character boundary. Returns
 * out. */
char *otel__sql_sanitize(const char *sql, char *out, size_t size);

/* Whether sql holds a literal that otel__sql_sanitize() would replace. */
bool otel__sql_has_literal(const char *sql);

#endif
