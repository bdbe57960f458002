/*
 * The outbox's dispatchers (notify_outbox.h).
 *
 * Each dispatcher thread has its own database connection, LISTENing on
 * "notification_outbox", and its own curl handle. It loops:
 *   1. claim up to BATCH due rows (outbox_store.c: FOR UPDATE SKIP LOCKED,
 *      under a lease), oldest first;
 *   2. deliver them one by one, each in a CONSUMER span continuing the
 *      create's stored trace context, and settle each row: delivered, or
 *      failed and due again after a backoff;
 *   3. when notify is unavailable (no connection, timeout, 5xx) or the
 *      database is, hand back the rows not tried and pause, the pause
 *      doubling from PAUSE_MIN_MS up to retry_max_ms, with jitter;
 *   4. when the claim was not full, wait until the next pending row is due
 *      (at most the poll interval), or until woken.
 * What wakes a dispatcher: a create of its own process (a byte on the work
 * pipe, written only when no byte is waiting there already), a NOTIFY from
 * a dispatcher of any process that hands rows back, finds more due than it
 * can claim at once, or stops with rows pending, and the stop (the stop
 * pipe, never drained). The
 * create itself does not NOTIFY: a transaction that does takes a lock that
 * serialises every such commit (docs/notify.md, measured). A delivery in
 * flight ends within its timeout; the lease is long enough for the
 * deliveries a dispatcher still starts, and one that would end past it
 * hands the rest back.
 */
#include "notify_outbox.h"

#include <errno.h>
#include <fcntl.h>
#include <otel/log.h>
#include <otel/metrics.h>
#include <otel/trace.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db.h"
#include "notify_client.h"
#include "outbox_store.h"

#define CHANNEL "notification_outbox"
#define DESTINATION "notification_outbox"
#define BATCH 32
#define PAUSE_MIN_MS 100
#define MAX_DISPATCHERS 64
#define PURGE_EVERY_MS (3600 * 1000)

static articles_outbox_config_t config;
static long lease_ms;
static pthread_t threads[MAX_DISPATCHERS];
static unsigned started;
static int stop_pipe[2] = {-1, -1}; /* written once, to stop; never drained */
static int work_pipe[2] = {-1, -1}; /* a byte: rows were written here */
static atomic_bool work_signalled;  /* a byte is in work_pipe, or about to be */
static atomic_bool stopping;
static otel_counter_t *deliveries;

static const otel_tracer_t *tracer(void) { return otel_tracer_get("articles", NULL); }

static uint64_t now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

static void set_messaging(otel_span_t *span, const char *operation) {
  otel_attr_t attrs[] = {
      OTEL_ATTR_STR("messaging.system", "postgresql"),
      OTEL_ATTR_STR("messaging.destination.name", DESTINATION),
      OTEL_ATTR_STR("messaging.operation.type", operation),
      OTEL_ATTR_STR("messaging.operation.name", operation),
  };
  otel_span_set_attrs(span, attrs, sizeof(attrs) / sizeof(attrs[0]));
}

int articles_outbox_insert(const char *title, const char *body, article_t *out) {
  otel_span_t *send = otel_span_start(tracer(), "send " DESTINATION, OTEL_SPAN_KIND_PRODUCER, NULL);
  set_messaging(send, "send");
  const otel_span_context_t *sc = otel_span_context(send);
  char traceparent[OTEL_TRACEPARENT_SIZE] = "";
  if (otel_span_context_is_valid(sc))
    otel_traceparent_format(sc, traceparent);
  otel_scope_t scope = otel_span_attach(send);
  int rc = article_store_insert_notifying(title, body, traceparent, sc->trace_state, out);
  otel_scope_end(&scope);
  if (rc == 0 && !atomic_exchange(&work_signalled, true) && write(work_pipe[1], "w", 1) < 0)
    atomic_store(&work_signalled, false); /* the pipe is full: dispatchers are awake anyway */
  if (rc) {
    otel_span_set_str(send, "error.type", rc == -EAGAIN ? "unavailable" : "failed");
    otel_span_set_status(send, OTEL_STATUS_ERROR, "the outbox row was not written");
  }
  otel_span_end(send);
  return rc;
}

/* The wait before the next attempt after p: twice p (PAUSE_MIN_MS at
 * first), at most retry_max_ms, the upper half of it at random. */
static long next_pause(long p, unsigned *seed) {
  long doubled = p <= 0 ? PAUSE_MIN_MS : p * 2;
  long cap = doubled < config.retry_max_ms ? doubled : config.retry_max_ms;
  return cap / 2 + (long)(rand_r(seed) % (unsigned)(cap / 2 + 1));
}

