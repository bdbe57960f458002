/*
 * fork() after otel_init(), both sides. The child exports its own telemetry
 * (threads of its own, its own process.pid and service.instance.id, metrics
 * from zero) and never the parent's queued items or log lines; it holds no
 * copy of the parent's connection. The parent goes on unaffected, also when
 * the fork comes in the middle of its export. Forks while other threads
 * record never leave a child stuck on a lock.
 *
 * Three processes: this one runs the receiver, the SDK's process (test_in_child)
 * forks, and its child ("the fork") reports through its exit code.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <otel/log.h>
#include <otel/metrics.h>
#include <otel/otel.h>
#include <otel/trace.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "otlp/metrics_service.pb-c.h"
#include "otlp/trace_service.pb-c.h"
#include "sdk_child.h"
#include "test.h"
#include "test_env.h"

typedef Opentelemetry__Proto__Common__V1__KeyValue kv_t;

/* --- the SDK's side --- */

/* A span carrying the pid of the process that ended it. */
static void span(const char *name) {
  otel_span_t *s = otel_span_start(NULL, name, OTEL_SPAN_KIND_INTERNAL, NULL);
  otel_span_set_int(s, "pid", getpid());
  otel_span_end(s);
}

static otel_counter_t *count(void) {
  return otel_counter("fork.test", "fork.test.count", "{call}", NULL);
}

/* Forks; the child runs side (within 10 s, or SIGALRM ends it) and exits
 * with what it returns. The parent gets the child's exit code, or 100 + the
 * signal that ended it, reported when not 0. The child leaves by _exit:
 * LeakSanitizer's check at exit is not made in a child of a threaded
 * process, where it counts as leaked whatever the threads that did not
 * follow were holding (a test's load thread in the middle of a log line),
 * and warns that its findings may be false. The SDK's process itself,
 * forked from this single-threaded one, is checked as usual. */
static int fork_and_wait(int (*side)(void)) {
#ifdef __SANITIZE_ADDRESS__
  /* The ASan runtime allocates as a thread starts: one that otel_init()
   * started a moment ago may still hold its allocator's lock (see below). */
  nanosleep(&(struct timespec){0, 100000000}, NULL);
#endif
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0)
    return -1;
  if (pid == 0) {
    alarm(10);
    _exit(side());
  }
  int status, rc = -1;
  if (waitpid(pid, &status, 0) == pid)
    rc = WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
  if (rc)
    fprintf(stderr, "    the fork: exit %d\n", rc);
  return rc;
}

