/* articles' circuit breaker in front of notify: it opens after the
 * configured run of failures, skips calls for the cool-down, lets one probe
 * through at a time, and the probe's outcome decides. */
#include "breaker.h"
#include "test.h"

#define B_CALL ARTICLES_BREAKER_CALL
#define B_PROBE ARTICLES_BREAKER_PROBE
#define B_SKIP ARTICLES_BREAKER_SKIP

static articles_breaker_t b;

/* n failed calls at time now; what the last one changed, or -1 when one
 * of them was not let through. */
static int fail_calls(int n, uint64_t now) {
  int last = ARTICLES_BREAKER_UNCHANGED;
  for (int i = 0; i < n; i++) {
    if (articles_breaker_admit(&b, now) != B_CALL)
      return -1;
    last = (int)articles_breaker_record(&b, B_CALL, true, now);
  }
  return last;
}

TEST(it_opens_after_the_threshold_of_consecutive_failures) {
  articles_breaker_init(&b, 5, 5000);
  CHECK_INT(fail_calls(4, 100), ARTICLES_BREAKER_UNCHANGED);
  CHECK_INT(articles_breaker_state(&b), ARTICLES_BREAKER_CLOSED);
  CHECK_INT(fail_calls(1, 100), ARTICLES_BREAKER_OPENED);
  CHECK_INT(articles_breaker_state(&b), ARTICLES_BREAKER_OPEN);
  CHECK_INT(articles_breaker_admit(&b, 101), B_SKIP);
  CHECK_INT(articles_breaker_admit(&b, 5099), B_SKIP);
}

TEST(a_success_resets_the_count) {
  articles_breaker_init(&b, 3, 1000);
  fail_calls(2, 0);
  CHECK_INT(articles_breaker_admit(&b, 0), B_CALL);
  CHECK_INT(articles_breaker_record(&b, B_CALL, false, 0), ARTICLES_BREAKER_UNCHANGED);
  CHECK_INT(fail_calls(2, 0), ARTICLES_BREAKER_UNCHANGED);
  CHECK_INT(articles_breaker_state(&b), ARTICLES_BREAKER_CLOSED);
}

TEST(after_the_cool_down_one_probe_at_a_time) {
  articles_breaker_init(&b, 1, 1000);
  fail_calls(1, 50);
  CHECK_INT(articles_breaker_admit(&b, 1049), B_SKIP);
  CHECK_INT(articles_breaker_admit(&b, 1050), B_PROBE);
  CHECK_INT(articles_breaker_state(&b), ARTICLES_BREAKER_HALF_OPEN);
  CHECK_INT(articles_breaker_admit(&b, 1051), B_SKIP);
  CHECK_INT(articles_breaker_admit(&b, 9999), B_SKIP); /* the probe is still out */
}

TEST(a_probe_that_succeeds_closes_it) {
  articles_breaker_init(&b, 2, 1000);
  fail_calls(2, 0);
  CHECK_INT(articles_breaker_admit(&b, 1000), B_PROBE);
  CHECK_INT(articles_breaker_record(&b, B_PROBE, false, 1200), ARTICLES_BREAKER_CLOSED_AGAIN);
  CHECK_INT(articles_breaker_state(&b), ARTICLES_BREAKER_CLOSED);
  /* and it counts afresh */
  CHECK_INT(fail_calls(1, 1300), ARTICLES_BREAKER_UNCHANGED);
  CHECK_INT(fail_calls(1, 1300), ARTICLES_BREAKER_OPENED);
}

TEST(a_probe_that_fails_opens_it_for_another_cool_down) {
  articles_breaker_init(&b, 2, 1000);
  fail_calls(2, 0);
  CHECK_INT(articles_breaker_admit(&b, 1000), B_PROBE);
  CHECK_INT(articles_breaker_record(&b, B_PROBE, true, 1500), ARTICLES_BREAKER_REOPENED);
  CHECK_INT(articles_breaker_state(&b), ARTICLES_BREAKER_OPEN);
  CHECK_INT(articles_breaker_admit(&b, 2499), B_SKIP);
  CHECK_INT(articles_breaker_admit(&b, 2500), B_PROBE);
}

TEST(late_outcomes_of_calls_made_while_closed_change_nothing) {
  articles_breaker_init(&b, 2, 1000);
  CHECK_INT(articles_breaker_admit(&b, 0), B_CALL); /* in flight while it opens */
  fail_calls(2, 0);
  CHECK_INT(articles_breaker_record(&b, B_CALL, false, 10), ARTICLES_BREAKER_UNCHANGED);
  CHECK_INT(articles_breaker_state(&b), ARTICLES_BREAKER_OPEN);
  CHECK_INT(articles_breaker_admit(&b, 10), B_SKIP);
}

TEST(state_names) {
  CHECK_STR(articles_breaker_state_name(ARTICLES_BREAKER_CLOSED), "closed");
  CHECK_STR(articles_breaker_state_name(ARTICLES_BREAKER_OPEN), "open");
  CHECK_STR(articles_breaker_state_name(ARTICLES_BREAKER_HALF_OPEN), "half_open");
}

TEST_MAIN("breaker", TEST_CASE(it_opens_after_the_threshold_of_consecutive_failures),
          TEST_CASE(a_success_resets_the_count), TEST_CASE(after_the_cool_down_one_probe_at_a_time),
          TEST_CASE(a_probe_that_succeeds_closes_it),
          TEST_CASE(a_probe_that_fails_opens_it_for_another_cool_down),
          TEST_CASE(late_outcomes_of_calls_made_while_closed_change_nothing),
          TEST_CASE(state_names))
