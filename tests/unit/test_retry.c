/* Retry decisions: which answers are retried, the backoff's growth and jitter, Retry-After. */
#include "export/retry.h"
#include "test.h"

TEST(retryable_statuses) {
  CHECK(otel__retry_status(429));
  CHECK(otel__retry_status(502));
  CHECK(otel__retry_status(503));
  CHECK(otel__retry_status(504));
  CHECK(!otel__retry_status(400));
  CHECK(!otel__retry_status(401));
  CHECK(!otel__retry_status(404));
  CHECK(!otel__retry_status(413));
  CHECK(!otel__retry_status(500));
  CHECK(!otel__retry_status(501));
}

TEST(backoff_grows_with_equal_jitter) {
  /* jitter 0 gives the fixed half, a large jitter at most the whole ceiling */
  CHECK_INT(otel__retry_delay_ms(0, -1, 0, 60000), OTEL__RETRY_INITIAL_MS / 2);
  CHECK_INT(otel__retry_delay_ms(0, -1, OTEL__RETRY_INITIAL_MS / 2, 60000), OTEL__RETRY_INITIAL_MS);
  CHECK_INT(otel__retry_delay_ms(1, -1, 0, 60000), OTEL__RETRY_INITIAL_MS);
  CHECK_INT(otel__retry_delay_ms(2, -1, 0, 60000), OTEL__RETRY_INITIAL_MS * 2);
  for (uint64_t j = 0; j < 5000; j += 37) {
    int64_t d = otel__retry_delay_ms(3, -1, j, 60000);
    CHECK(d >= OTEL__RETRY_INITIAL_MS * 4 && d <= OTEL__RETRY_INITIAL_MS * 8);
  }
}

TEST(backoff_is_capped) {
  CHECK_INT(otel__retry_delay_ms(30, -1, 0, 600000), OTEL__RETRY_MAX_MS / 2);
  CHECK(otel__retry_delay_ms(1000, -1, UINT64_MAX, 600000) <= OTEL__RETRY_MAX_MS);
}

TEST(retry_after_wins_and_is_capped) {
  CHECK_INT(otel__retry_delay_ms(0, 3000, 12345, 60000), 3000);
  CHECK_INT(otel__retry_delay_ms(5, 0, 12345, 60000), 0);
  CHECK_INT(otel__retry_delay_ms(0, 3600000, 0, 600000), OTEL__RETRY_AFTER_MAX_MS);
}

TEST(gives_up_when_the_wait_outlasts_the_deadline) {
  CHECK_INT(otel__retry_delay_ms(0, -1, 0, 100), -1);
  CHECK_INT(otel__retry_delay_ms(0, 5000, 0, 4999), -1);
  CHECK_INT(otel__retry_delay_ms(0, 5000, 0, 5001), 5000);
}

TEST(retry_after_parsing) {
  time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
  CHECK_INT(otel__retry_after_parse("0", now), 0);
  CHECK_INT(otel__retry_after_parse("120", now), 120000);
  CHECK_INT(otel__retry_after_parse("Sun, 06 Nov 1994 08:49:47 GMT", now), 10000);
  CHECK_INT(otel__retry_after_parse("Sun, 06 Nov 1994 08:49:00 GMT", now), 0);
  CHECK_INT(otel__retry_after_parse(NULL, now), -1);
  CHECK_INT(otel__retry_after_parse("", now), -1);
  CHECK_INT(otel__retry_after_parse("-1", now), -1);
  CHECK_INT(otel__retry_after_parse("12s", now), -1);
  CHECK_INT(otel__retry_after_parse("999999999", now), -1);
  CHECK_INT(otel__retry_after_parse("Sunday, 06-Nov-94 08:49:37 GMT", now), -1);
  CHECK_INT(otel__retry_after_parse("Sun, 06 Foo 1994 08:49:37 GMT", now), -1);
  CHECK_INT(otel__retry_after_parse("Sun, 06 Nov 1994 08:49:37 UTC", now), -1);
}

TEST_MAIN("retry", TEST_CASE(retryable_statuses), TEST_CASE(backoff_grows_with_equal_jitter),
          TEST_CASE(backoff_is_capped), TEST_CASE(retry_after_wins_and_is_capped),
          TEST_CASE(gives_up_when_the_wait_outlasts_the_deadline), TEST_CASE(retry_after_parsing))
