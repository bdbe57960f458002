/* The codec's text writing (otlp_buf): JSON strings, base64, hex ids,
 * numbers, the request path's small strings, and the buffer's cap. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "otlp_codec.h"
#include "text.h"
#include "test.h"

TEST(json_string_escaping) {
  otlp_buf_t b;
  otlp_buf_init(&b, 0);
  const char in[] = "a\"b\\c\x01\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xed\xa0\x80\xc0\xaf";
  otlp_buf_json_string(&b, in, sizeof(in) - 1);
  CHECK_STR(otlp_buf_cstr(&b), "\"a\\\"b\\\\c\\u0001\\t\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
                               "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"");
  otlp_buf_free(&b);
}

/* Long strings are escaped a block at a time, straight into the buffer or,
 * near a capped buffer's end, through the stack: a four-byte character
 * across every block boundary comes out whole, and a cap is met exactly. */
TEST(json_strings_across_blocks) {
  static char in[10000], expected[10003];
  for (size_t i = 0; i < sizeof(in); i++)
    in[i] = (char)('a' + i % 26);
  for (size_t at = 254; at + 4 < sizeof(in); at += 256) /* straddles 256 and 4096 too */
    memcpy(in + at, "\xf0\x9f\x98\x80", 4);
  expected[0] = '"';
  memcpy(expected + 1, in, sizeof(in));
  memcpy(expected + 1 + sizeof(in), "\"", 2);
  size_t caps[] = {0, sizeof(in) + 2}; /* none, and exactly what it takes */
  for (size_t k = 0; k < 2; k++) {
    otlp_buf_t b;
    otlp_buf_init(&b, caps[k]);
    otlp_buf_json_string(&b, in, sizeof(in));
    CHECK(!b.failed);
    CHECK_INT(b.len, sizeof(in) + 2);
    CHECK(!memcmp(b.data, expected, b.len));
    otlp_buf_free(&b);
  }
  otlp_buf_t b; /* one byte short of the cap: it fails, having written no more */
  otlp_buf_init(&b, sizeof(in) + 1);
  otlp_buf_json_string(&b, in, sizeof(in));
  CHECK(b.failed);
  CHECK(b.len <= sizeof(in) + 1);
  otlp_buf_free(&b);
}

TEST(base64_and_hex) {
  otlp_buf_t b;
  otlp_buf_init(&b, 0);
  otlp_buf_base64(&b, (const uint8_t *)"foobar", 6);
  otlp_buf_putc(&b, ' ');
  otlp_buf_base64(&b, (const uint8_t *)"fooba", 5);
  otlp_buf_putc(&b, ' ');
  otlp_buf_base64(&b, (const uint8_t *)"foob", 4);
  otlp_buf_putc(&b, ' ');
  otlp_buf_hex(&b, (const uint8_t *)"\x00\xff\x10", 3);
  CHECK_STR(otlp_buf_cstr(&b), "Zm9vYmFy Zm9vYmE= Zm9vYg== 00ff10");
  otlp_buf_free(&b);
}

/* Hex ids: every length, every byte value, and each character that is no
 * lowercase hex digit at each place, against printf. */
TEST(hex_every_byte_length_and_bad_digit) {
  uint8_t in[20], back[20];
  char out[41], want[41];
  for (int round = 0; round < 64; round++) {
    for (size_t i = 0; i < sizeof(in); i++)
      in[i] = (uint8_t)(round * 4 + i * 37 + (round * i) % 251);
    for (size_t n = 0; n <= sizeof(in); n++) {
      otlp_hex_encode(in, n, out);
      for (size_t i = 0; i < n; i++)
        snprintf(want + 2 * i, 3, "%02x", in[i]);
      want[2 * n] = '\0';
      CHECK_STR(out, want);
      memset(back, 0xaa, sizeof(back));
      CHECK(otlp_hex_decode(out, n, back) == 0);
      CHECK(memcmp(back, in, n) == 0);
    }
  }
  static const char bad[] = {'A', 'F', 'g',  'G',    '/',    ':',   '`',
                             '@', ' ', '\0', '\x80', '\xe0', '\xff'};
  char digits[33];
  for (size_t at = 0; at < 32; at++)
    for (size_t k = 0; k < sizeof(bad); k++) {
      memcpy(digits, "0123456789abcdef0123456789abcdef", 33);
      digits[at] = bad[k];
      CHECK(otlp_hex_decode(digits, 16, back) == -1);
    }
  for (int c = 0; c < 256; c++) { /* each byte value, once in a word and once in a tail */
    memcpy(digits, "00000000000", 11);
    digits[3] = (char)c, digits[9] = (char)c;
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    CHECK((otlp_hex_decode(digits, 4, back) == 0) == hex);
    memcpy(digits, "00000000000", 11);
    digits[9] = (char)c;
    CHECK((otlp_hex_decode(digits, 5, back) == 0) == hex);
  }
}

