/* Spans: ids, every attribute type, limits, exceptions, and context. Parents, status, events and
 * links, read back as a program would, are in test_testing.c. */
#include <otel/trace.h>
#include <pthread.h>
#include <stdlib.h>

#include "trace/span.h"
#include "trace/span_pool.h"
#include "test.h"
#include "test_sdk.h"

static const otel_tracer_t *tracer(void) { return otel_tracer_get("test.scope", "1.2.3"); }

TEST(root_span_has_fresh_ids) {
  TEST_SDK_START("X=1");
  otel_span_t *s = otel_span_start(tracer(), "root", OTEL_SPAN_KIND_SERVER, NULL);
  CHECK(otel_span_is_recording(s));
  CHECK(otel_span_context_is_valid(otel_span_context(s)));
  CHECK(!s->has_parent);
  /* a new trace: its id is random, which Trace Context Level 2 says */
  CHECK_INT(s->ctx.flags, OTEL_TRACE_FLAG_SAMPLED | OTEL_TRACE_FLAG_RANDOM);
  char tp[OTEL_TRACEPARENT_SIZE];
  otel_traceparent_format(&s->ctx, tp);
  CHECK_STR(tp + 53, "03");
  CHECK_INT(s->kind, OTEL_SPAN_KIND_SERVER);
  CHECK_STR(s->name, "root");
  CHECK_STR(s->tracer->name, "test.scope");
  CHECK_STR(s->tracer->version, "1.2.3");
  CHECK(s->start_unix_ns > 1700000000ull * 1000000000u);
  char hex[OTEL_TRACE_ID_HEX_SIZE];
  otel_span_trace_id_hex(s, hex);
  CHECK_INT(strlen(hex), 32);
  otel_span_end(s);
  test_sdk_stop();
}

/* The ids as a log line of the host's own writes them: the span's, and
 * zeroes for no span. */
TEST(ids_as_hex) {
  TEST_SDK_START("X=1");
  otel_span_t *s = otel_span_start(tracer(), "logged", OTEL_SPAN_KIND_INTERNAL, NULL);
  char trace[OTEL_TRACE_ID_HEX_SIZE], span[OTEL_SPAN_ID_HEX_SIZE], expected[OTEL_SPAN_ID_HEX_SIZE];
  otel_span_id_hex(s, span);
  for (int i = 0; i < OTEL_SPAN_ID_SIZE; i++)
    snprintf(expected + 2 * i, 3, "%02x", s->ctx.span_id[i]);
  CHECK_STR(span, expected);
  otel_span_trace_id_hex(s, trace);
  CHECK_INT(strlen(trace), 32);
  otel_span_end(s);
  otel_span_id_hex(NULL, span);
  otel_span_trace_id_hex(NULL, trace);
  CHECK_STR(span, "0000000000000000");
  CHECK_STR(trace, "00000000000000000000000000000000");
  test_sdk_stop();
}

TEST(tracer_is_interned) {
  CHECK(otel_tracer_get("a", "1") == otel_tracer_get("a", "1"));
  CHECK(otel_tracer_get("a", "1") != otel_tracer_get("a", "2"));
  CHECK(otel_tracer_get(NULL, NULL) == otel_tracer_get("", ""));
  /* a scope in full: the same name, version, schema URL and attributes (in
   * any order) give the same tracer; any difference another */
  otel_attr_t ab[] = {OTEL_ATTR_STR("a", "x"), OTEL_ATTR_INT("b", 1)};
  otel_attr_t ba[] = {OTEL_ATTR_INT("b", 1), OTEL_ATTR_STR("a", "x")};
  otel_attr_t other[] = {OTEL_ATTR_STR("a", "x"), OTEL_ATTR_INT("b", 2)};
  const char *schema = "https://opentelemetry.io/schemas/1.26.0";
  const otel_tracer_t *t = otel_tracer_get_scope(&(otel_scope_info_t){"a", "1", schema, ab, 2});
  CHECK(t == otel_tracer_get_scope(&(otel_scope_info_t){"a", "1", schema, ba, 2}));
  CHECK(t != otel_tracer_get("a", "1"));
  CHECK(t != otel_tracer_get_scope(&(otel_scope_info_t){"a", "1", schema, other, 2}));
  CHECK(t != otel_tracer_get_scope(&(otel_scope_info_t){"a", "1", NULL, ab, 2}));
  CHECK(t != otel_tracer_get_scope(&(otel_scope_info_t){"a", "1", schema, ab, 1}));
  CHECK(otel_tracer_get("a", "1") ==
        otel_tracer_get_scope(&(otel_scope_info_t){"a", "1", "", NULL, 0}));
  CHECK_STR(t->schema_url, schema);
  CHECK_INT(t->attrs.n, 2);
  CHECK(otel_tracer_get_scope(NULL) == otel_tracer_get(NULL, NULL));
}

