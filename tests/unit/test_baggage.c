/* W3C baggage: parsing, percent-encoding both ways, limits, immutability and sharing. */
#include <otel/context.h>
#include <stdlib.h>

#include "test.h"

TEST(parses_members_values_and_properties) {
  otel_baggage_t *b = otel_baggage_parse("userId=alice, serverNode = DF%2028 ,isProd=false;ttl=3");
  CHECK(b);
  CHECK_INT(otel_baggage_count(b), 3);
  CHECK_STR(otel_baggage_get(b, "userId"), "alice");
  CHECK_STR(otel_baggage_get(b, "serverNode"), "DF 28");
  CHECK_STR(otel_baggage_get(b, "isProd"), "false");
  CHECK(otel_baggage_get(b, "missing") == NULL);
  char out[256];
  otel_baggage_format(b, out, sizeof(out));
  CHECK_STR(out, "userId=alice,serverNode=DF%2028,isProd=false;ttl=3");
  otel_baggage_release(b);
}

TEST(skips_invalid_members) {
  otel_baggage_t *b = otel_baggage_parse("ok=1,novalue,=x,bad key=2,esc=%zz,fine=2");
  CHECK(b);
  CHECK_INT(otel_baggage_count(b), 2);
  CHECK_STR(otel_baggage_get(b, "ok"), "1");
  CHECK_STR(otel_baggage_get(b, "fine"), "2");
  otel_baggage_release(b);
  CHECK(otel_baggage_parse("nothing valid") == NULL);
  CHECK(otel_baggage_parse(NULL) == NULL);
}

TEST(limits) {
  char *big = malloc(9000);
  memset(big, 'a', 8999);
  big[0] = 'k', big[1] = '=';
  big[8999] = '\0';
  CHECK(otel_baggage_parse(big) == NULL); /* over 8192 bytes */
  free(big);
  char many[2000] = "";
  for (int i = 0; i < 70; i++)
    snprintf(many + strlen(many), sizeof(many) - strlen(many), "%sk%d=v", i ? "," : "", i);
  otel_baggage_t *b = otel_baggage_parse(many);
  CHECK_INT(otel_baggage_count(b), 64);
  otel_baggage_release(b);
}

TEST(set_makes_a_new_baggage) {
  otel_baggage_t *a = otel_baggage_set(NULL, "tenant", "acme");
  otel_baggage_t *b = otel_baggage_set(a, "tenant", "globex, inc;");
  otel_baggage_t *c = otel_baggage_set(b, "region", "eu");
  CHECK_STR(otel_baggage_get(a, "tenant"), "acme");
  CHECK_STR(otel_baggage_get(b, "tenant"), "globex, inc;");
  CHECK_INT(otel_baggage_count(c), 2);
  CHECK(otel_baggage_set(c, "bad key", "x") == NULL);
  char out[256];
  otel_baggage_format(c, out, sizeof(out));
  CHECK_STR(out, "tenant=globex%2C%20inc%3B,region=eu");
  /* what is formatted parses back to the same values */
  otel_baggage_t *d = otel_baggage_parse(out);
  CHECK_STR(otel_baggage_get(d, "tenant"), "globex, inc;");
  otel_baggage_release(a);
  otel_baggage_release(b);
  otel_baggage_release(c);
  otel_baggage_release(d);
}

TEST(format_writes_whole_members_only) {
  otel_baggage_t *b = otel_baggage_parse("first=11111,second=22222");
  char out[16];
  CHECK_INT(otel_baggage_format(b, out, sizeof(out)), 11);
  CHECK_STR(out, "first=11111");
  CHECK_INT(otel_baggage_format(b, out, 5), 0);
  CHECK_STR(out, "");
  otel_baggage_release(b);
}

TEST(references) {
  otel_baggage_t *b = otel_baggage_parse("a=1");
  CHECK(otel_baggage_retain(b) == b);
  otel_baggage_release(b);
  CHECK_STR(otel_baggage_get(b, "a"), "1"); /* still alive: one reference left */
  otel_baggage_release(b);
  otel_baggage_release(NULL);
  const char *k, *v;
  CHECK(!otel_baggage_entry(NULL, 0, &k, &v));
}

TEST_MAIN("baggage", TEST_CASE(parses_members_values_and_properties),
          TEST_CASE(skips_invalid_members), TEST_CASE(limits), TEST_CASE(set_makes_a_new_baggage),
          TEST_CASE(format_writes_whole_members_only), TEST_CASE(references))
