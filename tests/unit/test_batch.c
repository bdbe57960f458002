/* The batch processor: batching, flush, the schedule delay, a full queue, shutdown. */
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "export/batch.h"
#include "common/clock.h"
#include "test.h"
#include "test_env.h"

/* A fake exporter: records item values in order; can be made to block. */
typedef struct {
  pthread_mutex_t lock;
  pthread_cond_t cond;
  int items[100000];
  int n;
  int calls;
  int max_batch;
  bool blocked;   /* export waits while this is set, or until its deadline */
  int fail_calls; /* this many calls fail first */
  int destroyed;
  otel__interrupt_t *intr; /* a real exporter also stops at shutdown's deadline */
} fake_t;

static int fake_export(void *ud, void *const *items, size_t n, uint64_t deadline) {
  fake_t *f = ud;
  pthread_mutex_lock(&f->lock);
  for (;;) {
    uint64_t hard = otel__interrupt_deadline(f->intr);
    uint64_t until = hard < deadline ? hard : deadline;
    if (!f->blocked || otel__now_mono_ns() >= until)
      break;
    uint64_t tick = otel__deadline_after_ms(5);
    otel__cond_wait_until(&f->cond, &f->lock, tick < until ? tick : until);
  }
  f->calls++;
  int rc = 0;
  if (f->fail_calls > 0) {
    f->fail_calls--;
    rc = -EIO;
  } else {
    for (size_t i = 0; i < n; i++)
      f->items[f->n++] = *(int *)items[i];
  }
  if ((int)n > f->max_batch)
    f->max_batch = (int)n;
  pthread_mutex_unlock(&f->lock);
  return rc;
}

static void fake_free(void *item) { free(item); }
static void fake_destroy(void *ud) { ((fake_t *)ud)->destroyed++; }
static const otel__batch_ops_t OPS = {"items", fake_export, fake_free, fake_destroy, NULL};

static fake_t *fake_new(void) {
  fake_t *f = calloc(1, sizeof(*f));
  pthread_mutex_init(&f->lock, NULL);
  otel__cond_init_monotonic(&f->cond);
  return f;
}

static void fake_unblock(fake_t *f) {
  pthread_mutex_lock(&f->lock);
  f->blocked = false;
  pthread_cond_broadcast(&f->cond);
  pthread_mutex_unlock(&f->lock);
}

static void fake_free_all(fake_t *f) {
  pthread_cond_destroy(&f->cond);
  pthread_mutex_destroy(&f->lock);
  free(f);
}

static int *item(int v) {
  int *p = malloc(sizeof(*p));
  *p = v;
  return p;
}

typedef struct {
  otel__batch_t *batch;
  otel__interrupt_t intr;
  fake_t *fake;
} fixture_t;

static void start(fixture_t *fx, uint32_t delay_ms, uint32_t queue, uint32_t batch) {
  otel__batch_config_t cfg = {delay_ms, queue, batch, 2000};
  fx->fake = fake_new();
  otel__interrupt_init(&fx->intr);
  fx->fake->intr = &fx->intr;
  fx->batch = otel__batch_new(&cfg, &OPS, fx->fake, &fx->intr);
}

static void finish(fixture_t *fx) {
  otel__interrupt_destroy(&fx->intr);
  fake_free_all(fx->fake);
  free(fx->batch); /* shutdown leaves the struct for late pushes; tests own it */
}

TEST(flush_exports_everything_in_order_in_batches) {
  fixture_t fx;
  start(&fx, 60000, 1000, 64);
  for (int i = 0; i < 300; i++)
    CHECK_INT(otel__batch_push(fx.batch, item(i)), 0);
  CHECK_INT(otel__batch_flush(fx.batch, 5000), 0);
  CHECK_INT(fx.fake->n, 300);
  for (int i = 0; i < 300; i++)
    CHECK_INT(fx.fake->items[i], i);
  CHECK(fx.fake->max_batch <= 64);
  otel__batch_stats_t st = otel__batch_stats(fx.batch);
  CHECK_INT(st.queued, 300);
  CHECK_INT(st.exported, 300);
  CHECK_INT(st.dropped, 0);
  CHECK_INT(otel__batch_shutdown(fx.batch, 1000), 0);
  CHECK_INT(fx.fake->destroyed, 1);
  finish(&fx);
}

