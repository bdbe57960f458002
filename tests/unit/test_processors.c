/*
 * A program's span processors, exporters and sampler (<otel/processor.h>,
 * <otel/sampler.h>), the read-only span view, and the in-memory exporter
 * (<otel/testing.h>) that reads them back; each case in a child of its own
 * (plugins.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <otel/processor.h>
#include <otel/sampler.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plugins.h"
#include "sdk_child.h"
#include "test.h"

/* --- processors: order, writing at the start, the parent context --- */

static char calls[64];

static void note(const char *what) { strncat(calls, what, sizeof(calls) - strlen(calls) - 1); }

static void first_start(void *ud, otel_span_t *span, const otel_context_t *parent) {
  (void)ud;
  note("1s");
  const char *tenant = otel_baggage_get(parent->baggage, "tenant");
  otel_span_set_str(span, "tenant", tenant ? tenant : "none");
}

static bool first_end(void *ud, const otel_span_data_t *span) {
  (void)ud;
  (void)span;
  note("1e");
  return true;
}

static void second_start(void *ud, otel_span_t *span, const otel_context_t *parent) {
  (void)parent;
  note("2s");
  /* sees what the first one wrote */
  const char *tenant = plugins_str(otel_span_data_attrs(otel_span_data(span)), "tenant");
  otel_span_set_str(span, "seen", tenant ? tenant : "nothing");
  *(int *)ud += 1;
}

static bool second_end(void *ud, const otel_span_data_t *span) {
  (void)span;
  note("2e");
  *(int *)ud += 10;
  return true;
}

static int processors_body(void) {
  static int count;
  EXPECT(otel_add_span_processor(
             &OTEL_SPAN_PROCESSOR_INIT(.on_start = first_start, .on_end = first_end)) == 0);
  EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.ud = &count, .on_start = second_start,
                                                           .on_end = second_end)) == 0);
  EXPECT(plugins_start() == 0);
  otel_context_t ctx = {0};
  ctx.baggage = otel_baggage_set(NULL, "tenant", "acme");
  otel_scope_t scope = otel_context_attach(&ctx);
  otel_span_end(otel_span_start(plugins_tracer(), "work", OTEL_SPAN_KIND_INTERNAL, NULL));
  otel_scope_end(&scope);
  otel_context_release(&ctx);
  EXPECT(!strcmp(calls, "1s2s1e2e"));
  EXPECT(count == 11);
  EXPECT(otel_memory_span_count(plugins_memory) == 1);
  const otel_attr_list_t *attrs = otel_span_data_attrs(otel_memory_span(plugins_memory, 0));
  EXPECT(plugins_str_is(plugins_str(attrs, "tenant"), "acme"));
  EXPECT(plugins_str_is(plugins_str(attrs, "seen"), "acme"));
  EXPECT(otel_shutdown(1000) == 0);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(processors_run_in_order_and_may_write_at_the_start) {
  CHECK_INT(plugins_in_child(processors_body), 0);
}

/* --- on_end returning false: a health check dropped in process --- */

static bool drop_health(void *ud, const otel_span_data_t *span) {
  (void)ud;
  return strcmp(otel_span_data_name(span), "GET /health") != 0;
}

static bool count_end(void *ud, const otel_span_data_t *span) {
  (void)span;
  *(int *)ud += 1;
  return true;
}

static int drop_body(void) {
  static int before, after;
  EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.ud = &before, .on_end = count_end)) ==
         0);
  EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.on_end = drop_health)) == 0);
  EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.ud = &after, .on_end = count_end)) ==
         0);
  EXPECT(plugins_start() == 0);
  otel_span_end(otel_span_start(plugins_tracer(), "GET /health", OTEL_SPAN_KIND_SERVER, NULL));
  otel_span_end(otel_span_start(plugins_tracer(), "GET /items", OTEL_SPAN_KIND_SERVER, NULL));
  EXPECT(before == 2);
  EXPECT(after == 1);
  EXPECT(otel_memory_span_count(plugins_memory) == 1);
  EXPECT(otel_memory_find_span(plugins_memory, "GET /items") != NULL);
  EXPECT(otel_memory_find_span(plugins_memory, "GET /health") == NULL);
  otel_shutdown(1000);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(on_end_false_drops_the_span_for_what_comes_after) {
  CHECK_INT(plugins_in_child(drop_body), 0);
}

