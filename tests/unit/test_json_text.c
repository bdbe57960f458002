/* The services' JSON writer against jansson's json_dumps(JSON_COMPACT), byte for byte. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json_text.h"
#include "test.h"

/* Whether svc_json_text writes what json_dumps does; shows the first difference. */
static bool same_as_jansson(const json_t *v) {
  size_t len = 0;
  char *ours = svc_json_text(v, &len);
  char *theirs = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
  bool same = ours && theirs && len == strlen(theirs) && !memcmp(ours, theirs, len);
  if (!same)
    fprintf(stderr, "    ours %.80s\n    jansson %.80s\n", ours ? ours : "(null)",
            theirs ? theirs : "(null)");
  free(ours);
  free(theirs);
  return same;
}

TEST(every_ascii_character_in_values_and_keys) {
  for (int c = 0; c < 128; c++) {
    char s[4] = {'a', (char)c, 'z', 0};
    json_t *v = json_stringn(s, 3);
    json_t *o = json_object();
    json_object_setn_new(o, s, 3, json_string("x"));
    CHECK(same_as_jansson(v) && same_as_jansson(o));
    json_decref(v);
    json_decref(o);
  }
}

TEST(unicode_nul_and_long_strings) {
  static const char *const texts[] = {"caf\xc3\xa9", "\xe2\x80\xa8\xe2\x80\xa9",
                                      "\xf0\x9f\x98\x80 emoji", "", "'; DROP TABLE articles;--"};
  for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    json_t *v = json_string(texts[i]);
    CHECK(same_as_jansson(v));
    json_decref(v);
  }
  json_t *nul = json_stringn("a\0b", 3);
  CHECK(same_as_jansson(nul));
  json_decref(nul);
  char *big = malloc(100001);
  for (int i = 0; i < 100000; i++)
    big[i] = (char)(i % 97 == 0 ? '"' : i % 89 == 0 ? '\n' : 'a' + i % 26);
  big[100000] = '\0';
  json_t *v = json_string(big);
  CHECK(same_as_jansson(v));
  json_decref(v);
  free(big);
}

TEST(numbers_literals_and_containers) {
  json_t *v = json_pack("{s:I,s:I,s:I,s:i,s:f,s:f,s:b,s:b,s:n,s:[],s:{},s:[i,[s,{s:i}]]}", "max",
                        (json_int_t)INT64_MAX, "min", (json_int_t)INT64_MIN, "zero", (json_int_t)0,
                        "minus", -42, "real", 0.1, "big", 1e300, "yes", 1, "no", 0, "null", "empty",
                        "obj", "nested", 1, "two", "k", 3);
  CHECK(v && same_as_jansson(v));
  json_decref(v);
}

/* Random values, by a fixed xorshift: strings of any byte below 0x80 and of
 * multi-byte characters, numbers, nesting. */
static uint64_t seed = 0x9e3779b97f4a7c15u;
static uint64_t next(void) {
  seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
  return seed;
}
static json_t *random_value(int depth) {
  switch (next() % (depth > 3 ? 4 : 6)) {
  case 0: {
    char s[40];
    size_t n = next() % sizeof(s);
    for (size_t i = 0; i < n; i++)
      s[i] = (char)(next() % 128);
    return json_stringn(s, n);
  }
  case 1:
    return json_string("\xc3\xa9t\xc3\xa9 \xe2\x82\xac");
  case 2:
    return json_integer((json_int_t)next());
  case 3:
    return next() % 2 ? json_true() : json_null();
  case 4: {
    json_t *a = json_array();
    for (uint64_t i = next() % 5; i > 0; i--)
      json_array_append_new(a, random_value(depth + 1));
    return a;
  }
  default: {
    json_t *o = json_object();
    for (uint64_t i = next() % 5; i > 0; i--) {
      char key[8] = {(char)('a' + next() % 26), (char)(next() % 128), 0};
      json_object_set_new(o, key, random_value(depth + 1));
    }
    return o;
  }
  }
}

TEST(random_values) {
  for (int i = 0; i < 3000; i++) {
    json_t *v = random_value(0);
    bool same = same_as_jansson(v);
    json_decref(v);
    CHECK(same);
  }
}

TEST_MAIN("json_text", TEST_CASE(every_ascii_character_in_values_and_keys),
          TEST_CASE(unicode_nul_and_long_strings), TEST_CASE(numbers_literals_and_containers),
          TEST_CASE(random_values))