/* Waits up to 3 s for the exporter to have exported n items. */
static void wait_exported(fixture_t *fx, uint64_t n) {
  uint64_t until = otel__deadline_after_ms(3000);
  while (otel__now_mono_ns() < until && otel__batch_stats(fx->batch).exported < n)
    nanosleep(&(struct timespec){0, 2000000}, NULL);
}

TEST(schedule_delay_exports_without_a_flush) {
  fixture_t fx;
  start(&fx, 20, 100, 50);
  otel__batch_push(fx.batch, item(1));
  wait_exported(&fx, 1);
  CHECK_INT(otel__batch_stats(fx.batch).exported, 1);
  otel__batch_shutdown(fx.batch, 1000);
  finish(&fx);
}

/* A delay of 0 (the configuration file's simple processor): each item is
 * exported as it comes, and the idle thread sleeps rather than spins. */
TEST(no_delay_exports_each_item_and_sleeps_between) {
  fixture_t fx;
  start(&fx, 0, 100, 10);
  otel__batch_push(fx.batch, item(1));
  wait_exported(&fx, 1);
  otel__batch_push(fx.batch, item(2));
  wait_exported(&fx, 2);
  CHECK_INT(otel__batch_stats(fx.batch).exported, 2);
  struct rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  nanosleep(&(struct timespec){0, 200000000}, NULL);
  getrusage(RUSAGE_SELF, &after);
  long cpu_us = (after.ru_utime.tv_sec - before.ru_utime.tv_sec) * 1000000L +
                (after.ru_utime.tv_usec - before.ru_utime.tv_usec) +
                (after.ru_stime.tv_sec - before.ru_stime.tv_sec) * 1000000L +
                (after.ru_stime.tv_usec - before.ru_stime.tv_usec);
  CHECK(cpu_us < 50000); /* a spinning thread would take the whole 200 ms */
  otel__batch_shutdown(fx.batch, 1000);
  finish(&fx);
}

TEST(a_full_batch_is_exported_at_once) {
  fixture_t fx;
  start(&fx, 60000, 100, 10);
  for (int i = 0; i < 10; i++)
    otel__batch_push(fx.batch, item(i));
  wait_exported(&fx, 10);
  CHECK_INT(otel__batch_stats(fx.batch).exported, 10);
  otel__batch_shutdown(fx.batch, 1000);
  finish(&fx);
}

TEST(a_full_queue_drops_and_counts_without_waiting) {
  fixture_t fx;
  start(&fx, 60000, 50, 10);
  fx.fake->blocked = true;
  /* The first batch goes to the blocked exporter; then the queue fills. */
  for (int i = 0; i < 10; i++)
    otel__batch_push(fx.batch, item(i));
  nanosleep(&(struct timespec){0, 50000000}, NULL);
  test_diag_capture();
  int accepted = 0, refused = 0;
  uint64_t t0 = otel__now_mono_ns();
  for (int i = 10; i < 1000; i++) {
    int *p = item(i);
    if (otel__batch_push(fx.batch, p) == 0) {
      accepted++;
    } else {
      refused++;
      free(p);
    }
  }
  uint64_t elapsed_ms = (otel__now_mono_ns() - t0) / 1000000;
  CHECK(elapsed_ms < 500); /* pushes never wait for the exporter */
  CHECK(accepted <= 50);
  CHECK(accepted >= 40);
  CHECK_INT(otel__batch_stats(fx.batch).dropped, refused);
  fake_unblock(fx.fake);
  CHECK_INT(otel__batch_flush(fx.batch, 5000), 0);
  CHECK_INT(fx.fake->n, 10 + accepted);
  char expect[64];
  snprintf(expect, sizeof(expect), "queue full: %d items dropped", refused);
  CHECK(strstr(test_diag_text(), expect));
  otel__batch_shutdown(fx.batch, 1000);
  finish(&fx);
}