/* --- the sampler: what it is given, what it adds --- */

static otel_sampling_decision_t decision;
static char seen[128];

static void sample(void *ud, const otel_sampling_params_t *p, otel_sampling_result_t *out) {
  (void)ud;
  static const otel_attr_t added[] = {
      {.key = "sampler.rule", .type = OTEL_VALUE_STRING, .v.s = "test"}};
  char trace[OTEL_TRACE_ID_HEX_SIZE];
  for (int i = 0; i < OTEL_TRACE_ID_SIZE; i++)
    snprintf(trace + 2 * i, 3, "%02x", p->trace_id[i]);
  snprintf(seen, sizeof(seen), "%s kind=%d attrs=%zu links=%zu root=%d %s", p->name, p->kind,
           p->n_attrs, p->n_links, !otel_span_context_is_valid(&p->parent->span_context),
           p->n_attrs ? p->attrs[0].key : "-");
  out->decision = decision;
  out->attrs = added;
  out->n_attrs = 1;
  out->trace_state = "vendor=1";
}

static int sampler_body(void) {
  decision = OTEL_SAMPLING_RECORD_AND_SAMPLE;
  EXPECT(otel_set_sampler(&OTEL_SAMPLER_INIT(.should_sample = sample, .description = "Test")) == 0);
  EXPECT(plugins_start() == 0);
  otel_span_t *other = otel_span_start(plugins_tracer(), "other", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_attr_t attrs[] = {OTEL_ATTR_STR("messaging.system", "kafka"), OTEL_ATTR_INT("batch", 3)};
  otel_attr_t link_attrs[] = {OTEL_ATTR_STR("why", "batched")};
  otel_link_t links[] = {{otel_span_context(other), link_attrs, 1}};
  otel_span_t *s =
      otel_span_start_with(plugins_tracer(), "consume", OTEL_SPAN_KIND_CONSUMER, NULL,
                           &OTEL_SPAN_OPTIONS(.attrs = attrs, .n_attrs = 2, .links = links,
                                              .n_links = 1, .start_unix_ns = 1700000000000000000));
  EXPECT(!strcmp(seen, "consume kind=5 attrs=2 links=1 root=1 messaging.system"));
  otel_span_end(s);
  otel_span_end(other);
  const otel_span_data_t *d = otel_memory_find_span(plugins_memory, "consume");
  EXPECT(d);
  EXPECT(otel_span_data_start_time(d) == 1700000000000000000);
  const otel_attr_list_t *a = otel_span_data_attrs(d);
  EXPECT(otel_attr_list_len(a) == 3);
  EXPECT(plugins_str_is(plugins_str(a, "messaging.system"), "kafka"));
  EXPECT(plugins_str_is(plugins_str(a, "sampler.rule"), "test"));
  EXPECT(otel_span_data_link_count(d) == 1);
  otel_span_context_t linked;
  EXPECT(otel_span_data_link_context(d, 0, &linked));
  EXPECT(!memcmp(linked.span_id, otel_span_context(other)->span_id, OTEL_SPAN_ID_SIZE));
  EXPECT(plugins_str_is(plugins_str(otel_span_data_link_attrs(d, 0), "why"), "batched"));
  EXPECT(!strcmp(otel_span_data_context(d)->trace_state, "vendor=1"));
  EXPECT(otel_span_data_context(d)->flags & OTEL_TRACE_FLAG_SAMPLED);
  otel_shutdown(1000);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(sampler_sees_attributes_and_links_given_at_the_start) {
  CHECK_INT(plugins_in_child(sampler_body), 0);
}

static int record_only_body(void) {
  static int ended;
  decision = OTEL_SAMPLING_RECORD_ONLY;
  EXPECT(otel_set_sampler(&OTEL_SAMPLER_INIT(.should_sample = sample)) == 0);
  EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.ud = &ended, .on_end = count_end)) ==
         0);
  EXPECT(plugins_start() == 0);
  otel_span_t *s = otel_span_start(plugins_tracer(), "recorded", OTEL_SPAN_KIND_INTERNAL, NULL);
  EXPECT(otel_span_is_recording(s));
  EXPECT(!(otel_span_context(s)->flags & OTEL_TRACE_FLAG_SAMPLED));
  otel_span_end(s);
  EXPECT(ended == 1);                                  /* processors see it */
  EXPECT(otel_memory_span_count(plugins_memory) == 0); /* exporters do not */
  decision = OTEL_SAMPLING_DROP;
  s = otel_span_start(plugins_tracer(), "dropped", OTEL_SPAN_KIND_INTERNAL, NULL);
  EXPECT(!otel_span_is_recording(s));
  EXPECT(otel_span_context_is_valid(otel_span_context(s))); /* still propagates */
  otel_span_end(s);
  EXPECT(ended == 1);
  otel_shutdown(1000);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(record_only_reaches_processors_not_exporters) {
  CHECK_INT(plugins_in_child(record_only_body), 0);
}

