/* URLs as telemetry records them: credentials and sensitive query values redacted. */
#include <otel/trace.h>

#include "test.h"
#include "test_sdk.h"

static const char *redact(const char *url) {
  static char out[512];
  return otel_url_redact(url, out, sizeof(out));
}

TEST(credentials_become_redacted) {
  CHECK_STR(redact("http://user:s3cret@host:8081/notify"),
            "http://REDACTED:REDACTED@host:8081/notify");
  CHECK_STR(redact("https://token@host/x"), "https://REDACTED:REDACTED@host/x");
  CHECK_STR(redact("postgresql://u:p%40ss@db:5432/articles"),
            "postgresql://REDACTED:REDACTED@db:5432/articles");
  /* an "@" after the authority is not a credential */
  CHECK_STR(redact("http://host/a@b?c=d@e"), "http://host/a@b?c=d@e");
  CHECK_STR(redact("http://host:8081/notify"), "http://host:8081/notify");
  CHECK(!otel_url_needs_redaction("http://host:8081/notify"));
  CHECK(otel_url_needs_redaction("http://u:p@host/"));
}

TEST(sensitive_query_values_become_redacted) {
  CHECK_STR(redact("/api/articles?limit=5&sig=abc&offset=1"),
            "/api/articles?limit=5&sig=REDACTED&offset=1");
  CHECK_STR(redact("https://b.s3.amazonaws.com/k?X-Amz-Credential=AK%2F1&X-Amz-Signature=f00&"
                   "X-Amz-Date=20261204"),
            "https://b.s3.amazonaws.com/k?X-Amz-Credential=REDACTED&X-Amz-Signature=REDACTED&"
            "X-Amz-Date=20261204");
  CHECK_STR(redact("/x?AWSAccessKeyId=a&Signature=b&X-Goog-Signature=c"),
            "/x?AWSAccessKeyId=REDACTED&Signature=REDACTED&X-Goog-Signature=REDACTED");
  CHECK_STR(redact("/x?SIG=a"), "/x?SIG=REDACTED"); /* names match without regard to case */
  CHECK_STR(redact("/x?sig"), "/x?sig");            /* no value: nothing to hide */
  CHECK_STR(redact("/x?signature_like=1&sig=2#frag"), "/x?signature_like=1&sig=REDACTED#frag");
  CHECK_STR(redact("?sig=1&&a=2&"), "?sig=REDACTED&&a=2&");
  /* a URL inside the query is not an authority */
  CHECK_STR(redact("/login?next=http://u:p@h/"), "/login?next=http://u:p@h/");
}

TEST(the_list_is_configurable) {
  TEST_SDK_START("OTEL_INSTRUMENTATION_HTTP_SENSITIVE_QUERY_PARAMETERS=token, api_key");
  CHECK_STR(redact("/x?token=1&api_key=2&sig=3"), "/x?token=REDACTED&api_key=REDACTED&sig=3");
  test_sdk_stop();
  CHECK_STR(redact("/x?token=1&sig=3"), "/x?token=1&sig=REDACTED");
}

TEST(output_is_cut_to_its_buffer) {
  char small[16];
  CHECK_STR(otel_url_redact("http://u:p@host/abcdef", small, sizeof(small)), "http://REDACTED");
  CHECK_STR(otel_url_redact(NULL, small, sizeof(small)), "");
}

TEST_MAIN("url_redact", TEST_CASE(credentials_become_redacted),
          TEST_CASE(sensitive_query_values_become_redacted), TEST_CASE(the_list_is_configurable),
          TEST_CASE(output_is_cut_to_its_buffer))
