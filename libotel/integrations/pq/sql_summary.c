/*
 * SQL summaries and sanitized text (sql_summary.h): a tokenizer of
 * PostgreSQL's lexical rules, then one pass over the tokens that knows where
 * operations and tables stand.
 */
#include "sql_summary.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

typedef enum {
  T_END,
  T_WORD,   /* an unquoted identifier or keyword */
  T_QUOTED, /* "a quoted identifier", U&"..." */
  T_STRING, /* '...', E'...', B'...', X'...', N'...', U&'...', $tag$...$tag$ */
  T_NUMBER,
  T_PARAM, /* $1 */
  T_PUNCT, /* one character */
} kind_t;

typedef struct {
  kind_t kind;
  const char *p; /* the token's text, and its length */
  size_t n;
} token_t;

static bool ident_start(unsigned char c) { return isalpha(c) || c == '_' || c >= 0x80; }
static bool ident_char(unsigned char c) { return isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

/* Past white space and comments (line comments, and block comments, which
 * nest in PostgreSQL). */
static const char *skip_space(const char *s) {
  for (;;) {
    while (isspace((unsigned char)*s))
      s++;
    if (s[0] == '-' && s[1] == '-') {
      while (*s && *s != '\n')
        s++;
    } else if (s[0] == '/' && s[1] == '*') {
      int depth = 0;
      do {
        if (s[0] == '/' && s[1] == '*')
          depth++, s += 2;
        else if (s[0] == '*' && s[1] == '/')
          depth--, s += 2;
        else
          s++;
      } while (*s && depth > 0);
    } else {
      return s;
    }
  }
}

/* Past a quoted run that starts at s (on its quote), where the quote
 * doubled stands for itself and, with backslashes, \x for x. */
static const char *skip_quoted(const char *s, char quote, bool backslashes) {
  for (s++; *s; s++) {
    if (backslashes && *s == '\\' && s[1])
      s++;
    else if (*s == quote && s[1] == quote)
      s++;
    else if (*s == quote)
      return s + 1;
  }
  return s;
}

/* The length of a dollar quote's tag "$tag$" at s, or 0 when s starts none. */
static size_t dollar_tag(const char *s) {
  size_t n = 1;
  if (ident_start((unsigned char)s[n]))
    while (ident_char((unsigned char)s[n]) && s[n] != '$')
      n++;
  return s[n] == '$' ? n + 1 : 0;
}

static const char *next_token(const char *s, token_t *t) {
  s = skip_space(s);
  t->p = s;
  const char *e = s;
  unsigned char c = (unsigned char)*s;
  if (!c) {
    t->kind = T_END;
  } else if (c == '\'') {
    t->kind = T_STRING, e = skip_quoted(s, '\'', false);
  } else if ((c == 'E' || c == 'e') && s[1] == '\'') {
    t->kind = T_STRING, e = skip_quoted(s + 1, '\'', true);
  } else if (strchr("BbXxNn", c) && s[1] == '\'') {
    t->kind = T_STRING, e = skip_quoted(s + 1, '\'', false);
  } else if ((c == 'U' || c == 'u') && s[1] == '&' && (s[2] == '\'' || s[2] == '"')) {
    t->kind = s[2] == '\'' ? T_STRING : T_QUOTED, e = skip_quoted(s + 2, s[2], false);
  } else if (c == '"') {
    t->kind = T_QUOTED, e = skip_quoted(s, '"', false);
  } else if (c == '$' && isdigit((unsigned char)s[1])) {
    t->kind = T_PARAM;
    for (e = s + 1; isdigit((unsigned char)*e); e++)
      ;
  } else if (c == '$' && dollar_tag(s)) {
    size_t n = dollar_tag(s);
    const char *end;
    for (end = s + n; *end && strncmp(end, s, n); end++)
      ;
    t->kind = T_STRING, e = *end ? end + n : end;
  } else if (isdigit(c) || (c == '.' && isdigit((unsigned char)s[1]))) {
    t->kind = T_NUMBER;
    e = s;
    if (c == '0' && s[1] && strchr("xXoObB", s[1]) && isxdigit((unsigned char)s[2])) {
      for (e = s + 2; isalnum((unsigned char)*e) || *e == '_'; e++)
        ;
    } else {
      while (isdigit((unsigned char)*e) || *e == '_')
        e++;
      if (*e == '.' && e[1] != '.')
        for (e++; isdigit((unsigned char)*e) || *e == '_'; e++)
          ;
      if ((*e == 'e' || *e == 'E') &&
          (isdigit((unsigned char)e[1]) ||
           ((e[1] == '+' || e[1] == '-') && isdigit((unsigned char)e[2]))))
        for (e += 2; isdigit((unsigned char)*e); e++)
          ;
    }
  } else if (ident_start(c)) {
    t->kind = T_WORD;
    for (e = s; ident_char((unsigned char)*e); e++)
      ;
  } else {
    t->kind = T_PUNCT, e = s + 1;
  }
  t->n = (size_t)(e - s);
  return e;
}

static bool is(const token_t *t, const char *word) {
  return t->kind == T_WORD && t->n == strlen(word) && !strncasecmp(t->p, word, t->n);
}

static bool is_punct(const token_t *t, char c) { return t->kind == T_PUNCT && t->p[0] == c; }

static bool is_any(const token_t *t, const char *const *words) {
  for (; *words; words++)
    if (is(t, *words))
      return true;
  return false;
}

/* Words that end a FROM list or cannot be a table's alias. */
static const char *const CLAUSE_WORDS[] = {
    "WHERE",  "GROUP",     "ORDER",   "LIMIT", "OFFSET",  "HAVING",     "WINDOW",      "UNION",
    "EXCEPT", "INTERSECT", "ON",      "USING", "JOIN",    "INNER",      "LEFT",        "RIGHT",
    "FULL",   "CROSS",     "NATURAL", "OUTER", "SET",     "RETURNING",  "VALUES",      "SELECT",
    "FOR",    "FETCH",     "AS",      "WITH",  "DEFAULT", "OVERRIDING", "TABLESAMPLE", "LATERAL",
    "ONLY",   "WHEN",      "THEN",    "DO",    "INTO",    "FROM",       NULL};

/* The operations a summary names wherever they stand, unless a word before
 * them makes them something else (FOR UPDATE, ON DELETE, DO UPDATE). */
static const char *const DML[] = {"SELECT", "INSERT", "UPDATE", "DELETE", "MERGE", NULL};
static const char *const NOT_AFTER[] = {"FOR", "KEY", "ON", "DO", "GRANT", "REVOKE", NULL};
/* Commands whose object kind belongs to the operation: CREATE TABLE. */
static const char *const DDL[] = {"CREATE", "ALTER", "DROP", "COMMENT", NULL};
/* Words between a DDL command and its object kind, left out of the operation. */
static const char *const DDL_SKIP[] = {"OR",     "REPLACE",      "TEMP",  "TEMPORARY", "UNLOGGED",
                                       "UNIQUE", "GLOBAL",       "LOCAL", "IF",        "NOT",
                                       "EXISTS", "CONCURRENTLY", "ONLY",  NULL};
/* Object kinds of DDL. */
static const char *const DDL_KINDS[] = {
    "TABLE",  "VIEW",   "INDEX",     "SEQUENCE",  "FUNCTION", "PROCEDURE", "TRIGGER",
    "SCHEMA", "TYPE",   "DATABASE",  "EXTENSION", "ROLE",     "USER",      "MATERIALIZED",
    "DOMAIN", "POLICY", "AGGREGATE", "RULE",      NULL};
/* Commands whose next names are tables (TRUNCATE a, b; COPY t; LOCK t). */
static const char *const TABLE_COMMANDS[] = {"TRUNCATE", "COPY",    "LOCK", "VACUUM", "ANALYZE",
                                             "CLUSTER",  "REINDEX", "CALL", NULL};

#define MAX_CTES 16
#define MAX_DEPTH 32

typedef struct {
  otel__sql_summary_t *out;
  size_t len; /* of out->text */
  bool full;  /* a word did not fit: the summary stops there */
  token_t ctes[MAX_CTES];
  size_t n_ctes;
} builder_t;

static void add_word(builder_t *b, const char *p, size_t n) {
  if (b->full)
    return;
  size_t need = n + (b->len ? 1 : 0);
  if (b->len + need > OTEL__SQL_SUMMARY_MAX) {
    b->full = true;
    return;
  }
  if (b->len)
    b->out->text[b->len++] = ' ';
  memcpy(b->out->text + b->len, p, n);
  b->len += n;
  b->out->text[b->len] = '\0';
}

static void copy_field(char *dst, size_t size, const char *p, size_t n) {
  if (n >= size)
    n = size - 1;
  memcpy(dst, p, n);
  dst[n] = '\0';
}

static void add_operation(builder_t *b, const char *p, size_t n) {
  if (b->out->operations++ == 0)
    copy_field(b->out->operation, sizeof(b->out->operation), p, n);
  add_word(b, p, n);
}

static bool is_cte(const builder_t *b, const token_t *name) {
  for (size_t i = 0; i < b->n_ctes; i++)
    if (b->ctes[i].n == name->n && !strncasecmp(b->ctes[i].p, name->p, name->n))
      return true;
  return false;
}

/* A name: a word that is no clause word, or a quoted identifier. */
static bool is_name(const token_t *t) {
  return t->kind == T_QUOTED || (t->kind == T_WORD && !is_any(t, CLAUSE_WORDS));
}

/* Reads a qualified name (a.b."c") starting at token t: its extent into
 * *name, the token after it into *t; returns where to read on. */
static const char *read_name(const char *s, token_t *t, token_t *name) {
  *name = *t;
  for (;;) {
    token_t dot, part;
    const char *p = next_token(s, &dot);
    if (!is_punct(&dot, '.'))
      break;
    const char *q = next_token(p, &part);
    if (part.kind != T_WORD && part.kind != T_QUOTED)
      break;
    name->n = (size_t)(part.p + part.n - name->p);
    s = q;
  }
  return next_token(s, t);
}

/* Appends a word to a joined operation ("CREATE" "TABLE"), one space apart. */
static void join_word(char *out, size_t size, size_t *len, const token_t *w) {
  if (*len + (*len ? 1 : 0) + w->n >= size)
    return;
  if (*len)
    out[(*len)++] = ' ';
  memcpy(out + *len, w->p, w->n);
  *len += w->n;
  out[*len] = '\0';
}

/* Adds the table named at t (read with read_name()) unless it is a WITH
 * query's name, or, in a FROM list, a function called there, or no
 * operation came before it; skips an alias after it. Returns where to go on. */
static const char *take_target(builder_t *b, const char *s, token_t *t, bool in_from) {
  token_t name;
  s = read_name(s, t, &name);
  if (b->out->operations && !(in_from && is_punct(t, '(')) && !is_cte(b, &name)) {
    if (b->out->targets++ == 0)
      copy_field(b->out->collection, sizeof(b->out->collection), name.p, name.n);
    add_word(b, name.p, name.n);
  }
  if (is(t, "AS"))
    s = next_token(s, t);
  if (t->kind == T_WORD && !is_any(t, CLAUSE_WORDS) && !is_any(t, DML))
    s = next_token(s, t);
  return s;
}

void otel__sql_summarize(const char *sql, otel__sql_summary_t *out) {
  memset(out, 0, sizeof(*out));
  builder_t b = {.out = out};
  token_t t, prev = {T_END, "", 0};
  bool want_target = false; /* the next name is a table */
  /* Per parenthesis depth: in a FROM or table list (a comma brings another
   * table); the next name is a WITH query's; a WITH list is open (a comma
   * brings another of its names). */
  bool from_list[MAX_DEPTH] = {0}, with_name[MAX_DEPTH] = {0}, with_open[MAX_DEPTH] = {0};
  int depth = 0;
  bool start = true;   /* at a statement's first word */
  bool copy = false;   /* in COPY, whose FROM and TO name files */
  bool opaque = false; /* in GRANT or REVOKE, whose words are privileges */
  const char *s = next_token(sql ? sql : "", &t);
  while (t.kind != T_END) {
    bool at_start = start;
    start = false;
    if (opaque && !is_punct(&t, ';')) {
      /* nothing in it is an operation or a table */
    } else if (is_punct(&t, ';')) {
      start = true, want_target = false, depth = 0, copy = opaque = false;
      memset(from_list, 0, sizeof(from_list));
      memset(with_name, 0, sizeof(with_name));
      memset(with_open, 0, sizeof(with_open));
    } else if (is_punct(&t, '(')) {
      if (depth + 1 < MAX_DEPTH)
        depth++;
      from_list[depth] = with_name[depth] = with_open[depth] = false;
      want_target = false;
    } else if (is_punct(&t, ')')) {
      if (depth > 0)
        depth--;
    } else if (is_punct(&t, ',')) {
      if (with_open[depth])
        with_name[depth] = true;
      else if (from_list[depth])
        want_target = true;
    } else if (is(&t, "WITH") && (at_start || is_punct(&prev, '(') || is(&prev, "AS"))) {
      with_name[depth] = with_open[depth] = true;
    } else if (with_name[depth] && is_name(&t) && !is(&t, "RECURSIVE")) {
      if (b.n_ctes < MAX_CTES)
        b.ctes[b.n_ctes++] = t;
      with_name[depth] = false;
    } else if (at_start && is_any(&t, DDL)) {
      /* CREATE [OR REPLACE ...] TABLE name: the command and its object kind */
      char op[64] = "";
      size_t n = 0;
      join_word(op, sizeof(op), &n, &t);
      s = next_token(s, &t);
      bool kind = false;
      for (; t.kind == T_WORD && (is_any(&t, DDL_SKIP) || is_any(&t, DDL_KINDS));
           s = next_token(s, &t))
        if (is_any(&t, DDL_KINDS))
          join_word(op, sizeof(op), &n, &t), kind = true;
      add_operation(&b, op, n);
      if (kind && is_name(&t)) {
        prev = t;
        s = take_target(&b, s, &t, false);
      }
      continue;
    } else if (is_any(&t, DML) && !(prev.kind == T_WORD && is_any(&prev, NOT_AFTER))) {
      add_operation(&b, t.p, t.n);
      with_open[depth] = false;
      want_target = is(&t, "UPDATE"); /* the others' tables follow FROM or INTO */
    } else if (at_start && (is(&t, "GRANT") || is(&t, "REVOKE"))) {
      add_operation(&b, t.p, t.n);
      opaque = true;
    } else if (at_start && is_any(&t, TABLE_COMMANDS)) {
      add_operation(&b, t.p, t.n);
      want_target = from_list[depth] = true;
      copy = is(&t, "COPY");
    } else if (copy && depth == 0 && (is(&t, "FROM") || is(&t, "TO"))) {
      from_list[depth] = want_target = false;
    } else if (at_start && t.kind == T_WORD) {
      add_operation(&b, t.p, t.n); /* BEGIN, SET, SHOW, EXPLAIN (whose query follows) */
    } else if (is(&t, "FROM") || is(&t, "JOIN") || is(&t, "USING")) {
      from_list[depth] = want_target = true;
    } else if (is(&t, "INTO") || (is(&t, "TABLE") && prev.kind == T_WORD)) {
      want_target = true;
    } else if (is(&t, "ONLY") || is(&t, "LATERAL")) {
      /* FROM ONLY t, JOIN LATERAL (...): the table, or the query, follows */
    } else if (t.kind == T_WORD && is_any(&t, CLAUSE_WORDS)) {
      static const char *const JOINS[] = {"INNER", "LEFT",    "RIGHT", "FULL",
                                          "CROSS", "NATURAL", "OUTER", NULL};
      if (!is_any(&t, JOINS))
        from_list[depth] = false;
      want_target = false;
    } else if (want_target && is_name(&t)) {
      prev = t;
      s = take_target(&b, s, &t, from_list[depth]);
      want_target = false;
      continue;
    }
    prev = t;
    s = next_token(s, &t);
  }
  if (out->operations != 1 || out->targets > 1)
    out->collection[0] = '\0';
  if (out->operations != 1)
    out->operation[0] = '\0';
}

bool otel__sql_has_literal(const char *sql) {
  token_t t;
  for (const char *s = next_token(sql, &t); t.kind != T_END; s = next_token(s, &t))
    if (t.kind == T_STRING || t.kind == T_NUMBER || is(&t, "TRUE") || is(&t, "FALSE"))
      return true;
  return false;
}

/* Appends n bytes of p to out (size with the NUL) at *len, stopping at a
 * UTF-8 character's start when it does not fit; false once full. */
static bool append(char *out, size_t size, size_t *len, const char *p, size_t n) {
  if (*len + n < size) {
    memcpy(out + *len, p, n);
    *len += n;
    return true;
  }
  size_t room = size - 1 - *len;
  while (room > 0 && ((unsigned char)p[room] & 0xC0) == 0x80)
    room--;
  memcpy(out + *len, p, room);
  *len += room;
  return false;
}

char *otel__sql_sanitize(const char *sql, char *out, size_t size) {
  if (!size)
    return out;
  size_t len = 0;
  token_t t;
  const char *gap = sql;
  for (const char *s = next_token(sql, &t); t.kind != T_END; s = next_token(s, &t)) {
    bool literal = t.kind == T_STRING || t.kind == T_NUMBER || is(&t, "TRUE") || is(&t, "FALSE");
    if (!append(out, size, &len, gap, (size_t)(t.p - gap)) ||
        !append(out, size, &len, literal ? "?" : t.p, literal ? 1 : t.n))
      break;
    gap = s;
  }
  if (t.kind == T_END)
    append(out, size, &len, gap, strlen(gap));
  out[len] = '\0';
  return out;
}
