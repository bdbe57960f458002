/* gRPC's parts of OTLP/gRPC: the message framing, the codes retried, the
 * HTTP statuses that stand for codes, RetryInfo and grpc-message. */
#include "export/grpc.h"
#include "rpc/status.pb-c.h"
#include "test.h"

#include <string.h>

TEST(frame_prefixes_flag_and_big_endian_length) {
  otlp_buf_t b;
  otlp_buf_init(&b, 0);
  otel__grpc_frame(&b, "hello", 5, false);
  CHECK_INT(b.len, 10);
  CHECK(!memcmp(b.data, "\0\0\0\0\5hello", 10));
  char big[300];
  memset(big, 'x', sizeof(big));
  otel__grpc_frame(&b, big, sizeof(big), true);
  CHECK_INT(b.len, 305);
  CHECK(!memcmp(b.data, "\1\0\0\1\x2c", 5));
  otlp_buf_free(&b);
}

TEST(unframe_takes_exactly_one_message) {
  const uint8_t *msg;
  size_t len;
  bool z;
  CHECK_INT(otel__grpc_unframe("\0\0\0\0\3abc", 8, &z, &msg, &len), 0);
  CHECK_INT(len, 3);
  CHECK(!z && !memcmp(msg, "abc", 3));
  CHECK_INT(otel__grpc_unframe("\1\0\0\0\0", 5, &z, &msg, &len), 0);
  CHECK(z && len == 0);
  CHECK_INT(otel__grpc_unframe("", 0, &z, &msg, &len), 0); /* no message at all */
  CHECK_INT(len, 0);
  CHECK_INT(otel__grpc_unframe("\0\0\0\0\4abc", 8, &z, &msg, &len), -1); /* cut short */
  CHECK_INT(otel__grpc_unframe("\0\0\0\0\2abc", 8, &z, &msg, &len), -1); /* a second begins */
  CHECK_INT(otel__grpc_unframe("\2\0\0\0\3abc", 8, &z, &msg, &len), -1); /* no such flag */
  CHECK_INT(otel__grpc_unframe("\0\0\0", 3, &z, &msg, &len), -1);
}

TEST(codes_retried_as_otlp_says) {
  static const int RETRIED[] = {1, 4, 10, 11, 14, 15};
  for (int code = 0; code < OTEL__GRPC_CODES; code++) {
    bool expected = false;
    for (size_t i = 0; i < sizeof(RETRIED) / sizeof(RETRIED[0]); i++)
      expected = expected || RETRIED[i] == code;
    CHECK(otel__grpc_retryable(code, false) == expected);
  }
  /* RESOURCE_EXHAUSTED only when the server said when */
  CHECK(!otel__grpc_retryable(OTEL__GRPC_RESOURCE_EXHAUSTED, false));
  CHECK(otel__grpc_retryable(OTEL__GRPC_RESOURCE_EXHAUSTED, true));
  CHECK(!otel__grpc_retryable(3, true));
  CHECK(!otel__grpc_retryable(99, false));
}

TEST(http_statuses_stand_for_codes) {
  CHECK_INT(otel__grpc_code_of_http(400), OTEL__GRPC_INTERNAL);
  CHECK_INT(otel__grpc_code_of_http(401), OTEL__GRPC_UNAUTHENTICATED);
  CHECK_INT(otel__grpc_code_of_http(403), OTEL__GRPC_PERMISSION_DENIED);
  CHECK_INT(otel__grpc_code_of_http(404), OTEL__GRPC_UNIMPLEMENTED);
  CHECK_INT(otel__grpc_code_of_http(429), OTEL__GRPC_UNAVAILABLE);
  CHECK_INT(otel__grpc_code_of_http(502), OTEL__GRPC_UNAVAILABLE);
  CHECK_INT(otel__grpc_code_of_http(503), OTEL__GRPC_UNAVAILABLE);
  CHECK_INT(otel__grpc_code_of_http(504), OTEL__GRPC_UNAVAILABLE);
  CHECK_INT(otel__grpc_code_of_http(500), OTEL__GRPC_UNKNOWN);
  char buf[16];
  CHECK_STR(otel__grpc_code_name(14, buf), "UNAVAILABLE");
  CHECK_STR(otel__grpc_code_name(16, buf), "UNAUTHENTICATED");
  CHECK_STR(otel__grpc_code_name(42, buf), "code 42");
}

/* A google.rpc.Status with the given details, as grpc-status-details-bin carries it. */
static void status_b64(Google__Rpc__Detail **details, size_t n, otlp_buf_t *out) {
  Google__Rpc__Status st = GOOGLE__RPC__STATUS__INIT;
  st.code = 14;
  st.message = "busy";
  st.details = details;
  st.n_details = n;
  uint8_t raw[512];
  size_t len = google__rpc__status__pack(&st, raw);
  otlp_buf_clear(out);
  otlp_buf_base64(out, raw, len);
}

TEST(retry_info_read_from_the_status_details) {
  Google__Rpc__Delay delay = GOOGLE__RPC__DELAY__INIT;
  delay.seconds = 2;
  delay.nanos = 250000000;
  Google__Rpc__RetryInfo info = GOOGLE__RPC__RETRY_INFO__INIT;
  info.retry_delay = &delay;
  uint8_t packed[64];
  Google__Rpc__Detail other = GOOGLE__RPC__DETAIL__INIT, retry = GOOGLE__RPC__DETAIL__INIT;
  other.type_url = "type.googleapis.com/google.rpc.DebugInfo";
  other.value = (ProtobufCBinaryData){3, (uint8_t *)"\x0a\x01x"};
  retry.type_url = "type.googleapis.com/google.rpc.RetryInfo";
  retry.value = (ProtobufCBinaryData){google__rpc__retry_info__pack(&info, packed), packed};
  Google__Rpc__Detail *both[] = {&other, &retry};
  otlp_buf_t b;
  otlp_buf_init(&b, 0);
  status_b64(both, 2, &b);
  CHECK_INT(otel__grpc_retry_info_ms(b.data, b.len), 2250);
  /* gRPC sends -bin values unpadded */
  size_t n = b.len;
  while (n && b.data[n - 1] == '=')
    n--;
  CHECK_INT(otel__grpc_retry_info_ms(b.data, n), 2250);
  status_b64(both, 1, &b); /* no RetryInfo among them */
  CHECK_INT(otel__grpc_retry_info_ms(b.data, b.len), -1);
  CHECK_INT(otel__grpc_retry_info_ms("not base64!", 11), -1);
  CHECK_INT(otel__grpc_retry_info_ms("////", 4), -1); /* not a Status */
  otlp_buf_free(&b);
}

TEST(grpc_message_percent_decoded_without_controls) {
  char out[32];
  const char *m = "quota: 100%25 used%0Anow %zz";
  otel__grpc_message_decode(m, strlen(m), out, sizeof(out));
  CHECK_STR(out, "quota: 100% used?now %zz");
  otel__grpc_message_decode("abcdef", 6, out, 4);
  CHECK_STR(out, "abc");
  otel__grpc_message_decode("%4", 2, out, sizeof(out));
  CHECK_STR(out, "%4");
}

TEST_MAIN("grpc", TEST_CASE(frame_prefixes_flag_and_big_endian_length),
          TEST_CASE(unframe_takes_exactly_one_message), TEST_CASE(codes_retried_as_otlp_says),
          TEST_CASE(http_statuses_stand_for_codes),
          TEST_CASE(retry_info_read_from_the_status_details),
          TEST_CASE(grpc_message_percent_decoded_without_controls))
