/* Samplers: fixed decisions, the ratio sampler's determinism and proportion, parent-based rules. */
#include <string.h>

#include "common/ids.h"
#include "trace/sampler.h"
#include "test.h"

static uint8_t ZERO_TAIL[16] = {0xaa, 1, 2, 3, 4, 5, 6, 7};
static uint8_t MAX_TAIL[16] = {1,    2,    3,    4,    5,    6,    7,    8,
                               0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

static otel_span_context_t parent(bool sampled) {
  otel_span_context_t p;
  memset(&p, 0, sizeof(p));
  otel__random_id(p.trace_id, 16);
  otel__random_id(p.span_id, 8);
  p.flags = sampled ? 1 : 0;
  p.is_remote = true;
  return p;
}

TEST(fixed_samplers) {
  otel__sampler_t s;
  otel__sampler_init(&s, OTEL__SAMPLER_ALWAYS_ON, 1);
  CHECK(otel__sampler_should_sample(&s, NULL, MAX_TAIL));
  otel_span_context_t unsampled = parent(false);
  CHECK(otel__sampler_should_sample(&s, &unsampled, MAX_TAIL)); /* ignores the parent */
  otel__sampler_init(&s, OTEL__SAMPLER_ALWAYS_OFF, 1);
  CHECK(!otel__sampler_should_sample(&s, NULL, ZERO_TAIL));
}

TEST(ratio_is_deterministic_in_the_trace_id) {
  otel__sampler_t s;
  otel__sampler_init(&s, OTEL__SAMPLER_RATIO, 0.5);
  CHECK(otel__sampler_should_sample(&s, NULL, ZERO_TAIL));
  CHECK(!otel__sampler_should_sample(&s, NULL, MAX_TAIL));
  uint8_t id[16];
  otel__random_id(id, 16);
  bool first = otel__sampler_should_sample(&s, NULL, id);
  for (int i = 0; i < 10; i++)
    CHECK(otel__sampler_should_sample(&s, NULL, id) == first);
}

TEST(ratio_bounds) {
  otel__sampler_t s;
  otel__sampler_init(&s, OTEL__SAMPLER_RATIO, 0.0);
  CHECK(!otel__sampler_should_sample(&s, NULL, ZERO_TAIL));
  otel__sampler_init(&s, OTEL__SAMPLER_RATIO, 1.0);
  CHECK(otel__sampler_should_sample(&s, NULL, MAX_TAIL));
}

TEST(ratio_samples_the_right_proportion) {
  otel__sampler_t s;
  otel__sampler_init(&s, OTEL__SAMPLER_RATIO, 0.25);
  int sampled = 0, n = 40000;
  for (int i = 0; i < n; i++) {
    uint8_t id[16];
    otel__random_id(id, 16);
    sampled += otel__sampler_should_sample(&s, NULL, id);
  }
  /* 0.25 +- 0.015: more than 8 standard deviations either way */
  CHECK(sampled > n * 0.235 && sampled < n * 0.265);
}

TEST(parent_based_follows_a_valid_parent) {
  otel__sampler_t s;
  otel_span_context_t yes = parent(true), no = parent(false);
  otel__sampler_init(&s, OTEL__SAMPLER_PARENT_ALWAYS_ON, 1);
  CHECK(otel__sampler_should_sample(&s, &yes, MAX_TAIL));
  CHECK(!otel__sampler_should_sample(&s, &no, MAX_TAIL));
  CHECK(otel__sampler_should_sample(&s, NULL, MAX_TAIL)); /* root: always_on */
  otel__sampler_init(&s, OTEL__SAMPLER_PARENT_ALWAYS_OFF, 1);
  CHECK(otel__sampler_should_sample(&s, &yes, MAX_TAIL));
  CHECK(!otel__sampler_should_sample(&s, NULL, ZERO_TAIL));
  otel__sampler_init(&s, OTEL__SAMPLER_PARENT_RATIO, 0.0);
  CHECK(otel__sampler_should_sample(&s, &yes, MAX_TAIL));
  CHECK(!otel__sampler_should_sample(&s, NULL, ZERO_TAIL));
  /* an invalid parent counts as none */
  otel_span_context_t invalid;
  memset(&invalid, 0, sizeof(invalid));
  invalid.flags = 1;
  otel__sampler_init(&s, OTEL__SAMPLER_PARENT_ALWAYS_OFF, 1);
  CHECK(!otel__sampler_should_sample(&s, &invalid, ZERO_TAIL));
}

TEST(ids_are_random_and_never_zero) {
  uint8_t a[16], b[16];
  otel__random_id(a, 16);
  otel__random_id(b, 16);
  CHECK(!otel__is_zero(a, 16));
  CHECK(memcmp(a, b, 16) != 0);
  uint8_t one[1];
  for (int i = 0; i < 2000; i++) {
    otel__random_id(one, 1);
    CHECK(one[0] != 0);
  }
}

TEST_MAIN("sampler", TEST_CASE(fixed_samplers), TEST_CASE(ratio_is_deterministic_in_the_trace_id),
          TEST_CASE(ratio_bounds), TEST_CASE(ratio_samples_the_right_proportion),
          TEST_CASE(parent_based_follows_a_valid_parent), TEST_CASE(ids_are_random_and_never_zero))