/* The row's own backoff when notify refused it (a 4xx): by its attempts. */
static long refused_retry_ms(int attempts) {
  long ms = PAUSE_MIN_MS;
  for (int i = 0; i < attempts && ms < config.retry_max_ms; i++)
    ms *= 2;
  return ms < config.retry_max_ms ? ms : config.retry_max_ms;
}

/* The create's context, as the parent of the delivery. */
static void stored_context(const articles_outbox_row_t *row, otel_context_t *out) {
  memset(out, 0, sizeof(*out));
  if (otel_traceparent_parse(row->traceparent, &out->span_context))
    return; /* none stored: the delivery starts a trace */
  out->span_context.is_remote = true;
  if (otel_tracestate_parse(row->tracestate, out->span_context.trace_state))
    out->span_context.trace_state[0] = '\0';
}

/* Delivers one row in its CONSUMER span and settles it. Returns 0, -EAGAIN
 * when notify or the database is unavailable (pause), else -EPROTO. */
static int deliver(const articles_outbox_row_t *row, long retry_ms) {
  otel_context_t parent;
  stored_context(row, &parent);
  otel_span_t *span =
      otel_span_start(tracer(), "process " DESTINATION, OTEL_SPAN_KIND_CONSUMER, &parent);
  if (otel_span_context_is_valid(&parent.span_context))
    otel_span_add_link(span, &parent.span_context, NULL, 0);
  set_messaging(span, "process");
  char id[24];
  snprintf(id, sizeof(id), "%lld", (long long)row->id);
  otel_span_set_str(span, "messaging.message.id", id);
  otel_span_set_int(span, "article.id", row->article_id);
  otel_span_set_int(span, "notification.attempt", row->attempts + 1);
  otel_scope_t scope = otel_span_attach(span);

  char error[256] = "";
  int rc = notify_client_send(row->article_id, row->title, row->key, error, sizeof(error));
  const char *outcome = rc == 0 ? "delivered" : rc == -EAGAIN ? "unavailable" : "refused";
  int settled =
      rc == 0 ? articles_outbox_delivered(row->id)
              : articles_outbox_failed(row->id, error,
                                       rc == -EAGAIN ? retry_ms : refused_retry_ms(row->attempts));
  if (rc) {
    otel_attr_t fields[] = {OTEL_ATTR_INT("article_id", row->article_id),
                            OTEL_ATTR_INT("attempt", row->attempts + 1),
                            OTEL_ATTR_STR("error", error)};
    otel_log(OTEL_SEVERITY_WARN, "articles", "notification delivery failed", fields, 3);
    otel_span_set_str(span, "error.type", outcome);
    otel_span_set_status(span, OTEL_STATUS_ERROR, error);
  }
  otel_counter_add(deliveries, 1, &OTEL_ATTR_STR("outcome", outcome), 1);
  otel_scope_end(&scope);
  otel_span_end(span);
  if (settled && rc == 0) /* delivered, not recorded: it will be again, and deduplicated */
    return -EAGAIN;
  return rc;
}

/* Sleeps ms, or less when stopping. */
static void pause_for(long ms) {
  struct pollfd p = {.fd = stop_pipe[0], .events = POLLIN};
  poll(&p, 1, (int)ms);
}

/* Takes the work pipe's bytes: the claim that follows sees the rows they
 * stand for. */
static void take_work_signal(void) {
  char bytes[64];
  atomic_store(&work_signalled, false);
  while (read(work_pipe[0], bytes, sizeof(bytes)) > 0)
    ;
}

/* Rows are due that this dispatcher leaves: others, in any process, may
 * take them now. */
static void call_for_help(void) { articles_db_notify(CHANNEL); }

/* Delivers what it claimed; true when it met an unavailable notify or database. */
static bool deliver_claimed(articles_outbox_row_t *rows, size_t n, uint64_t claimed_at,
                            long retry_ms) {
  size_t done = 0;
  bool unavailable = false;
  while (done < n && !unavailable && !atomic_load(&stopping) &&
         now_ms() - claimed_at + (uint64_t)config.timeout_ms + 1000 < (uint64_t)lease_ms)
    unavailable = deliver(&rows[done++], retry_ms) == -EAGAIN;
  if (done < n) {
    if (articles_outbox_release(rows + done, n - done))
      unavailable = true; /* they come due when their lease ends */
    else
      call_for_help();
  }
  return unavailable;
}

