/*
 * A program's span processors, exporters and sampler (<otel/processor.h>,
 * <otel/sampler.h>), the read-only span view, and the in-memory exporter
 * (<otel/testing.h>) that reads them back. Registration closes at
 * otel_init(), once a process: each case runs in a child of its own.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <otel/metrics.h>
#include <otel/processor.h>
#include <otel/sampler.h>
#include <otel/testing.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sdk_child.h"
#include "test.h"

/* Runs body in a child and returns its exit status (100 + a signal). */
static int in_child(int (*body)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout)) /* the JSON log lines */
      _exit(99);
    _exit(body());
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

static const otel_tracer_t *tracer(void) { return otel_tracer_get("processors.test", "2.0"); }

static otel_memory_t *memory;

/* Registers the in-memory exporter (simple) and starts the test's SDK. */
static int start_with_memory(void) {
  memory = otel_memory_new();
  return memory ? otel_testing_init("processors-test", memory) : -ENOMEM;
}

static const char *str_attr(const otel_attr_list_t *l, const char *key) {
  const otel_attr_t *a = otel_attr_list_find(l, key);
  return a && a->type == OTEL_VALUE_STRING ? a->v.s : NULL;
}

static int64_t int_attr(const otel_attr_list_t *l, const char *key) {
  const otel_attr_t *a = otel_attr_list_find(l, key);
  return a && a->type == OTEL_VALUE_INT ? a->v.i : -1;
}

static bool str_is(const char *a, const char *b) { return a && b && !strcmp(a, b); }

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
  const char *tenant = str_attr(otel_span_data_attrs(otel_span_data(span)), "tenant");
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
  EXPECT(start_with_memory() == 0);
  otel_context_t ctx = {0};
  ctx.baggage = otel_baggage_set(NULL, "tenant", "acme");
  otel_scope_t scope = otel_context_attach(&ctx);
  otel_span_end(otel_span_start(tracer(), "work", OTEL_SPAN_KIND_INTERNAL, NULL));
  otel_scope_end(&scope);
  otel_context_release(&ctx);
  EXPECT(!strcmp(calls, "1s2s1e2e"));
  EXPECT(count == 11);
  EXPECT(otel_memory_span_count(memory) == 1);
  const otel_attr_list_t *attrs = otel_span_data_attrs(otel_memory_span(memory, 0));
  EXPECT(str_is(str_attr(attrs, "tenant"), "acme"));
  EXPECT(str_is(str_attr(attrs, "seen"), "acme"));
  EXPECT(otel_shutdown(1000) == 0);
  otel_memory_free(memory);
  return 0;
}

TEST(processors_run_in_order_and_may_write_at_the_start) {
  CHECK_INT(in_child(processors_body), 0);
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
  EXPECT(start_with_memory() == 0);
  otel_span_end(otel_span_start(tracer(), "GET /health", OTEL_SPAN_KIND_SERVER, NULL));
  otel_span_end(otel_span_start(tracer(), "GET /items", OTEL_SPAN_KIND_SERVER, NULL));
  EXPECT(before == 2);
  EXPECT(after == 1);
  EXPECT(otel_memory_span_count(memory) == 1);
  EXPECT(otel_memory_find_span(memory, "GET /items") != NULL);
  EXPECT(otel_memory_find_span(memory, "GET /health") == NULL);
  otel_shutdown(1000);
  otel_memory_free(memory);
  return 0;
}

