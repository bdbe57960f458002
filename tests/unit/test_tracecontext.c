/* traceparent and tracestate: every rejection rule of W3C Trace Context, and what is accepted. */
#include <errno.h>
#include <otel/context.h>

#include "test.h"

#define TID "4bf92f3577b34da6a3ce929d0e0e4736"
#define SID "00f067aa0ba902b7"

static int parse(const char *v) {
  otel_span_context_t sc;
  return otel_traceparent_parse(v, &sc);
}

TEST(accepts_valid_version_00) {
  otel_span_context_t sc;
  CHECK_INT(otel_traceparent_parse("00-" TID "-" SID "-01", &sc), 0);
  CHECK_INT(sc.trace_id[0], 0x4b);
  CHECK_INT(sc.trace_id[15], 0x36);
  CHECK_INT(sc.span_id[7], 0xb7);
  CHECK_INT(sc.flags, 1);
  CHECK(sc.is_remote);
  CHECK_INT(otel_traceparent_parse("00-" TID "-" SID "-00", &sc), 0);
  CHECK_INT(sc.flags, 0);
}

TEST(rejects_missing_and_wrong_length) {
  CHECK_INT(otel_traceparent_parse(NULL, &(otel_span_context_t){0}), -EINVAL);
  CHECK_INT(parse(""), -EINVAL);
  CHECK_INT(parse("00-" TID "-" SID "-0"), -EINVAL);
  CHECK_INT(parse("00-" TID "-" SID "-011"), -EINVAL);
  CHECK_INT(parse("00-" TID "0-" SID "-01"), -EINVAL);
  CHECK_INT(parse("00-" TID "-" SID "0-01"), -EINVAL);
  /* version 00 allows nothing after the flags */
  CHECK_INT(parse("00-" TID "-" SID "-01-extra"), -EINVAL);
}

TEST(rejects_uppercase_and_non_hex) {
  CHECK_INT(parse("00-4BF92F3577B34DA6A3CE929D0E0E4736-" SID "-01"), -EINVAL);
  CHECK_INT(parse("00-" TID "-00F067AA0BA902B7-01"), -EINVAL);
  CHECK_INT(parse("00-" TID "-" SID "-0A"), -EINVAL);
  CHECK_INT(parse("0A-" TID "-" SID "-01"), -EINVAL);
  CHECK_INT(parse("00-4bf92f3577b34da6a3ce929d0e0e473g-" SID "-01"), -EINVAL);
  CHECK_INT(parse("00-" TID "-" SID "-0x"), -EINVAL);
}

TEST(rejects_all_zero_ids) {
  CHECK_INT(parse("00-00000000000000000000000000000000-" SID "-01"), -EINVAL);
  CHECK_INT(parse("00-" TID "-0000000000000000-01"), -EINVAL);
}

TEST(rejects_version_ff) { CHECK_INT(parse("ff-" TID "-" SID "-01"), -EINVAL); }

TEST(rejects_wrong_separators) {
  CHECK_INT(parse("00_" TID "-" SID "-01"), -EINVAL);
  CHECK_INT(parse("00-" TID "_" SID "-01"), -EINVAL);
  CHECK_INT(parse("00-" TID "-" SID "_01"), -EINVAL);
}

TEST(optional_white_space_around_traceparent_is_trimmed) {
  CHECK_INT(parse(" 00-" TID "-" SID "-01"), 0);
  CHECK_INT(parse("00-" TID "-" SID "-01 "), 0);
  CHECK_INT(parse("\t00-" TID "-" SID "-01\t"), 0);
  CHECK_INT(parse(" \t 00-" TID "-" SID "-01 \t "), 0);
  /* white space inside is not optional white space */
  CHECK_INT(parse("00- " TID "-" SID "-01"), -EINVAL);
  CHECK_INT(parse("00-" TID "-" SID "-0 1"), -EINVAL);
  CHECK_INT(parse("   "), -EINVAL);
}