/* The reference: the fewest digits, from 15, that read back as d. */
static void shortest_by_printf(double d, char out[32]) {
  for (int digits = 15; digits <= 17; digits++) {
    snprintf(out, 32, "%.*g", digits, d);
    if (strtod(out, NULL) == d)
      return;
  }
}

/* Whole thousandths take a path without printf; every double must still be
 * written as the reference writes it. */
TEST(doubles_written_as_printf_would) {
  double values[4000] = {
      0.001, -0.001,    0.05, 2, -1.5,   20.451, 999999999999.999, -999999999999.999, 1e12,
      1e-4,  0.1 + 0.2, -0.0, 0, 5e-324, 1e300,  123456.7895};
  size_t n = 16;
  uint64_t x = 88172645463325252u; /* xorshift: thousandths of every magnitude below 1e12 */
  while (n < sizeof(values) / sizeof(values[0])) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    long long k = (long long)(x % 1000000000000000u) >> (x % 50);
    values[n++] = (double)(x & 1 ? -k : k) / 1000;
  }
  size_t mismatches = 0;
  for (size_t i = 0; i < n; i++) {
    char want[32];
    shortest_by_printf(values[i], want);
    otlp_buf_t b;
    otlp_buf_init(&b, 0);
    otlp_buf_put_double(&b, values[i]);
    if (strcmp(otlp_buf_cstr(&b), want) && mismatches++ < 5)
      fprintf(stderr, "    %.17g: wrote %s, printf %s\n", values[i], otlp_buf_cstr(&b), want);
    otlp_buf_free(&b);
  }
  CHECK_INT(mismatches, 0);
}

/* The request path's string helpers write what snprintf and inet_ntop would. */
TEST(small_strings_written_as_printf_would) {
  static const char *const words[] = {"", "GET", "/api/articles/{id}", "SELECT articles"};
  for (size_t size = 1; size <= 24; size++) {
    char got[32], want[32];
    for (size_t i = 0; i < 4; i++) {
      for (size_t n = 0; n <= strlen(words[i]); n++) {
        snprintf(want, size, "%.*s", (int)n, words[i]);
        CHECK_STR(otel__str_copy(got, size, words[i], n), want);
      }
      for (size_t k = 0; k < 4; k++) {
        snprintf(want, size, "%s %s", words[i], words[k]);
        CHECK_STR(otel__str_join(got, size, words[i], ' ', words[k]), want);
      }
    }
  }
  static const int64_t ints[] = {0, 7, -7, 10, -10, 201, 1234567890123, INT64_MAX, INT64_MIN};
  for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
    char want[24];
    snprintf(want, sizeof(want), "%lld", (long long)ints[i]);
    otlp_buf_t b;
    otlp_buf_init(&b, 0);
    otlp_buf_put_int(&b, ints[i]);
    CHECK_STR(otlp_buf_cstr(&b), want);
    otlp_buf_free(&b);
  }
  for (unsigned v = 0; v < 256; v++) {
    uint8_t addr[4] = {(uint8_t)v, (uint8_t)(255 - v), (uint8_t)(v * 7), (uint8_t)(v / 3)};
    char got[16], want[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, addr, want, sizeof(want));
    CHECK_STR(otel__ipv4_text(addr, got), want);
  }
}

TEST(buffer_cap_fails_cleanly) {
  otlp_buf_t b;
  otlp_buf_init(&b, 8);
  otlp_buf_puts(&b, "12345678");
  CHECK(!b.failed);
  otlp_buf_puts(&b, "9");
  CHECK(b.failed);
  CHECK_INT(b.len, 8);
  otlp_buf_free(&b);
}

TEST_MAIN("buf", TEST_CASE(json_string_escaping), TEST_CASE(json_strings_across_blocks),
          TEST_CASE(base64_and_hex), TEST_CASE(hex_every_byte_length_and_bad_digit),
          TEST_CASE(doubles_written_as_printf_would),
          TEST_CASE(small_strings_written_as_printf_would), TEST_CASE(buffer_cap_fails_cleanly))