TEST(attributes_of_every_type) {
  TEST_SDK_START("X=1");
  otel_span_t *s = otel_span_start(tracer(), "attrs", OTEL_SPAN_KIND_INTERNAL, NULL);
  char key[] = "mutable.key", value[] = "mutable value";
  otel_span_set_str(s, key, value);
  key[0] = 'X', value[0] = 'X'; /* the span kept copies */
  otel_span_set_int(s, "i", -42);
  otel_span_set_bool(s, "b", true);
  otel_span_set_double(s, "d", 2.5);
  const char *strs[] = {"x", "y"};
  int64_t ints[] = {1, 2, 3};
  bool bools[] = {true, false};
  double doubles[] = {0.5};
  otel_attr_t arrays[] = {
      OTEL_ATTR_ARRAY("sa", OTEL_VALUE_STRING_ARRAY, strs, 2),
      OTEL_ATTR_ARRAY("ia", OTEL_VALUE_INT_ARRAY, ints, 3),
      OTEL_ATTR_ARRAY("ba", OTEL_VALUE_BOOL_ARRAY, bools, 2),
      OTEL_ATTR_ARRAY("da", OTEL_VALUE_DOUBLE_ARRAY, doubles, 1),
  };
  otel_span_set_attrs(s, arrays, 4);
  strs[0] = "changed";
  ints[0] = 99;
  CHECK_INT(s->attrs.n, 8);
  const otel_attr_t *a = otel__attrs_find(&s->attrs, "mutable.key");
  CHECK(a && a->type == OTEL_VALUE_STRING);
  CHECK_STR(a->v.s, "mutable value");
  CHECK_INT(otel__attrs_find(&s->attrs, "i")->v.i, -42);
  CHECK(otel__attrs_find(&s->attrs, "b")->v.b);
  CHECK(otel__attrs_find(&s->attrs, "d")->v.d == 2.5);
  a = otel__attrs_find(&s->attrs, "sa");
  CHECK_INT(a->v.array.len, 2);
  CHECK_STR(((const char *const *)a->v.array.items)[0], "x");
  CHECK_INT(((const int64_t *)otel__attrs_find(&s->attrs, "ia")->v.array.items)[0], 1);
  /* setting a key again replaces it */
  otel_span_set_int(s, "i", 7);
  CHECK_INT(s->attrs.n, 8);
  CHECK_INT(otel__attrs_find(&s->attrs, "i")->v.i, 7);
  otel_span_set_str(s, "i", "now a string");
  CHECK_INT(otel__attrs_find(&s->attrs, "i")->type, OTEL_VALUE_STRING);
  /* NULL strings are recorded as empty ones, as otel/otel.h says */
  const char *with_null[] = {"x", NULL};
  otel_span_set_str(s, "null", NULL);
  otel_span_set_attr(s, &OTEL_ATTR_ARRAY("nulls", OTEL_VALUE_STRING_ARRAY, with_null, 2));
  CHECK_STR(otel__attrs_find(&s->attrs, "null")->v.s, "");
  CHECK_STR(((const char *const *)otel__attrs_find(&s->attrs, "nulls")->v.array.items)[1], "");
  otel_span_end(s);
  test_sdk_stop();
}