TEST(accepts_future_versions_per_spec) {
  otel_span_context_t sc;
  CHECK_INT(otel_traceparent_parse("01-" TID "-" SID "-01", &sc), 0);
  CHECK_INT(otel_traceparent_parse("cc-" TID "-" SID "-01-what-the-future-holds", &sc), 0);
  CHECK_INT(sc.flags, 1);
  /* a later version still needs a '-' after the flags when it is longer */
  CHECK_INT(parse("cc-" TID "-" SID "-01x"), -EINVAL);
}

/* Level 2's flags, sampled and random, are kept; the reserved ones are
 * zeroed, read or written. */
TEST(keeps_the_defined_flags) {
  otel_span_context_t sc;
  char out[OTEL_TRACEPARENT_SIZE];
  CHECK_INT(otel_traceparent_parse("00-" TID "-" SID "-ff", &sc), 0);
  CHECK_INT(sc.flags, OTEL_TRACE_FLAG_SAMPLED | OTEL_TRACE_FLAG_RANDOM);
  CHECK_INT(otel_traceparent_parse("00-" TID "-" SID "-02", &sc), 0);
  CHECK_INT(sc.flags, OTEL_TRACE_FLAG_RANDOM);
  otel_traceparent_format(&sc, out);
  CHECK_STR(out, "00-" TID "-" SID "-02");
  CHECK_INT(otel_traceparent_parse("00-" TID "-" SID "-04", &sc), 0);
  CHECK_INT(sc.flags, 0);
  sc.flags = 0xff;
  otel_traceparent_format(&sc, out);
  CHECK_STR(out, "00-" TID "-" SID "-03");
}

TEST(format_round_trips) {
  otel_span_context_t sc;
  char out[OTEL_TRACEPARENT_SIZE];
  CHECK_INT(otel_traceparent_parse("00-" TID "-" SID "-01", &sc), 0);
  otel_traceparent_format(&sc, out);
  CHECK_STR(out, "00-" TID "-" SID "-01");
  /* a future version is answered in the version this SDK speaks */
  CHECK_INT(otel_traceparent_parse("05-" TID "-" SID "-00-x", &sc), 0);
  otel_traceparent_format(&sc, out);
  CHECK_STR(out, "00-" TID "-" SID "-00");
}

static const char *ts(const char *in) {
  static char out[OTEL_TRACESTATE_MAX + 1];
  return otel_tracestate_parse(in, out) == 0 ? out : "<invalid>";
}