TEST(on_end_false_drops_the_span_for_what_comes_after) { CHECK_INT(in_child(drop_body), 0); }

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
  EXPECT(start_with_memory() == 0);
  otel_span_t *other = otel_span_start(tracer(), "other", OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_attr_t attrs[] = {OTEL_ATTR_STR("messaging.system", "kafka"), OTEL_ATTR_INT("batch", 3)};
  otel_attr_t link_attrs[] = {OTEL_ATTR_STR("why", "batched")};
  otel_link_t links[] = {{otel_span_context(other), link_attrs, 1}};
  otel_span_t *s =
      otel_span_start_with(tracer(), "consume", OTEL_SPAN_KIND_CONSUMER, NULL,
                           &OTEL_SPAN_OPTIONS(.attrs = attrs, .n_attrs = 2, .links = links,
                                              .n_links = 1, .start_unix_ns = 1700000000000000000));
  EXPECT(!strcmp(seen, "consume kind=5 attrs=2 links=1 root=1 messaging.system"));
  otel_span_end(s);
  otel_span_end(other);
  const otel_span_data_t *d = otel_memory_find_span(memory, "consume");
  EXPECT(d);
  EXPECT(otel_span_data_start_time(d) == 1700000000000000000);
  const otel_attr_list_t *a = otel_span_data_attrs(d);
  EXPECT(otel_attr_list_len(a) == 3);
  EXPECT(str_is(str_attr(a, "messaging.system"), "kafka"));
  EXPECT(str_is(str_attr(a, "sampler.rule"), "test"));
  EXPECT(otel_span_data_link_count(d) == 1);
  otel_span_context_t linked;
  EXPECT(otel_span_data_link_context(d, 0, &linked));
  EXPECT(!memcmp(linked.span_id, otel_span_context(other)->span_id, OTEL_SPAN_ID_SIZE));
  EXPECT(str_is(str_attr(otel_span_data_link_attrs(d, 0), "why"), "batched"));
  EXPECT(!strcmp(otel_span_data_context(d)->trace_state, "vendor=1"));
  EXPECT(otel_span_data_context(d)->flags & OTEL_TRACE_FLAG_SAMPLED);
  otel_shutdown(1000);
  otel_memory_free(memory);
  return 0;
}

TEST(sampler_sees_attributes_and_links_given_at_the_start) { CHECK_INT(in_child(sampler_body), 0); }

static int record_only_body(void) {
  static int ended;
  decision = OTEL_SAMPLING_RECORD_ONLY;
  EXPECT(otel_set_sampler(&OTEL_SAMPLER_INIT(.should_sample = sample)) == 0);
  EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.ud = &ended, .on_end = count_end)) ==
         0);
  EXPECT(start_with_memory() == 0);
  otel_span_t *s = otel_span_start(tracer(), "recorded", OTEL_SPAN_KIND_INTERNAL, NULL);
  EXPECT(otel_span_is_recording(s));
  EXPECT(!(otel_span_context(s)->flags & OTEL_TRACE_FLAG_SAMPLED));
  otel_span_end(s);
  EXPECT(ended == 1);                          /* processors see it */
  EXPECT(otel_memory_span_count(memory) == 0); /* exporters do not */
  decision = OTEL_SAMPLING_DROP;
  s = otel_span_start(tracer(), "dropped", OTEL_SPAN_KIND_INTERNAL, NULL);
  EXPECT(!otel_span_is_recording(s));
  EXPECT(otel_span_context_is_valid(otel_span_context(s))); /* still propagates */
  otel_span_end(s);
  EXPECT(ended == 1);
  otel_shutdown(1000);
  otel_memory_free(memory);
  return 0;
}

TEST(record_only_reaches_processors_not_exporters) { CHECK_INT(in_child(record_only_body), 0); }

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
  EXPECT(start_with_memory() == 0);
  otel_span_end(otel_span_start(tracer(), "fine", OTEL_SPAN_KIND_INTERNAL, NULL));
  otel_attr_t error = OTEL_ATTR_STR("error.type", "timeout");
  otel_span_end(otel_span_start_with(tracer(), "failed", OTEL_SPAN_KIND_INTERNAL, NULL,
                                     &OTEL_SPAN_OPTIONS(.attrs = &error, .n_attrs = 1)));
  EXPECT(otel_memory_span_count(memory) == 1);
  EXPECT(otel_memory_find_span(memory, "failed"));
  otel_shutdown(1000);
  otel_memory_free(memory);
  return 0;
}