/* A sampler that keeps every span that starts with error.type, and defers
 * to OTEL_TRACES_SAMPLER's for the rest. */
static void keep_errors(void *ud, const otel_sampling_params_t *p, otel_sampling_result_t *out) {
  (void)ud;
  for (size_t i = 0; i < p->n_attrs; i++)
    if (!strcmp(p->attrs[i].key, "error.type")) {
      out->decision = OTEL_SAMPLING_RECORD_AND_SAMPLE;
      return;
    }
  otel_sampler_configured(p, out);
}

static int defer_body(void) {
  setenv("OTEL_TRACES_SAMPLER", "always_off", 1);
  EXPECT(otel_set_sampler(&OTEL_SAMPLER_INIT(.should_sample = keep_errors)) == 0);
  EXPECT(plugins_start() == 0);
  otel_span_end(otel_span_start(plugins_tracer(), "fine", OTEL_SPAN_KIND_INTERNAL, NULL));
  otel_attr_t error = OTEL_ATTR_STR("error.type", "timeout");
  otel_span_end(otel_span_start_with(plugins_tracer(), "failed", OTEL_SPAN_KIND_INTERNAL, NULL,
                                     &OTEL_SPAN_OPTIONS(.attrs = &error, .n_attrs = 1)));
  EXPECT(otel_memory_span_count(plugins_memory) == 1);
  EXPECT(otel_memory_find_span(plugins_memory, "failed"));
  otel_shutdown(1000);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(a_sampler_may_defer_to_the_configured_one) { CHECK_INT(plugins_in_child(defer_body), 0); }

/* --- registration --- */

static int never_flush(void *ud, uint32_t ms) {
  (void)ud;
  (void)ms;
  abort(); /* past the size the table was given: must not be called */
}

static void export_nothing_shutdown(void *ud, uint32_t ms) {
  (void)ms;
  *(int *)ud += 1;
}

static otel_export_result_t export_nothing(void *ud, const otel_span_data_t *const *s, size_t n,
                                           uint32_t ms) {
  (void)ud;
  (void)s;
  (void)n;
  (void)ms;
  return OTEL_EXPORT_SUCCESS;
}

static int registration_body(void) {
  static int ended, shut;
  EXPECT(otel_add_span_processor(NULL) == -EINVAL);
  EXPECT(otel_add_span_processor(&(otel_span_processor_t){0}) == -EINVAL); /* no size */
  EXPECT(otel_add_span_exporter(&OTEL_SPAN_EXPORTER_INIT(.ud = &shut), OTEL_PROCESSING_SIMPLE) ==
         -EINVAL); /* no export */
  EXPECT(otel_add_span_exporter(&OTEL_SPAN_EXPORTER_INIT(.export_spans = export_nothing), 7) ==
         -EINVAL);
  EXPECT(otel_set_sampler(&OTEL_SAMPLER_INIT(.description = "none")) == -EINVAL);
  /* A program built when the table ended before force_flush: what follows
   * in memory is not read. */
  otel_span_processor_t older = {.size = offsetof(otel_span_processor_t, force_flush),
                                 .ud = &ended,
                                 .on_end = count_end,
                                 .force_flush = never_flush};
  EXPECT(otel_add_span_processor(&older) == 0);
  EXPECT(
      otel_add_span_exporter(&OTEL_SPAN_EXPORTER_INIT(.ud = &shut, .export_spans = export_nothing,
                                                      .shutdown = export_nothing_shutdown),
                             OTEL_PROCESSING_SIMPLE) == 0);
  for (int i = 2; i < 16; i++)
    EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.on_end = first_end)) == 0);
  EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.on_end = first_end)) == -ENOSPC);
  EXPECT(plugins_start() == -ENOSPC); /* no room for the in-memory exporter either */
  EXPECT(otel_testing_init("processors-test", NULL) == 0);
  EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.on_end = first_end)) == -EBUSY);
  EXPECT(otel_set_sampler(&OTEL_SAMPLER_INIT(.should_sample = sample)) == -EBUSY);
  otel_span_end(otel_span_start(plugins_tracer(), "x", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(ended == 1);
  EXPECT(otel_force_flush(1000) == 0);
  EXPECT(otel_shutdown(1000) == 0);
  EXPECT(shut == 1);
  EXPECT(otel_shutdown(1000) == 0);
  EXPECT(shut == 1);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(registration_checks_tables_and_closes_at_init) {
  CHECK_INT(plugins_in_child(registration_body), 0);
}

/* --- an exporter behind the batch processor --- */

static atomic_int exported, inside, most_inside, flushed, shutdowns;

static otel_export_result_t export_slowly(void *ud, const otel_span_data_t *const *spans, size_t n,
                                          uint32_t timeout_ms) {
  (void)ud;
  int now = atomic_fetch_add(&inside, 1) + 1;
  if (now > atomic_load(&most_inside))
    atomic_store(&most_inside, now);
  for (size_t i = 0; i < n; i++)
    if (strcmp(otel_span_data_name(spans[i]), "batched") || !timeout_ms)
      return OTEL_EXPORT_FAILURE;
  usleep(1000);
  atomic_fetch_add(&exported, (int)n);
  atomic_fetch_sub(&inside, 1);
  return OTEL_EXPORT_SUCCESS;
}

static int flush_exporter(void *ud, uint32_t ms) {
  (void)ud;
  (void)ms;
  atomic_fetch_add(&flushed, 1);
  return 0;
}

static void shutdown_exporter(void *ud, uint32_t ms) {
  (void)ud;
  (void)ms;
  atomic_fetch_add(&shutdowns, 1);
}

static void *end_spans(void *arg) {
  (void)arg;
  for (int i = 0; i < 50; i++)
    otel_span_end(otel_span_start(plugins_tracer(), "batched", OTEL_SPAN_KIND_INTERNAL, NULL));
  return NULL;
}

static int batch_body(void) {
  setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "16", 1);
  EXPECT(otel_add_span_exporter(&OTEL_SPAN_EXPORTER_INIT(.export_spans = export_slowly,
                                                         .force_flush = flush_exporter,
                                                         .shutdown = shutdown_exporter),
                                OTEL_PROCESSING_BATCH) == 0);
  EXPECT(plugins_start() == 0);
  pthread_t threads[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&threads[i], NULL, end_spans, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(threads[i], NULL);
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(atomic_load(&exported) == 200);
  EXPECT(atomic_load(&most_inside) == 1); /* never concurrently */
  EXPECT(atomic_load(&flushed) == 1);
  EXPECT(otel_memory_span_count(plugins_memory) == 200); /* the same spans, held by both */
  otel_memory_reset(plugins_memory);
  EXPECT(otel_shutdown(5000) == 0);
  EXPECT(atomic_load(&shutdowns) == 1);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(batch_exporter_is_never_called_concurrently) { CHECK_INT(plugins_in_child(batch_body), 0); }

/* --- the simple processor: never concurrent, and no lock held around the exporter --- */

static char order[256];

static otel_export_result_t export_and_trace(void *ud, const otel_span_data_t *const *spans,
                                             size_t n, uint32_t timeout_ms) {
  (void)ud;
  (void)timeout_ms;
  int now = atomic_fetch_add(&inside, 1) + 1;
  if (now > atomic_load(&most_inside))
    atomic_store(&most_inside, now);
  const char *name = otel_span_data_name(spans[0]);
  if (n == 1 && strlen(order) < 200) {
    strcat(order, name);
    strcat(order, ";");
  }
  /* An exporter that traces its own work: ends a span while exporting. */
  if (!strcmp(name, "outer"))
    otel_span_end(otel_span_start(plugins_tracer(), "exporter's own", OTEL_SPAN_KIND_CLIENT, NULL));
  atomic_fetch_sub(&inside, 1);
  return OTEL_EXPORT_SUCCESS;
}

static void *end_named(void *arg) {
  for (int i = 0; i < 20; i++)
    otel_span_end(otel_span_start(plugins_tracer(), arg, OTEL_SPAN_KIND_INTERNAL, NULL));
  return NULL;
}

static int simple_body(void) {
  EXPECT(otel_add_span_exporter(&OTEL_SPAN_EXPORTER_INIT(.export_spans = export_and_trace),
                                OTEL_PROCESSING_SIMPLE) == 0);
  EXPECT(plugins_start() == 0);
  otel_span_end(otel_span_start(plugins_tracer(), "outer", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(!strcmp(order, "outer;exporter's own;")); /* right after, on this thread */
  pthread_t threads[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&threads[i], NULL, end_named, "threaded");
  for (int i = 0; i < 3; i++)
    pthread_join(threads[i], NULL);
  EXPECT(atomic_load(&most_inside) == 1);
  EXPECT(otel_memory_span_count(plugins_memory) == 62);
  EXPECT(otel_shutdown(1000) == 0);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(simple_exporter_may_end_spans_of_its_own) { CHECK_INT(plugins_in_child(simple_body), 0); }

/* --- the view: every field --- */

static int view_body(void) {
  EXPECT(plugins_start() == 0);
  otel_span_t *parent = otel_span_start(plugins_tracer(), "parent", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(parent);
  otel_span_t *s = otel_span_start(plugins_tracer(), "child", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_span_set_int(s, "n", 7);
  otel_span_add_event(s, "retry", &OTEL_ATTR_INT("attempt", 2), 1);
  otel_span_add_link(s, otel_span_context(parent), NULL, 0);
  otel_span_set_status(s, OTEL_STATUS_ERROR, "refused");
  otel_span_end_at(s, 0);
  otel_scope_end(&scope);
  otel_span_end(parent);
  const otel_span_data_t *d = otel_memory_span(plugins_memory, 0);
  const otel_span_data_t *p = otel_memory_span(plugins_memory, 1);
  EXPECT(d && p && !otel_memory_span(plugins_memory, 2));
  EXPECT(!strcmp(otel_span_data_name(d), "child"));
  EXPECT(otel_span_data_kind(d) == OTEL_SPAN_KIND_CLIENT);
  EXPECT(!memcmp(otel_span_data_parent_span_id(d), otel_span_data_context(p)->span_id, 8));
  EXPECT(!memcmp(otel_span_data_context(d)->trace_id, otel_span_data_context(p)->trace_id, 16));
  EXPECT(!otel_span_data_parent_is_remote(d));
  EXPECT(otel_span_data_parent_span_id(p) == NULL);
  EXPECT(otel_span_data_end_time(d) >= otel_span_data_start_time(d));
  EXPECT(otel_span_data_start_time(d) >= otel_span_data_start_time(p));
  const char *why = NULL;
  EXPECT(otel_span_data_status(d, &why) == OTEL_STATUS_ERROR && plugins_str_is(why, "refused"));
  EXPECT(otel_attr_list_len(otel_span_data_attrs(d)) == 1);
  const otel_attr_t *n = otel_attr_list_at(otel_span_data_attrs(d), 0);
  EXPECT(!strcmp(n->key, "n") && n->type == OTEL_VALUE_INT && n->v.i == 7);
  EXPECT(otel_attr_list_at(otel_span_data_attrs(d), 1) == NULL);
  EXPECT(otel_span_data_event_count(d) == 1);
  EXPECT(!strcmp(otel_span_data_event_name(d, 0), "retry"));
  EXPECT(otel_span_data_event_time(d, 0) >= otel_span_data_start_time(d));
  EXPECT(plugins_int(otel_span_data_event_attrs(d, 0), "attempt") == 2);
  EXPECT(otel_span_data_event_name(d, 1) == NULL);
  EXPECT(otel_span_data_link_count(d) == 1 && otel_span_data_dropped_links(d) == 0);
  EXPECT(otel_span_data_dropped_events(d) == 0);
  EXPECT(!strcmp(otel_span_data_scope_name(d), "processors.test"));
  EXPECT(!strcmp(otel_span_data_scope_version(d), "2.0"));
  EXPECT(otel_span_data_scope_schema_url(d) == NULL);
  EXPECT(otel_attr_list_len(otel_span_data_scope_attrs(d)) == 0);
  EXPECT(
      plugins_str_is(plugins_str(otel_span_data_resource(d), "service.name"), "processors-test"));
  otel_memory_reset(plugins_memory);
  EXPECT(otel_memory_span_count(plugins_memory) == 0 &&
         !otel_memory_find_span(plugins_memory, "child"));
  otel_shutdown(1000);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(the_view_reads_every_field) { CHECK_INT(plugins_in_child(view_body), 0); }

/* --- beside the pipeline of the environment --- */

static void register_health_filter(void) {
  otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.on_end = drop_health));
  plugins_memory = otel_memory_new();
  otel_span_exporter_t e = otel_memory_span_exporter(plugins_memory);
  otel_add_span_exporter(&e, OTEL_PROCESSING_BATCH);
}

static int two_requests(void) {
  otel_span_end(otel_span_start(plugins_tracer(), "GET /health", OTEL_SPAN_KIND_SERVER, NULL));
  otel_span_end(otel_span_start(plugins_tracer(), "GET /items", OTEL_SPAN_KIND_SERVER, NULL));
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(otel_memory_span_count(plugins_memory) == 1);
  EXPECT(otel_shutdown(5000) == 0);
  otel_memory_free(plugins_memory);
  return 0;
}

TEST(the_environments_pipeline_comes_last) {
  receiver_t *r;
  test_child_before_init = register_health_filter;
  int rc = test_in_child(&r, NULL, ENV("X=1"), two_requests);
  test_child_before_init = NULL;
  CHECK_INT(rc, 0);
  CHECK_INT(receiver_count(r), 1);
  const received_t *got = receiver_get(r, 0);
  CHECK(memmem(got->body, got->len, "GET /items", 10));
  CHECK(!memmem(got->body, got->len, "GET /health", 11));
  receiver_stop(r);
}

TEST_MAIN("processors", TEST_CASE(processors_run_in_order_and_may_write_at_the_start),
          TEST_CASE(on_end_false_drops_the_span_for_what_comes_after),
          TEST_CASE(sampler_sees_attributes_and_links_given_at_the_start),
          TEST_CASE(record_only_reaches_processors_not_exporters),
          TEST_CASE(a_sampler_may_defer_to_the_configured_one),
          TEST_CASE(registration_checks_tables_and_closes_at_init),
          TEST_CASE(batch_exporter_is_never_called_concurrently),
          TEST_CASE(simple_exporter_may_end_spans_of_its_own),
          TEST_CASE(the_view_reads_every_field), TEST_CASE(the_environments_pipeline_comes_last))