TEST(tracestate_canonical_form) {
  CHECK_STR(ts("congo=t61rcWkgMzE"), "congo=t61rcWkgMzE");
  CHECK_STR(ts("rojo=00f067aa0ba902b7 , congo=t61rcWkgMzE"),
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  CHECK_STR(ts("a=1,,  ,b=2"), "a=1,b=2");
  CHECK_STR(ts("tenant@vendor=x"), "tenant@vendor=x");
  CHECK_STR(ts("1tenant@v=x"), "1tenant@v=x");
  CHECK_STR(ts("k=va lue"), "k=va lue");
  CHECK_STR(ts(""), "");
}

TEST(tracestate_rejections) {
  CHECK_STR(ts("Upper=1"), "<invalid>");
  CHECK_STR(ts("novalue"), "<invalid>");
  CHECK_STR(ts("k="), "<invalid>");
  CHECK_STR(ts("k=a=b"), "<invalid>");
  CHECK_STR(ts("k=tab\there"), "<invalid>");
  CHECK_STR(ts("k=trailing "), "k=trailing"); /* the space is list white space */
  CHECK_STR(ts("k=\x01"), "<invalid>");
  CHECK_STR(ts("t@Vendor=1"), "<invalid>");
  CHECK_STR(ts("@foo=1"), "<invalid>");
  CHECK_STR(ts("_foo=1"), "<invalid>");
  CHECK_STR(ts("foo.bar=1"), "<invalid>");
  CHECK_STR(ts("k=1,@x=2"), "<invalid>");
}

/* Trace Context Level 2: key = ( lcalpha / DIGIT ) 0*255 ( keychar ), and
 * "@" is a keychar anywhere after the first: no tenant@system split. */
TEST(tracestate_keys_follow_the_level_2_grammar) {
  CHECK_STR(ts("1simple=1"), "1simple=1");
  CHECK_STR(ts("foo@=1"), "foo@=1");
  CHECK_STR(ts("foo@@bar=1"), "foo@@bar=1");
  CHECK_STR(ts("t@vendorvendorvend=1"), "t@vendorvendorvend=1");
  CHECK_STR(ts("a_-*/@9=1"), "a_-*/@9=1");
  char key[300], in[320];
  memset(key, 'k', 256);
  key[100] = '@';
  key[256] = '\0';
  snprintf(in, sizeof(in), "%s=v", key);
  CHECK_STR(ts(in), in); /* 256 characters, with an "@" */
  key[256] = 'k', key[257] = '\0';
  snprintf(in, sizeof(in), "%s=v", key);
  CHECK_STR(ts(in), "<invalid>"); /* 257 */
}

TEST(tracestate_values_keep_leading_spaces_and_lose_trailing_ones) {
  CHECK_STR(ts("foo= bar"), "foo= bar");
  CHECK_STR(ts("foo=  bar  ,baz=1\t"), "foo=  bar,baz=1");
  CHECK_STR(ts("foo= "), "<invalid>"); /* nothing but white space */
}

TEST(tracestate_duplicate_keys_keep_the_first) {
  CHECK_STR(ts("foo=1,foo=1"), "foo=1");
  CHECK_STR(ts("a=1,b=2,a=3"), "a=1,b=2");
  /* a repeated key is not a member more: 32 keys with repeats are kept */
  char in[600] = "";
  for (int i = 0; i < 32; i++)
    snprintf(in + strlen(in), sizeof(in) - strlen(in), "%sk%d=v,k%d=w", i ? "," : "", i, i);
  const char *out = ts(in);
  CHECK(strstr(out, "k31=v") != NULL);
  CHECK(strstr(out, "=w") == NULL);
}

TEST(tracestate_member_limit) {
  char in[512] = "";
  for (int i = 0; i < 32; i++)
    snprintf(in + strlen(in), sizeof(in) - strlen(in), "%sk%d=v", i ? "," : "", i);
  CHECK(strcmp(ts(in), "<invalid>") != 0);
  strcat(in, ",k32=v");
  CHECK_STR(ts(in), "<invalid>");
}

TEST(tracestate_truncation_drops_long_members_first) {
  char value[201];
  memset(value, 'x', 200);
  value[200] = '\0';
  char in[1200];
  /* three members of 122 characters and one of 205: 574 in all */
  snprintf(in, sizeof(in), "a=%.120s,long=%s,b=%.120s,c=%.120s", value, value, value, value);
  const char *out = ts(in);
  CHECK(strlen(out) <= OTEL_TRACESTATE_MAX);
  CHECK(strstr(out, "long=") == NULL);
  CHECK(strncmp(out, "a=", 2) == 0);
  CHECK(strstr(out, ",c=") != NULL);
  /* with no long member, trailing members go */
  snprintf(in, sizeof(in), "a=%.120s,b=%.120s,c=%.120s,d=%.120s,e=%.120s", value, value, value,
           value, value);
  out = ts(in);
  CHECK(strlen(out) <= OTEL_TRACESTATE_MAX);
  CHECK(strstr(out, ",d=") != NULL);
  CHECK(strstr(out, ",e=") == NULL);
}

TEST_MAIN("tracecontext", TEST_CASE(accepts_valid_version_00),
          TEST_CASE(rejects_missing_and_wrong_length), TEST_CASE(rejects_uppercase_and_non_hex),
          TEST_CASE(rejects_all_zero_ids), TEST_CASE(rejects_version_ff),
          TEST_CASE(rejects_wrong_separators),
          TEST_CASE(optional_white_space_around_traceparent_is_trimmed),
          TEST_CASE(accepts_future_versions_per_spec), TEST_CASE(keeps_the_defined_flags),
          TEST_CASE(format_round_trips), TEST_CASE(tracestate_canonical_form),
          TEST_CASE(tracestate_rejections), TEST_CASE(tracestate_keys_follow_the_level_2_grammar),
          TEST_CASE(tracestate_values_keep_leading_spaces_and_lose_trailing_ones),
          TEST_CASE(tracestate_duplicate_keys_keep_the_first), TEST_CASE(tracestate_member_limit),
          TEST_CASE(tracestate_truncation_drops_long_members_first))
