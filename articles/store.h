/*
 * Article storage in PostgreSQL: the articles table's SQL (the outbox's is
 * in outbox_store.h), on the per-thread sessions of db.h.
 */
#ifndef ARTICLES_STORE_H
#define ARTICLES_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct article {
  int64_t id;
  char *title; /* owned */
  char *body;  /* owned */
  char created_at[40];
  char updated_at[40];
} article_t;

typedef struct article_page {
  article_t *items; /* owned */
  size_t n;
  int64_t total;
} article_page_t;

/* Where to connect (a libpq URI), for every thread; copied. Every session
 * runs with statement_timeout set to statement_timeout_ms (0: none), so no
 * query runs forever. outbox: creates also write the notification outbox
 * (article_store_insert_notifying). Not thread-safe: call before use. */
void article_store_configure(const char *conninfo, long statement_timeout_ms, bool outbox);

/* Each returns 0; -ENOENT when there is no such article; -EAGAIN when the
 * database cannot be reached or a statement ran past its timeout; -EIO for
 * any other failure (logged). */
int article_store_insert(const char *title, const char *body, article_t *out);
/* As article_store_insert(), writing in the same statement the article's
 * row of the notification outbox with the create's trace context
 * (traceparent and tracestate, "" for none; borrowed). */
int article_store_insert_notifying(const char *title, const char *body, const char *traceparent,
                                   const char *tracestate, article_t *out);
int article_store_get(int64_t id, article_t *out);
int article_store_update(int64_t id, const char *title, const char *body, article_t *out);
int article_store_delete(int64_t id);
int article_store_list(int64_t limit, int64_t offset, article_page_t *out);
int article_store_ping(void);

void article_free(article_t *a);
void article_page_free(article_page_t *p);

#endif