static int child_exports(void) {
  span("in child");
  otel_counter_add(count(), 2, NULL, 0);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

static int both_sides(void) {
  span("before fork"); /* queued for a minute: still queued at the fork */
  otel_counter_add(count(), 5, NULL, 0);
  EXPECT(fork_and_wait(child_exports) == 0);
  span("in parent");
  otel_counter_add(count(), 1, NULL, 0);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

/* Sockets this process has connected to 127.0.0.1:port. */
static int sockets_to(int port) {
  DIR *d = opendir("/proc/self/fd");
  int n = 0;
  for (struct dirent *e; d && (e = readdir(d));) {
    int fd = atoi(e->d_name);
    struct stat st;
    struct sockaddr_in peer;
    socklen_t len = sizeof(peer);
    if (e->d_name[0] != '.' && fd != dirfd(d) && !fstat(fd, &st) && S_ISSOCK(st.st_mode) &&
        !getpeername(fd, (struct sockaddr *)&peer, &len) && peer.sin_family == AF_INET &&
        ntohs(peer.sin_port) == port)
      n++;
  }
  if (d)
    closedir(d);
  return n;
}

static int endpoint_port(void) {
  const char *e = getenv("OTEL_EXPORTER_OTLP_ENDPOINT");
  const char *colon = e ? strrchr(e, ':') : NULL;
  return colon ? atoi(colon + 1) : -1;
}

static int child_mid_export(void) {
  EXPECT(sockets_to(endpoint_port()) == 0); /* the parent's connection is not held here */
  span("child");
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

static int fork_mid_export(void) {
  span("in flight");
  otel_force_flush(0); /* the export starts; the receiver answers a second later */
  nanosleep(&(struct timespec){0, 300000000}, NULL);
  EXPECT(sockets_to(endpoint_port()) == 1);
  EXPECT(fork_and_wait(child_mid_export) == 0);
  EXPECT(otel_shutdown(5000) == 0);
  EXPECT(!strstr(test_diag_text(), "warning")); /* the export in flight went through */
  return 0;
}

/*
 * Forks under load run in the release build only. The ASan runtime of this
 * toolchain (GCC 12's libasan) takes no lock of its allocator around fork():
 * a child forked while another thread allocates can wait for ever on the
 * first malloc of its own (seen here in the export thread the child starts).
 * Its later versions do (LLVM 18).
 */
#ifndef __SANITIZE_ADDRESS__
/* Threads that keep every lock of the SDK busy, each on its own: tracers
 * and instruments looked up (the registries), new points and the overflow
 * point (an instrument's), log lines (stdout's), and spans (the queue's and
 * the span pool's; paced, or the receiver would be flooded). */
#define FORKS 20
enum { LOOKUPS, POINTS, LOG_LINES, SPANS, LOADS };
static atomic_bool stop_load;

static void *load(void *arg) {
  int kind = (int)(intptr_t)arg;
  for (int64_t i = 0; !atomic_load(&stop_load); i++) {
    otel_attr_t set = OTEL_ATTR_INT("set", i % 3000); /* past the cardinality limit too */
    if (kind == LOOKUPS) {
      char scope[32];
      snprintf(scope, sizeof(scope), "load.%d", (int)(i % 8));
      otel_tracer_get(scope, NULL);
      otel_histogram("load", "load.duration", "ms", NULL, NULL, 0);
    } else if (kind == POINTS) {
      otel_counter_add(otel_counter("load", "load.count", "1", NULL), 1, &set, 1);
    } else if (kind == LOG_LINES) {
      otel_log(OTEL_SEVERITY_INFO, "load", "loaded", &set, 1);
    } else {
      otel_span_t *s = otel_span_start(NULL, "load", OTEL_SPAN_KIND_INTERNAL, NULL);
      otel_span_set_int(s, "i", i);
      otel_span_end(s);
      nanosleep(&(struct timespec){0, 20000}, NULL);
    }
  }
  return NULL;
}

static int fork_number;

static int child_under_load(void) {
  char name[32];
  snprintf(name, sizeof(name), "child %d", fork_number);
  span(name);
  otel_counter_add(otel_counter("load", "load.count", "1", NULL), 1, NULL, 0);
  otel_log(OTEL_SEVERITY_INFO, "load", name, NULL, 0);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

static int forks_under_load(void) {
  EXPECT(freopen("/dev/null", "w", stdout));
  pthread_t threads[LOADS];
  for (int i = 0; i < LOADS; i++)
    EXPECT(pthread_create(&threads[i], NULL, load, (void *)(intptr_t)i) == 0);
  int failed = 0;
  for (fork_number = 0; fork_number < FORKS; fork_number++) {
    nanosleep(&(struct timespec){0, 20000000}, NULL);
    if (fork_and_wait(child_under_load)) {
      fprintf(stderr, "    (fork %d)\n", fork_number);
      failed++;
    }
  }
  atomic_store(&stop_load, true);
  for (int i = 0; i < LOADS; i++)
    pthread_join(threads[i], NULL);
  EXPECT(failed == 0);
  EXPECT(otel_shutdown(5000) == 0);
  return 0;
}

#endif

#define LINES 2000
static char stdout_path[64];

static int child_logs(void) {
  otel_log(OTEL_SEVERITY_INFO, "fork", "from the child", NULL, 0);
  EXPECT(otel_shutdown(1000) == 0);
  return 0;
}

static int lines_then_fork(void) {
  EXPECT(freopen(stdout_path, "w", stdout));
  for (int i = 0; i < LINES; i++) {
    char message[32];
    snprintf(message, sizeof(message), "line %d.", i);
    otel_log(OTEL_SEVERITY_INFO, "fork", message, NULL, 0);
  }
  EXPECT(fork_and_wait(child_logs) == 0);
  EXPECT(otel_shutdown(1000) == 0);
  return 0;
}

/* --- what arrived --- */

static const kv_t *attr(kv_t **attrs, size_t n, const char *key) {
  for (size_t i = 0; i < n; i++)
    if (!strcmp(attrs[i]->key, key))
      return attrs[i];
  return NULL;
}

static int64_t int_attr(kv_t **attrs, size_t n, const char *key) {
  const kv_t *a = attr(attrs, n, key);
  return a && a->value ? a->value->int_value : -1;
}

static const char *str_attr(kv_t **attrs, size_t n, const char *key) {
  const kv_t *a = attr(attrs, n, key);
  return a && a->value && a->value->string_value ? a->value->string_value : "";
}

typedef struct {
  int seen;          /* spans of the name that arrived */
  int64_t pid;       /* the resource's process.pid */
  int64_t ended_by;  /* the span's own "pid" */
  char instance[40]; /* the resource's service.instance.id */
} arrival_t;

/* The spans named name among the trace requests received. */
static arrival_t spans_named(receiver_t *r, const char *name) {
  arrival_t a = {0};
  for (int i = 0; i < receiver_count(r); i++) {
    const received_t *rec = receiver_get(r, i);
    if (strcmp(rec->path, "/v1/traces"))
      continue;
    Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *req =
        opentelemetry__proto__collector__trace__v1__export_trace_service_request__unpack(
            NULL, rec->len, rec->body);
    for (size_t k = 0; req && k < req->n_resource_spans; k++) {
      Opentelemetry__Proto__Trace__V1__ResourceSpans *rs = req->resource_spans[k];
      for (size_t j = 0; j < rs->n_scope_spans; j++)
        for (size_t s = 0; s < rs->scope_spans[j]->n_spans; s++) {
          Opentelemetry__Proto__Trace__V1__Span *sp = rs->scope_spans[j]->spans[s];
          if (strcmp(sp->name, name))
            continue;
          a.seen++;
          a.pid = int_attr(rs->resource->attributes, rs->resource->n_attributes, "process.pid");
          a.ended_by = int_attr(sp->attributes, sp->n_attributes, "pid");
          snprintf(a.instance, sizeof(a.instance), "%s",
                   str_attr(rs->resource->attributes, rs->resource->n_attributes,
                            "service.instance.id"));
        }
    }
    opentelemetry__proto__collector__trace__v1__export_trace_service_request__free_unpacked(req,
                                                                                            NULL);
  }
  return a;
}

typedef struct {
  int64_t value;
  uint64_t start;
} sum_point_t;

/* The last point of a sum named name exported by the process pid. */
static sum_point_t last_sum(receiver_t *r, const char *name, int64_t pid) {
  sum_point_t p = {-1, 0};
  for (int i = 0; i < receiver_count(r); i++) {
    const received_t *rec = receiver_get(r, i);
    if (strcmp(rec->path, "/v1/metrics"))
      continue;
    Opentelemetry__Proto__Collector__Metrics__V1__ExportMetricsServiceRequest *req =
        opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(
            NULL, rec->len, rec->body);
    for (size_t k = 0; req && k < req->n_resource_metrics; k++) {
      Opentelemetry__Proto__Metrics__V1__ResourceMetrics *rm = req->resource_metrics[k];
      if (int_attr(rm->resource->attributes, rm->resource->n_attributes, "process.pid") != pid)
        continue;
      for (size_t j = 0; j < rm->n_scope_metrics; j++)
        for (size_t m = 0; m < rm->scope_metrics[j]->n_metrics; m++) {
          Opentelemetry__Proto__Metrics__V1__Metric *metric = rm->scope_metrics[j]->metrics[m];
          if (!strcmp(metric->name, name) && metric->sum && metric->sum->n_data_points) {
            p.value = metric->sum->data_points[0]->as_int;
            p.start = metric->sum->data_points[0]->start_time_unix_nano;
          }
        }
    }
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(
        req, NULL);
  }
  return p;
}

/* --- the tests --- */

TEST(the_child_exports_its_own_and_the_parent_goes_on) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, NULL,
                          ENV("OTEL_BSP_SCHEDULE_DELAY=60000", "OTEL_METRICS_EXPORTER=otlp",
                              "OTEL_METRIC_EXPORT_INTERVAL=60000", "OTEL_LOGS_EXPORTER=none"),
                          both_sides),
            0);
  arrival_t before = spans_named(r, "before fork"), child = spans_named(r, "in child"),
            after = spans_named(r, "in parent");
  /* The parent's queued span is sent once, by the parent. */
  CHECK_INT(before.seen, 1);
  CHECK_INT(before.pid, before.ended_by);
  CHECK_INT(after.seen, 1);
  CHECK_INT(after.pid, before.pid);
  CHECK_STR(after.instance, before.instance);
  /* The child's, by the child, as a process of its own. */
  CHECK_INT(child.seen, 1);
  CHECK_INT(child.pid, child.ended_by);
  CHECK(child.pid != before.pid);
  CHECK(strlen(child.instance) == 36 && strcmp(child.instance, before.instance));
  /* Metrics: the child counts from zero, from the fork on. */
  sum_point_t parent = last_sum(r, "fork.test.count", before.pid);
  sum_point_t forked = last_sum(r, "fork.test.count", child.pid);
  CHECK_INT(parent.value, 6);
  CHECK_INT(forked.value, 2);
  CHECK(forked.start > parent.start);
  /* and the spans it started: its own, not the parent's before the fork */
  CHECK_INT(last_sum(r, "otel.sdk.span.started", before.pid).value, 2);
  CHECK_INT(last_sum(r, "otel.sdk.span.started", child.pid).value, 1);
  receiver_stop(r);
}

static void answer_in_a_second(receiver_t *r) { receiver_delay(r, 1000); }

TEST(a_fork_in_the_middle_of_an_export_leaves_it_alone) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, answer_in_a_second,
                          ENV("OTEL_BSP_SCHEDULE_DELAY=60000", "OTEL_LOGS_EXPORTER=none"),
                          fork_mid_export),
            0);
  CHECK_INT(spans_named(r, "in flight").seen, 1);
  CHECK_INT(spans_named(r, "child").seen, 1);
  CHECK_INT(receiver_count(r), 2);
  receiver_stop(r);
}