static void purge(void) {
  int64_t deleted = 0;
  if (config.retention_hours > 0 && articles_outbox_purge(config.retention_hours, &deleted) == 0 &&
      deleted > 0)
    otel_log(OTEL_SEVERITY_INFO, "articles", "delivered notifications purged",
             &OTEL_ATTR_INT("rows", deleted), 1);
}

/* Waits for work: until the next pending row is due, the poll interval at
 * most, or until woken. */
static void wait_for_work(void) {
  long ms = config.poll_ms;
  long due;
  if (articles_outbox_next_due(&due) == 0 && due < ms)
    ms = due;
  if (ms <= 0)
    return;
  int fds[] = {stop_pipe[0], work_pipe[0]};
  articles_db_wait(fds, 2, ms);
}

static void *dispatch(void *arg) {
  unsigned seed = (unsigned)(uintptr_t)arg ^ (unsigned)time(NULL);
  bool purger = (uintptr_t)arg == 0;
  uint64_t next_purge = now_ms();
  articles_outbox_row_t *rows = calloc(BATCH, sizeof(*rows));
  long pause = 0;              /* after a failure: before the next claim */
  articles_db_listen(CHANNEL); /* when the database is down, each wait tries again */
  while (rows && !atomic_load(&stopping)) {
    if (pause > 0)
      pause_for(pause);
    if (atomic_load(&stopping))
      break;
    take_work_signal();
    long retry_ms = next_pause(pause, &seed);
    size_t n = 0;
    uint64_t claimed_at = now_ms();
    if (articles_outbox_claim(BATCH, lease_ms, rows, &n)) {
      pause = retry_ms;
      continue;
    }
    if (n == BATCH)
      call_for_help(); /* more may be due than this one can take */
    if (deliver_claimed(rows, n, claimed_at, retry_ms)) {
      pause = retry_ms;
      continue;
    }
    pause = 0;
    if (purger && now_ms() >= next_purge) {
      purge();
      next_purge = now_ms() + PURGE_EVERY_MS;
    }
    if (n < BATCH)
      wait_for_work();
  }
  long due;
  if (articles_outbox_next_due(&due) == 0) /* rows this process would have taken */
    call_for_help();
  free(rows);
  return NULL;
}

/* A pipe with both ends closed on exec, the read end not blocking. */
static int open_pipe(int fds[2]) {
  return pipe(fds) || fcntl(fds[0], F_SETFD, FD_CLOEXEC) || fcntl(fds[1], F_SETFD, FD_CLOEXEC) ||
                 fcntl(fds[0], F_SETFL, O_NONBLOCK) || fcntl(fds[1], F_SETFL, O_NONBLOCK)
             ? -1
             : 0;
}

int articles_outbox_start(const articles_outbox_config_t *c) {
  config = *c;
  if (config.dispatchers > MAX_DISPATCHERS)
    config.dispatchers = MAX_DISPATCHERS;
  if (config.retry_max_ms < PAUSE_MIN_MS)
    config.retry_max_ms = PAUSE_MIN_MS;
  lease_ms = 3 * config.timeout_ms + 5000;
  deliveries = otel_counter("articles", "notifications.deliveries", "1",
                            "Deliveries of outbox notifications to notify, by outcome");
  if (open_pipe(stop_pipe) || open_pipe(work_pipe)) {
    otel_log(OTEL_SEVERITY_ERROR, "articles", "dispatcher pipe failed", NULL, 0);
    return -1;
  }
  for (started = 0; started < config.dispatchers; started++) {
    if (pthread_create(&threads[started], NULL, dispatch, (void *)(uintptr_t)started)) {
      otel_log(OTEL_SEVERITY_ERROR, "articles", "dispatcher thread failed", NULL, 0);
      articles_outbox_stop();
      return -1;
    }
  }
  otel_log(OTEL_SEVERITY_INFO, "articles", "notification dispatchers started",
           &OTEL_ATTR_INT("dispatchers", config.dispatchers), 1);
  return 0;
}

static void close_pipe(int fds[2]) {
  for (int i = 0; i < 2; i++)
    if (fds[i] >= 0)
      close(fds[i]);
  fds[0] = fds[1] = -1;
}

void articles_outbox_stop(void) {
  atomic_store(&stopping, true);
  if (stop_pipe[1] >= 0 && write(stop_pipe[1], "x", 1) < 0)
    otel_log(OTEL_SEVERITY_ERROR, "articles", "dispatcher wake failed", NULL, 0);
  for (unsigned i = 0; i < started; i++)
    pthread_join(threads[i], NULL);
  started = 0;
  close_pipe(stop_pipe);
  close_pipe(work_pipe);
}