TEST(a_sampler_may_defer_to_the_configured_one) { CHECK_INT(in_child(defer_body), 0); }

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
  EXPECT(start_with_memory() == -ENOSPC); /* no room for the memory exporter either */
  EXPECT(otel_testing_init("processors-test", NULL) == 0);
  EXPECT(otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.on_end = first_end)) == -EBUSY);
  EXPECT(otel_set_sampler(&OTEL_SAMPLER_INIT(.should_sample = sample)) == -EBUSY);
  otel_span_end(otel_span_start(tracer(), "x", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(ended == 1);
  EXPECT(otel_force_flush(1000) == 0);
  EXPECT(otel_shutdown(1000) == 0);
  EXPECT(shut == 1);
  EXPECT(otel_shutdown(1000) == 0);
  EXPECT(shut == 1);
  otel_memory_free(memory);
  return 0;
}

TEST(registration_checks_tables_and_closes_at_init) { CHECK_INT(in_child(registration_body), 0); }

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
    otel_span_end(otel_span_start(tracer(), "batched", OTEL_SPAN_KIND_INTERNAL, NULL));
  return NULL;
}

static int batch_body(void) {
  setenv("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "16", 1);
  EXPECT(otel_add_span_exporter(&OTEL_SPAN_EXPORTER_INIT(.export_spans = export_slowly,
                                                         .force_flush = flush_exporter,
                                                         .shutdown = shutdown_exporter),
                                OTEL_PROCESSING_BATCH) == 0);
  EXPECT(start_with_memory() == 0);
  pthread_t threads[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&threads[i], NULL, end_spans, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(threads[i], NULL);
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(atomic_load(&exported) == 200);
  EXPECT(atomic_load(&most_inside) == 1); /* never concurrently */
  EXPECT(atomic_load(&flushed) == 1);
  EXPECT(otel_memory_span_count(memory) == 200); /* the same spans, held by both */
  otel_memory_reset(memory);
  EXPECT(otel_shutdown(5000) == 0);
  EXPECT(atomic_load(&shutdowns) == 1);
  otel_memory_free(memory);
  return 0;
}

TEST(batch_exporter_is_never_called_concurrently) { CHECK_INT(in_child(batch_body), 0); }

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
    otel_span_end(otel_span_start(tracer(), "exporter's own", OTEL_SPAN_KIND_CLIENT, NULL));
  atomic_fetch_sub(&inside, 1);
  return OTEL_EXPORT_SUCCESS;
}

static void *end_named(void *arg) {
  for (int i = 0; i < 20; i++)
    otel_span_end(otel_span_start(tracer(), arg, OTEL_SPAN_KIND_INTERNAL, NULL));
  return NULL;
}

static int simple_body(void) {
  EXPECT(otel_add_span_exporter(&OTEL_SPAN_EXPORTER_INIT(.export_spans = export_and_trace),
                                OTEL_PROCESSING_SIMPLE) == 0);
  EXPECT(start_with_memory() == 0);
  otel_span_end(otel_span_start(tracer(), "outer", OTEL_SPAN_KIND_INTERNAL, NULL));
  EXPECT(!strcmp(order, "outer;exporter's own;")); /* right after, on this thread */
  pthread_t threads[3];
  for (int i = 0; i < 3; i++)
    pthread_create(&threads[i], NULL, end_named, "threaded");
  for (int i = 0; i < 3; i++)
    pthread_join(threads[i], NULL);
  EXPECT(atomic_load(&most_inside) == 1);
  EXPECT(otel_memory_span_count(memory) == 62);
  EXPECT(otel_shutdown(1000) == 0);
  otel_memory_free(memory);
  return 0;
}

TEST(simple_exporter_may_end_spans_of_its_own) { CHECK_INT(in_child(simple_body), 0); }

/* --- the view: every field --- */

static int view_body(void) {
  EXPECT(start_with_memory() == 0);
  otel_span_t *parent = otel_span_start(tracer(), "parent", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(parent);
  otel_span_t *s = otel_span_start(tracer(), "child", OTEL_SPAN_KIND_CLIENT, NULL);
  otel_span_set_int(s, "n", 7);
  otel_span_add_event(s, "retry", &OTEL_ATTR_INT("attempt", 2), 1);
  otel_span_add_link(s, otel_span_context(parent), NULL, 0);
  otel_span_set_status(s, OTEL_STATUS_ERROR, "refused");
  otel_span_end_at(s, 0);
  otel_scope_end(&scope);
  otel_span_end(parent);
  const otel_span_data_t *d = otel_memory_span(memory, 0);
  const otel_span_data_t *p = otel_memory_span(memory, 1);
  EXPECT(d && p && !otel_memory_span(memory, 2));
  EXPECT(!strcmp(otel_span_data_name(d), "child"));
  EXPECT(otel_span_data_kind(d) == OTEL_SPAN_KIND_CLIENT);
  EXPECT(!memcmp(otel_span_data_parent_span_id(d), otel_span_data_context(p)->span_id, 8));
  EXPECT(!memcmp(otel_span_data_context(d)->trace_id, otel_span_data_context(p)->trace_id, 16));
  EXPECT(!otel_span_data_parent_is_remote(d));
  EXPECT(otel_span_data_parent_span_id(p) == NULL);
  EXPECT(otel_span_data_end_time(d) >= otel_span_data_start_time(d));
  EXPECT(otel_span_data_start_time(d) >= otel_span_data_start_time(p));
  const char *why = NULL;
  EXPECT(otel_span_data_status(d, &why) == OTEL_STATUS_ERROR && str_is(why, "refused"));
  EXPECT(otel_attr_list_len(otel_span_data_attrs(d)) == 1);
  const otel_attr_t *n = otel_attr_list_at(otel_span_data_attrs(d), 0);
  EXPECT(!strcmp(n->key, "n") && n->type == OTEL_VALUE_INT && n->v.i == 7);
  EXPECT(otel_attr_list_at(otel_span_data_attrs(d), 1) == NULL);
  EXPECT(otel_span_data_event_count(d) == 1);
  EXPECT(!strcmp(otel_span_data_event_name(d, 0), "retry"));
  EXPECT(otel_span_data_event_time(d, 0) >= otel_span_data_start_time(d));
  EXPECT(int_attr(otel_span_data_event_attrs(d, 0), "attempt") == 2);
  EXPECT(otel_span_data_event_name(d, 1) == NULL);
  EXPECT(otel_span_data_link_count(d) == 1 && otel_span_data_dropped_links(d) == 0);
  EXPECT(otel_span_data_dropped_events(d) == 0);
  EXPECT(!strcmp(otel_span_data_scope_name(d), "processors.test"));
  EXPECT(!strcmp(otel_span_data_scope_version(d), "2.0"));
  EXPECT(otel_span_data_scope_schema_url(d) == NULL);
  EXPECT(otel_attr_list_len(otel_span_data_scope_attrs(d)) == 0);
  EXPECT(str_is(str_attr(otel_span_data_resource(d), "service.name"), "processors-test"));
  otel_memory_reset(memory);
  EXPECT(otel_memory_span_count(memory) == 0 && !otel_memory_find_span(memory, "child"));
  otel_shutdown(1000);
  otel_memory_free(memory);
  return 0;
}

TEST(the_view_reads_every_field) { CHECK_INT(in_child(view_body), 0); }

/* --- log records: processors may write or drop, exporters keep a copy --- */

static bool redact(void *ud, otel_log_data_t *record) {
  (void)ud;
  if (otel_attr_list_find(otel_log_data_attrs(record), "password")) {
    otel_log_data_set_attr(record, &OTEL_ATTR_STR("password", "REDACTED"));
    otel_log_data_set_body(record, "login (redacted)");
  }
  return otel_log_data_severity(record) >= OTEL_SEVERITY_INFO; /* debug records go no further */
}

static int logs_body(void) {
  setenv("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", "2", 1);
  EXPECT(otel_add_log_processor(&OTEL_LOG_PROCESSOR_INIT(.on_emit = redact)) == 0);
  EXPECT(start_with_memory() == 0);
  otel_span_t *span = otel_span_start(tracer(), "request", OTEL_SPAN_KIND_SERVER, NULL);
  otel_scope_t scope = otel_span_attach(span);
  char user[16] = "alice";
  otel_attr_t login[] = {OTEL_ATTR_STR("user", user), OTEL_ATTR_STR("password", "hunter2"),
                         OTEL_ATTR_INT("attempt", 1)};
  otel_log_event(OTEL_SEVERITY_WARN, "auth", "user.login", "login", login, 3);
  strcpy(user, "mallory"); /* the record is a copy */
  otel_log(OTEL_SEVERITY_DEBUG, "auth", "dropped in process", NULL, 0);
  otel_scope_end(&scope);
  otel_log(OTEL_SEVERITY_INFO, "app", "outside", NULL, 0);
  otel_span_end(span);
  EXPECT(otel_memory_log_count(memory) == 2);
  EXPECT(!otel_memory_find_log(memory, "dropped in process"));
  EXPECT(!otel_memory_find_log(memory, "login"));
  const otel_log_data_t *r = otel_memory_find_log(memory, "login (redacted)");
  EXPECT(r && r == otel_memory_log(memory, 0));
  EXPECT(otel_log_data_severity(r) == OTEL_SEVERITY_WARN);
  EXPECT(str_is(otel_log_data_severity_text(r), "WARNING"));
  EXPECT(str_is(otel_log_data_logger(r), "auth"));
  EXPECT(str_is(otel_log_data_event_name(r), "user.login"));
  const otel_attr_list_t *attrs = otel_log_data_attrs(r);
  EXPECT(otel_attr_list_len(attrs) == 2 && otel_attr_list_dropped(attrs) == 1);
  EXPECT(str_is(str_attr(attrs, "user"), "alice"));
  EXPECT(str_is(str_attr(attrs, "password"), "REDACTED"));
  const otel_span_data_t *s = otel_memory_find_span(memory, "request");
  EXPECT(s && !memcmp(otel_log_data_trace_id(r), otel_span_data_context(s)->trace_id, 16));
  EXPECT(!memcmp(otel_log_data_span_id(r), otel_span_data_context(s)->span_id, 8));
  EXPECT(otel_log_data_trace_flags(r) & OTEL_TRACE_FLAG_SAMPLED);
  EXPECT(otel_log_data_time(r) >= otel_span_data_start_time(s));
  EXPECT(otel_log_data_observed_time(r) == otel_log_data_time(r));
  EXPECT(str_is(str_attr(otel_log_data_resource(r), "service.name"), "processors-test"));
  const otel_log_data_t *outside = otel_memory_find_log(memory, "outside");
  EXPECT(outside && !otel_log_data_trace_id(outside) && !otel_log_data_span_id(outside));
  EXPECT(!otel_log_data_event_name(outside));
  otel_shutdown(1000);
  otel_memory_free(memory);
  return 0;
}

TEST(log_processors_may_redact_and_drop) { CHECK_INT(in_child(logs_body), 0); }

static atomic_int logs_exported;

static otel_export_result_t count_logs(void *ud, const otel_log_data_t *const *records, size_t n,
                                       uint32_t timeout_ms) {
  (void)ud;
  (void)timeout_ms;
  for (size_t i = 0; i < n; i++)
    if (strcmp(otel_log_data_body(records[i]), "tick"))
      return OTEL_EXPORT_FAILURE;
  atomic_fetch_add(&logs_exported, (int)n);
  return OTEL_EXPORT_SUCCESS;
}

static void *log_ticks(void *arg) {
  (void)arg;
  for (int i = 0; i < 100; i++)
    otel_log(OTEL_SEVERITY_INFO, "ticker", "tick", &OTEL_ATTR_INT("i", i), 1);
  return NULL;
}

static int log_batch_body(void) {
  EXPECT(otel_add_log_exporter(&OTEL_LOG_EXPORTER_INIT(.export_logs = count_logs),
                               OTEL_PROCESSING_BATCH) == 0);
  EXPECT(otel_testing_init("processors-test", NULL) == 0);
  pthread_t threads[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&threads[i], NULL, log_ticks, NULL);
  for (int i = 0; i < 4; i++)
    pthread_join(threads[i], NULL);
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(atomic_load(&logs_exported) == 400);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

TEST(log_exporter_behind_the_batch_processor) { CHECK_INT(in_child(log_batch_body), 0); }

static void register_redaction(void) {
  otel_add_log_processor(&OTEL_LOG_PROCESSOR_INIT(.on_emit = redact));
}

static int log_login(void) {
  EXPECT(freopen("/dev/null", "w", stdout)); /* the JSON log lines */
  otel_attr_t login[] = {OTEL_ATTR_STR("password", "hunter2")};
  otel_log(OTEL_SEVERITY_WARN, "auth", "login", login, 1);
  otel_log(OTEL_SEVERITY_DEBUG, "auth", "dropped in process", NULL, 0);
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

TEST(the_environments_log_pipeline_gets_the_processed_record) {
  receiver_t *r;
  test_child_before_init = register_redaction;
  int rc = test_in_child(&r, NULL, ENV("OTEL_LOGS_EXPORTER=otlp", "OTEL_TRACES_EXPORTER=none"),
                         log_login);
  test_child_before_init = NULL;
  CHECK_INT(rc, 0);
  CHECK_INT(receiver_count(r), 1);
  const received_t *got = receiver_get(r, 0);
  CHECK_STR(got->path, "/v1/logs");
  CHECK(memmem(got->body, got->len, "login (redacted)", 16));
  CHECK(memmem(got->body, got->len, "REDACTED", 8));
  CHECK(!memmem(got->body, got->len, "hunter2", 7));
  CHECK(!memmem(got->body, got->len, "dropped in process", 18));
  receiver_stop(r);
}

/* --- metrics: each collection, as the exporters see it --- */

/* The point of stream m whose attribute key has value, or NULL. */
static const otel_point_data_t *point_with(const otel_metric_data_t *m, const char *key,
                                           const char *value) {
  for (size_t i = 0; m && i < otel_metric_data_point_count(m); i++)
    if (str_is(str_attr(otel_point_data_attrs(otel_metric_data_point(m, i)), key), value))
      return otel_metric_data_point(m, i);
  return NULL;
}

static void observe_queue(otel_observer_t *o, void *ud) {
  (void)ud;
  otel_observe_double(o, 0.5, &OTEL_ATTR_STR("queue", "mail"), 1);
}

static int metrics_body(void) {
  EXPECT(start_with_memory() == 0);
  otel_counter_t *orders = otel_counter("shop", "orders", "{order}", "Orders placed");
  static const double bounds[] = {10, 100};
  otel_histogram_t *sizes = otel_histogram("shop", "order.size", "By", "Sizes", bounds, 2);
  otel_observable_gauge("shop", "queue.fill", "1", "How full", observe_queue, NULL);
  otel_counter_add(orders, 2, &OTEL_ATTR_STR("route", "/a"), 1);
  otel_counter_add(orders, 5, &OTEL_ATTR_STR("route", "/b"), 1);
  otel_histogram_record(sizes, 5, NULL, 0);
  otel_histogram_record(sizes, 50, NULL, 0);
  otel_histogram_record(sizes, 500, NULL, 0);
  EXPECT(!otel_memory_metrics(memory)); /* no collection yet: no thread makes one */
  EXPECT(otel_force_flush(1000) == 0);
  const otel_metric_data_t *m = otel_memory_find_metric(memory, "orders");
  EXPECT(m);
  EXPECT(str_is(otel_metric_data_unit(m), "{order}"));
  EXPECT(str_is(otel_metric_data_description(m), "Orders placed"));
  EXPECT(str_is(otel_metric_data_scope_name(m), "shop"));
  EXPECT(otel_metric_data_type(m) == OTEL_METRIC_SUM && otel_metric_data_monotonic(m));
  EXPECT(otel_metric_data_temporality(m) == OTEL_TEMPORALITY_CUMULATIVE);
  EXPECT(otel_metric_data_point_count(m) == 2);
  const otel_point_data_t *a = point_with(m, "route", "/a");
  EXPECT(a && otel_point_data_is_int(a) && otel_point_data_int(a) == 2);
  EXPECT(otel_point_data_double(a) == 2.0);
  EXPECT(otel_point_data_time(a) >= otel_point_data_start_time(a));
  EXPECT(otel_point_data_int(point_with(m, "route", "/b")) == 5);
  const otel_metric_data_t *h = otel_memory_find_metric(memory, "order.size");
  EXPECT(h && otel_metric_data_type(h) == OTEL_METRIC_HISTOGRAM);
  const otel_point_data_t *hp = otel_metric_data_point(h, 0);
  EXPECT(otel_point_data_count(hp) == 3 && otel_point_data_sum(hp) == 555);
  double min, max;
  EXPECT(otel_point_data_min_max(hp, &min, &max) && min == 5 && max == 500);
  EXPECT(otel_point_data_bucket_count(hp) == 3);
  EXPECT(otel_point_data_bucket(hp, 0) == 1 && otel_point_data_bucket(hp, 1) == 1 &&
         otel_point_data_bucket(hp, 2) == 1);
  EXPECT(otel_point_data_bound(hp, 0) == 10 && otel_point_data_bound(hp, 1) == 100);
  const otel_metric_data_t *g = otel_memory_find_metric(memory, "queue.fill");
  EXPECT(g && otel_metric_data_type(g) == OTEL_METRIC_GAUGE);
  EXPECT(otel_metric_data_temporality(g) == OTEL_TEMPORALITY_NONE);
  const otel_point_data_t *gp = point_with(g, "queue", "mail");
  EXPECT(gp && !otel_point_data_is_int(gp) && otel_point_data_double(gp) == 0.5);
  EXPECT(str_is(str_attr(otel_metrics_data_resource(otel_memory_metrics(memory)), "service.name"),
                "processors-test"));
  /* The next collection replaces it: cumulative, so the totals grow. */
  otel_counter_add(orders, 1, &OTEL_ATTR_STR("route", "/a"), 1);
  EXPECT(otel_force_flush(1000) == 0);
  EXPECT(otel_point_data_int(
             point_with(otel_memory_find_metric(memory, "orders"), "route", "/a")) == 3);
  otel_memory_reset(memory);
  EXPECT(!otel_memory_metrics(memory) && !otel_memory_find_metric(memory, "orders"));
  EXPECT(otel_shutdown(1000) == 0);
  EXPECT(otel_memory_find_metric(memory, "orders")); /* shutdown's last collection */
  otel_memory_free(memory);
  return 0;
}

TEST(metric_exporters_get_each_collection) { CHECK_INT(in_child(metrics_body), 0); }

static int delta_body(void) {
  setenv("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "delta", 1);
  EXPECT(start_with_memory() == 0);
  otel_counter_t *orders = otel_counter("shop", "orders", "{order}", "Orders placed");
  static const double bounds[] = {10};
  otel_histogram_t *sizes = otel_histogram("shop", "order.size", "By", "Sizes", bounds, 1);
  otel_counter_add(orders, 2, NULL, 0);
  otel_histogram_record(sizes, 5, NULL, 0);
  EXPECT(otel_force_flush(1000) == 0);
  otel_counter_add(orders, 3, NULL, 0);
  EXPECT(otel_force_flush(1000) == 0);
  const otel_metric_data_t *m = otel_memory_find_metric(memory, "orders");
  EXPECT(m && otel_metric_data_temporality(m) == OTEL_TEMPORALITY_DELTA);
  EXPECT(otel_point_data_int(otel_metric_data_point(m, 0)) == 3); /* the change since */
  EXPECT(!otel_memory_find_metric(memory, "order.size"));         /* no change: no point */
  otel_histogram_record(sizes, 7, NULL, 0);
  EXPECT(otel_force_flush(1000) == 0);
  const otel_point_data_t *hp =
      otel_metric_data_point(otel_memory_find_metric(memory, "order.size"), 0);
  EXPECT(hp && otel_point_data_count(hp) == 1 && !otel_point_data_min_max(hp, NULL, NULL));
  otel_shutdown(1000);
  otel_memory_free(memory);
  return 0;
}

TEST(metric_exporters_see_the_temporality_asked_for) { CHECK_INT(in_child(delta_body), 0); }

static atomic_int collections;

static otel_export_result_t count_collections(void *ud, const otel_metrics_data_t *data,
                                              uint32_t timeout_ms) {
  (void)ud;
  (void)timeout_ms;
  if (otel_metrics_data_find(data, "requests"))
    atomic_fetch_add(&collections, 1);
  return OTEL_EXPORT_SUCCESS;
}

static void register_metric_exporter(void) {
  otel_add_metric_exporter(&OTEL_METRIC_EXPORTER_INIT(.export_metrics = count_collections));
}

static int count_requests(void) {
  otel_counter_add(otel_counter("web", "requests", "{request}", "Requests"), 1, NULL, 0);
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(atomic_load(&collections) == 1); /* the same collection as OTLP's */
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

TEST(metric_exporters_beside_the_environments) {
  receiver_t *r;
  test_child_before_init = register_metric_exporter;
  int rc = test_in_child(&r, NULL,
                         ENV("OTEL_METRICS_EXPORTER=otlp", "OTEL_TRACES_EXPORTER=none",
                             "OTEL_METRIC_EXPORT_INTERVAL=60000"),
                         count_requests);
  test_child_before_init = NULL;
  CHECK_INT(rc, 0);
  CHECK(receiver_count(r) >= 1);
  const received_t *got = receiver_get(r, 0);
  CHECK_STR(got->path, "/v1/metrics");
  CHECK(memmem(got->body, got->len, "requests", 8));
  receiver_stop(r);
}

/* --- beside the pipeline of the environment --- */

static void register_health_filter(void) {
  otel_add_span_processor(&OTEL_SPAN_PROCESSOR_INIT(.on_end = drop_health));
  memory = otel_memory_new();
  otel_span_exporter_t e = otel_memory_span_exporter(memory);
  otel_add_span_exporter(&e, OTEL_PROCESSING_BATCH);
}

static int two_requests(void) {
  otel_span_end(otel_span_start(tracer(), "GET /health", OTEL_SPAN_KIND_SERVER, NULL));
  otel_span_end(otel_span_start(tracer(), "GET /items", OTEL_SPAN_KIND_SERVER, NULL));
  EXPECT(otel_force_flush(5000) == 0);
  EXPECT(otel_memory_span_count(memory) == 1);
  EXPECT(otel_shutdown(5000) == 0);
  otel_memory_free(memory);
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
          TEST_CASE(the_view_reads_every_field), TEST_CASE(the_environments_pipeline_comes_last),
          TEST_CASE(log_processors_may_redact_and_drop),
          TEST_CASE(log_exporter_behind_the_batch_processor),
          TEST_CASE(the_environments_log_pipeline_gets_the_processed_record),
          TEST_CASE(metric_exporters_get_each_collection),
          TEST_CASE(metric_exporters_see_the_temporality_asked_for),
          TEST_CASE(metric_exporters_beside_the_environments))