#ifndef __SANITIZE_ADDRESS__
TEST(forks_while_threads_record_never_hang_a_child) {
  receiver_t *r;
  CHECK_INT(test_in_child(&r, NULL,
                          ENV("OTEL_BSP_SCHEDULE_DELAY=1000", "OTEL_BSP_MAX_EXPORT_BATCH_SIZE=2048",
                              "OTEL_LOGS_EXPORTER=none"),
                          forks_under_load),
            0);
  for (int i = 0; i < FORKS; i++) {
    char name[32];
    snprintf(name, sizeof(name), "child %d", i);
    arrival_t a = spans_named(r, name);
    CHECK_INT(a.seen, 1);
    CHECK_INT(a.pid, a.ended_by);
  }
  receiver_stop(r);
}
#define UNDER_LOAD , TEST_CASE(forks_while_threads_record_never_hang_a_child)
#else
#define UNDER_LOAD
#endif

TEST(queued_log_lines_are_written_once) {
  snprintf(stdout_path, sizeof(stdout_path), "/tmp/libotel-fork-%d", (int)getpid());
  CHECK_INT(
      test_in_child(NULL, NULL,
                    ENV("OTEL_SDK_DISABLED=true", "OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:9"),
                    lines_then_fork),
      0);
  FILE *f = fopen(stdout_path, "r");
  CHECK(f);
  static int seen[LINES];
  memset(seen, 0, sizeof(seen));
  int from_child = 0, other = 0;
  char line[1024];
  while (fgets(line, sizeof(line), f)) {
    const char *m = strstr(line, "\"line ");
    if (m)
      seen[atoi(m + 6) % LINES]++;
    else if (strstr(line, "from the child"))
      from_child++;
    else
      other++;
  }
  fclose(f);
  unlink(stdout_path);
  CHECK_INT(from_child, 1);
  CHECK_INT(other, 0);
  for (int i = 0; i < LINES; i++)
    CHECK_INT(seen[i], 1);
}

TEST_MAIN("fork", TEST_CASE(the_child_exports_its_own_and_the_parent_goes_on),
          TEST_CASE(a_fork_in_the_middle_of_an_export_leaves_it_alone),
          TEST_CASE(queued_log_lines_are_written_once) UNDER_LOAD)