TEST(attribute_limits) {
  TEST_SDK_START("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=3", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=4");
  otel_span_t *s = otel_span_start(tracer(), "limits", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_span_set_str(s, "a", "abcdefgh");
  otel_span_set_str(s, "b", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"); /* five e-acute */
  otel_span_set_int(s, "c", 1);
  otel_span_set_int(s, "d", 2);
  otel_span_set_int(s, "e", 3);
  otel_span_set_int(s, "c", 4); /* replacing needs no new slot */
  CHECK_INT(s->attrs.n, 3);
  CHECK_INT(s->attrs.dropped, 2);
  CHECK_STR(otel__attrs_find(&s->attrs, "a")->v.s, "abcd");
  CHECK_STR(otel__attrs_find(&s->attrs, "b")->v.s, "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9");
  CHECK_INT(otel__attrs_find(&s->attrs, "c")->v.i, 4);
  otel_span_set_str(s, "", "empty keys are dropped");
  CHECK_INT(s->attrs.dropped, 3);
  otel_span_end(s);
  test_sdk_stop();
}

/* The integrations' attributes keep their literal key, but not their value,
 * and obey the same limits and replacement as any other. */
TEST(literal_key_attributes) {
  TEST_SDK_START("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=2", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=4");
  otel_span_t *s = otel_span_start(tracer(), "literal", OTEL_SPAN_KIND_INTERNAL, NULL);
  char value[] = "abcdefgh";
  OTEL_SPAN_SET_STR(s, "url.path", value);
  value[0] = 'X';
  const otel_attr_t *a = otel__attrs_find(&s->attrs, "url.path");
  CHECK(a && !strcmp(a->v.s, "abcd") && a->v.s != value);
  OTEL_SPAN_SET_INT(s, "server.port", 80);
  OTEL_SPAN_SET_INT(s, "server.port", 8080);
  otel_span_set_int(s, "server.port", 8081); /* a copied key finds a literal one */
  OTEL_SPAN_SET_STR(s, "error.type", "500");
  CHECK_INT(s->attrs.n, 2);
  CHECK_INT(s->attrs.dropped, 1);
  CHECK_INT(otel__attrs_find(&s->attrs, "server.port")->v.i, 8081);
  otel_span_end(s);
  test_sdk_stop();
}

/* What the server integration and a handler set on a create, with a
 * browser's user agent, fits the span's pool block: one allocation per span. */
TEST(a_server_span_fits_its_block) {
  TEST_SDK_START("X=1");
  otel_span_t *s = otel_span_start(tracer(), "POST /api/articles", OTEL_SPAN_KIND_SERVER, NULL);
  OTEL_SPAN_SET_STR(s, "client.address", "192.168.100.200");
  OTEL_SPAN_SET_STR(s, "http.request.method", "POST");
  OTEL_SPAN_SET_STR(s, "url.path", "/api/articles");
  OTEL_SPAN_SET_STR(s, "url.query", "limit=20&offset=40");
  OTEL_SPAN_SET_STR(s, "url.scheme", "http");
  OTEL_SPAN_SET_STR(s, "network.protocol.version", "1.1");
  OTEL_SPAN_SET_STR(s, "user_agent.original",
                    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0");
  OTEL_SPAN_SET_STR(s, "server.address", "articles.example.com");
  OTEL_SPAN_SET_INT(s, "server.port", 8080);
  OTEL_SPAN_SET_STR(s, "http.route", "/api/articles");
  OTEL_SPAN_SET_INT(s, "http.response.status_code", 201);
  otel_span_set_int(s, "article.id", 123456);
  CHECK_INT(s->attrs.n, 12);
  CHECK(s->arena.chunks == NULL);
  otel_span_end(s);
  test_sdk_stop();
}

/* The macros read a span's recording flag inline, and evaluate no value
 * for a span that does not record. */
TEST(macros_skip_spans_that_do_not_record) {
  TEST_SDK_START("OTEL_TRACES_SAMPLER=always_off");
  int evaluated = 0;
  otel_span_t *s = otel_span_start(tracer(), "dropped", OTEL_SPAN_KIND_INTERNAL, NULL);
  CHECK(!OTEL_SPAN_RECORDING(s));
  CHECK(!otel_span_is_recording(NULL)); /* (the macro takes NULL too: see its definition) */
  OTEL_SPAN_SET_INT(s, "n", ++evaluated);
  CHECK_INT(evaluated, 0);
  otel_span_end(s);
  test_sdk_stop();
  TEST_SDK_START("X=1");
  s = otel_span_start(tracer(), "kept", OTEL_SPAN_KIND_INTERNAL, NULL);
  CHECK(OTEL_SPAN_RECORDING(s) && otel_span_is_recording(s));
  OTEL_SPAN_SET_INT(s, "n", ++evaluated);
  CHECK_INT(evaluated, 1);
  CHECK_INT(otel__attrs_find(&s->attrs, "n")->v.i, 1);
  otel_span_end(s);
  test_sdk_stop();
}

/* A block's attributes are the span's like any others: found, replaced,
 * held to the limits; the span keeps the block alive past its release. */
TEST(attribute_blocks) {
  TEST_SDK_START("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=4", "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT=8");
  char value[] = "db.internal";
  otel_attr_t constant[] = {OTEL_ATTR_STR("server.address", value), OTEL_ATTR_INT("server.port", 1),
                            OTEL_ATTR_INT("server.port", 5432), OTEL_ATTR_STR("", "dropped")};
  otel_attr_block_t *block = otel_attr_block_new(constant, 4);
  value[0] = 'X'; /* the block kept copies */
  CHECK(block);
  /* The value is longer than the span's limit: copied one by one, cut. */
  otel_span_t *s = otel_span_start(tracer(), "cut", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_span_set_block(s, block);
  CHECK(s->block == NULL);
  CHECK_STR(otel__attrs_find(&s->attrs, "server.address")->v.s, "db.inter");
  CHECK_INT(otel__attrs_find(&s->attrs, "server.port")->v.i, 5432);
  CHECK_INT(s->attrs.n, 2);
  CHECK_INT(s->attrs.dropped, 1);
  otel_span_end(s);
  test_sdk_stop();

  TEST_SDK_START("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT=4");
  s = otel_span_start(tracer(), "whole", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_span_set_block(s, block);
  otel_attr_block_release(block); /* the span's reference keeps it */
  CHECK(s->block == block);
  CHECK_INT(s->attrs.n, 2);
  CHECK_INT(s->attrs.dropped, 1);
  CHECK_STR(otel__attrs_find(&s->attrs, "server.address")->v.s, "db.internal");
  OTEL_SPAN_SET_INT(s, "server.port", 6432);
  CHECK_INT(otel__attrs_find(&s->attrs, "server.port")->v.i, 6432);
  otel_span_set_int(s, "a", 1);
  otel_span_set_int(s, "b", 2);
  otel_span_set_int(s, "c", 3);
  CHECK_INT(s->attrs.n, 4);
  CHECK_INT(s->attrs.dropped, 2);
  /* A key the span has already, and a second block, go one by one. */
  otel_attr_t other[] = {OTEL_ATTR_INT("a", 10), OTEL_ATTR_INT("d", 4)};
  otel_attr_block_t *second = otel_attr_block_new(other, 2);
  otel_span_set_block(s, second);
  CHECK(s->block == block);
  CHECK_INT(otel__attrs_find(&s->attrs, "a")->v.i, 10);
  CHECK(otel__attrs_find(&s->attrs, "d") == NULL);
  CHECK_INT(s->attrs.dropped, 3);
  otel_span_t *t = otel_span_start(tracer(), "full", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_span_set_int(t, "a", 1);
  otel_span_set_int(t, "b", 2);
  otel_span_set_int(t, "c", 3);
  otel_span_set_int(t, "x", 0);
  otel_span_set_block(t, second); /* no room for two: "a" replaced, "d" dropped */
  CHECK(t->block == NULL);
  CHECK_INT(otel__attrs_find(&t->attrs, "a")->v.i, 10);
  CHECK(otel__attrs_find(&t->attrs, "d") == NULL);
  CHECK_INT(t->attrs.n, 4);
  CHECK_INT(t->attrs.dropped, 1);
  otel_attr_block_release(second);
  otel_span_end(t);
  otel_span_end(s);
  test_sdk_stop(); /* ASan: the blocks are freed with the last span */
}

/* Keys of one length, or one a prefix of another, are different keys. */
TEST(keys_alike_in_length_or_prefix_stay_apart) {
  TEST_SDK_START("X=1");
  otel_span_t *s = otel_span_start(tracer(), "keys", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_span_set_int(s, "key.a", 1);
  otel_span_set_int(s, "key.b", 2);
  otel_span_set_int(s, "key", 3);
  otel_span_set_int(s, "key.ab", 4);
  OTEL_SPAN_SET_INT(s, "key.b", 5);
  CHECK_INT(s->attrs.n, 4);
  CHECK_INT(otel__attrs_find(&s->attrs, "key.a")->v.i, 1);
  CHECK_INT(otel__attrs_find(&s->attrs, "key.b")->v.i, 5);
  CHECK_INT(otel__attrs_find(&s->attrs, "key")->v.i, 3);
  CHECK_INT(otel__attrs_find(&s->attrs, "key.ab")->v.i, 4);
  CHECK(!otel__attrs_find(&s->attrs, "key."));
  otel_span_end(s);
  test_sdk_stop();
}

TEST(many_attributes_grow_past_the_inline_block) {
  TEST_SDK_START("X=1");
  otel_span_t *s = otel_span_start(tracer(), "big", OTEL_SPAN_KIND_INTERNAL, NULL);
  char key[32], value[300];
  memset(value, 'v', sizeof(value) - 1);
  value[sizeof(value) - 1] = '\0';
  for (int i = 0; i < 100; i++) {
    snprintf(key, sizeof(key), "key.%d", i);
    otel_span_set_str(s, key, value);
  }
  CHECK_INT(s->attrs.n, 100);
  CHECK_INT(strlen(otel__attrs_find(&s->attrs, "key.99")->v.s), 299);
  otel_span_end(s);
  test_sdk_stop();
}

/* Extra attributes on an exception's event: added beside the three, and
 * winning over one of them they name. */
TEST(exception_with_attributes) {
  TEST_SDK_START("X=1");
  otel_span_t *s = otel_span_start(tracer(), "failing", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_attr_t extra[] = {OTEL_ATTR_STR("exception.message", "no such file: [path]"),
                         OTEL_ATTR_INT("file.size", 0), OTEL_ATTR_BOOL("exception.escaped", true)};
  otel_span_record_exception_attrs(s, "ENOENT", "no such file: /etc/secret", "main\nopen", extra,
                                   3);
  otel_span_record_exception_attrs(s, NULL, NULL, NULL, NULL, 0);
  CHECK_INT(s->n_events, 2);
  const otel__attrs_t *a = &s->events[0].attrs;
  CHECK_STR(s->events[0].name, "exception");
  CHECK_INT(a->n, 5);
  CHECK_STR(otel__attrs_find(a, "exception.type")->v.s, "ENOENT");
  CHECK_STR(otel__attrs_find(a, "exception.message")->v.s, "no such file: [path]");
  CHECK_STR(otel__attrs_find(a, "exception.stacktrace")->v.s, "main\nopen");
  CHECK_INT(otel__attrs_find(a, "file.size")->v.i, 0);
  CHECK(otel__attrs_find(a, "exception.escaped")->v.b);
  CHECK_INT(s->events[1].attrs.n, 0);
  otel_span_end(s);
  test_sdk_stop();
}

TEST(unsampled_spans_propagate_but_record_nothing) {
  TEST_SDK_START("OTEL_TRACES_SAMPLER=always_off");
  otel_span_t *s = otel_span_start(tracer(), "dropped", OTEL_SPAN_KIND_SERVER, NULL);
  CHECK(!otel_span_is_recording(s));
  CHECK(otel_span_context_is_valid(otel_span_context(s)));
  CHECK_INT(s->ctx.flags, OTEL_TRACE_FLAG_RANDOM);
  otel_span_set_str(s, "k", "v");
  otel_span_add_event(s, "e", NULL, 0);
  CHECK_INT(s->attrs.n, 0);
  CHECK_INT(s->n_events, 0);
  otel_scope_t scope = otel_span_attach(s);
  otel_span_t *child = otel_span_start(tracer(), "child", OTEL_SPAN_KIND_CLIENT, NULL);
  CHECK(!memcmp(child->ctx.trace_id, s->ctx.trace_id, 16));
  otel_span_end(child);
  otel_scope_end(&scope);
  otel_span_end(s);
  test_sdk_stop();
}

TEST(disabled_sdk_is_a_no_op) {
  TEST_SDK_START("OTEL_SDK_DISABLED=true");
  otel_span_t *s = otel_span_start(tracer(), "nothing", OTEL_SPAN_KIND_SERVER, NULL);
  CHECK(s != NULL);
  CHECK(!otel_span_is_recording(s));
  CHECK(!otel_span_context_is_valid(otel_span_context(s)));
  otel_span_set_str(s, "k", "v");
  otel_span_set_status(s, OTEL_STATUS_ERROR, "x");
  otel_span_end(s);
  otel_span_end(s); /* the shared no-op span survives anything */
  otel_span_end(NULL);
  test_sdk_stop();
}

static void *start_in_thread(void *arg) {
  otel_context_t *ctx = arg;
  otel_scope_t scope = otel_context_attach(ctx);
  otel_span_t *s = otel_span_start(otel_tracer_get("test.scope", "1.2.3"), "worker",
                                   OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_scope_end(&scope);
  return s;
}

TEST(context_crosses_threads) {
  TEST_SDK_START("X=1");
  otel_span_t *parent = otel_span_start(tracer(), "parent", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(parent);
  otel_context_t ctx;
  otel_context_capture(&ctx);
  otel_scope_end(&scope);
  pthread_t t;
  void *child;
  pthread_create(&t, NULL, start_in_thread, &ctx);
  pthread_join(t, &child);
  otel_span_t *c = child;
  CHECK(!memcmp(c->ctx.trace_id, parent->ctx.trace_id, 16));
  CHECK(!memcmp(c->parent_span_id, parent->ctx.span_id, 8));
  otel_span_end(c);
  otel_span_end(parent);
  otel_context_release(&ctx);
  test_sdk_stop();
}

static void *start_and_end_a_root(void *unused) {
  (void)unused;
  otel_span_end(otel_span_start(tracer(), "in a thread", OTEL_SPAN_KIND_INTERNAL, NULL));
  return NULL;
}

/* The counts behind otel.sdk.span.started and .live: by the parent's
 * origin and the sampler's result, a thread's kept when it exits. */
TEST(spans_are_counted) {
  TEST_SDK_START("OTEL_TRACES_SAMPLER=parentbased_always_on");
  otel__span_counts_t before = otel__span_counts();
  otel_span_t *root = otel_span_start(tracer(), "root", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(root);
  otel_span_t *local = otel_span_start(tracer(), "local", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_scope_end(&scope);
  otel_context_t remote;
  memset(&remote, 0, sizeof(remote));
  /* a remote parent that did not sample: neither does its child */
  CHECK_INT(otel_traceparent_parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00",
                                   &remote.span_context),
            0);
  otel_span_t *dropped = otel_span_start(tracer(), "dropped", OTEL_SPAN_KIND_SERVER, &remote);
  otel__span_counts_t live = otel__span_counts();
  otel_span_end(local);
  otel_span_end(dropped);
  pthread_t t;
  pthread_create(&t, NULL, start_and_end_a_root, NULL);
  pthread_join(t, NULL);
  otel_span_end(root);
  otel__span_counts_t after = otel__span_counts();
  CHECK_INT(live.started[OTEL__ORIGIN_NONE][1] - before.started[OTEL__ORIGIN_NONE][1], 1);
  CHECK_INT(live.started[OTEL__ORIGIN_LOCAL][1] - before.started[OTEL__ORIGIN_LOCAL][1], 1);
  CHECK_INT(live.started[OTEL__ORIGIN_REMOTE][0] - before.started[OTEL__ORIGIN_REMOTE][0], 1);
  CHECK_INT(live.ended - before.ended, 0);
  CHECK_INT(after.started[OTEL__ORIGIN_NONE][1] - before.started[OTEL__ORIGIN_NONE][1], 2);
  CHECK_INT(after.ended - before.ended, 3); /* the sampled ones */
  CHECK_INT(after.started[OTEL__ORIGIN_REMOTE][1], before.started[OTEL__ORIGIN_REMOTE][1]);
  test_sdk_stop();
}

TEST_MAIN("span", TEST_CASE(root_span_has_fresh_ids), TEST_CASE(ids_as_hex),
          TEST_CASE(tracer_is_interned), TEST_CASE(attributes_of_every_type),
          TEST_CASE(attribute_limits), TEST_CASE(literal_key_attributes),
          TEST_CASE(macros_skip_spans_that_do_not_record), TEST_CASE(attribute_blocks),
          TEST_CASE(a_server_span_fits_its_block),
          TEST_CASE(keys_alike_in_length_or_prefix_stay_apart),
          TEST_CASE(many_attributes_grow_past_the_inline_block),
          TEST_CASE(exception_with_attributes),
          TEST_CASE(unsampled_spans_propagate_but_record_nothing),
          TEST_CASE(disabled_sdk_is_a_no_op), TEST_CASE(context_crosses_threads),
          TEST_CASE(spans_are_counted))