TEST(drop_warnings_are_rate_limited) {
  fixture_t fx;
  start(&fx, 1, 10, 10);
  test_diag_capture();
  uint64_t dropped = 0;
  for (int round = 0; round < 50; round++) {
    for (int i = 0; i < 100; i++) {
      int *p = item(i);
      if (otel__batch_push(fx.batch, p)) {
        free(p);
        dropped++;
      }
    }
    nanosleep(&(struct timespec){0, 2000000}, NULL); /* the thread runs many times */
  }
  otel__batch_shutdown(fx.batch, 1000);
  CHECK(dropped > 0);
  int lines = 0;
  for (const char *p = test_diag_text(); (p = strstr(p, "queue full")); p++)
    lines++;
  CHECK(lines >= 1 && lines <= 2); /* within a second, then once at shutdown */
  char total[64];
  snprintf(total, sizeof(total), "(%llu in all)", (unsigned long long)dropped);
  CHECK(strstr(test_diag_text(), total));
  finish(&fx);
}

TEST(failed_exports_are_counted) {
  fixture_t fx;
  start(&fx, 60000, 100, 10);
  fx.fake->fail_calls = 1;
  for (int i = 0; i < 15; i++)
    otel__batch_push(fx.batch, item(i));
  otel__batch_flush(fx.batch, 5000);
  otel__batch_stats_t st = otel__batch_stats(fx.batch);
  CHECK_INT(st.failed, 10);
  CHECK_INT(st.exported, 5);
  otel__batch_shutdown(fx.batch, 1000);
  finish(&fx);
}

TEST(shutdown_drains_the_queue_then_refuses) {
  fixture_t fx;
  start(&fx, 60000, 1000, 100);
  for (int i = 0; i < 250; i++)
    otel__batch_push(fx.batch, item(i));
  CHECK_INT(otel__batch_shutdown(fx.batch, 5000), 0);
  CHECK_INT(fx.fake->n, 250);
  int *late = item(1);
  CHECK_INT(otel__batch_push(fx.batch, late), -ESHUTDOWN);
  free(late);
  finish(&fx);
}

TEST(shutdown_is_bounded_when_the_exporter_hangs) {
  fixture_t fx;
  start(&fx, 10, 1000, 10);
  fx.fake->blocked = true; /* gives up only at its deadline */
  for (int i = 0; i < 100; i++)
    otel__batch_push(fx.batch, item(i));
  nanosleep(&(struct timespec){0, 50000000}, NULL);
  /* one batch in the hung export, the rest in the queue */
  otel__batch_stats_t s = otel__batch_stats(fx.batch);
  CHECK_INT(s.capacity, 1000);
  CHECK(s.inflight > 0 && s.inflight <= 10);
  CHECK_INT(s.size + s.inflight, 100);
  uint64_t t0 = otel__now_mono_ns();
  CHECK_INT(otel__batch_shutdown(fx.batch, 300), -ETIMEDOUT);
  uint64_t ms = (otel__now_mono_ns() - t0) / 1000000;
  CHECK(ms >= 250 && ms < 1500);
  finish(&fx);
}

TEST(flush_times_out_when_the_exporter_hangs) {
  fixture_t fx;
  start(&fx, 60000, 100, 10);
  fx.fake->blocked = true;
  otel__batch_push(fx.batch, item(1));
  CHECK_INT(otel__batch_flush(fx.batch, 100), -ETIMEDOUT);
  CHECK_INT(otel__batch_stats(fx.batch).inflight, 1);
  fake_unblock(fx.fake);
  CHECK_INT(otel__batch_flush(fx.batch, 5000), 0);
  otel__batch_stats_t s = otel__batch_stats(fx.batch);
  CHECK_INT(s.inflight + s.size, 0);
  otel__batch_shutdown(fx.batch, 1000);
  finish(&fx);
}

TEST_MAIN("batch", TEST_CASE(flush_exports_everything_in_order_in_batches),
          TEST_CASE(schedule_delay_exports_without_a_flush),
          TEST_CASE(no_delay_exports_each_item_and_sleeps_between),
          TEST_CASE(a_full_batch_is_exported_at_once),
          TEST_CASE(a_full_queue_drops_and_counts_without_waiting),
          TEST_CASE(drop_warnings_are_rate_limited), TEST_CASE(failed_exports_are_counted),
          TEST_CASE(shutdown_drains_the_queue_then_refuses),
          TEST_CASE(shutdown_is_bounded_when_the_exporter_hangs),
          TEST_CASE(flush_times_out_when_the_exporter_hangs))
