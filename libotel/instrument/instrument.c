/*
 * What the interposers share (instrument.h): whether a call gets telemetry,
 * the SDK started on first need and flushed at exit, the real functions,
 * OTEL_C_* settings, and standing down for a program that brings its own
 * libotel.
 */
#define _GNU_SOURCE /* RTLD_NEXT, dlvsym */
#include "instrument.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/sdk.h"
#include "common/state.h"

/* How deep this thread is inside a wrapper that records (0 or 1), or in
 * the SDK's start or exit: its library calls then pass straight through. */
static _Thread_local int inside;

static atomic_bool stood_down;
static atomic_bool started;
static pthread_once_t config_once = PTHREAD_ONCE_INIT;
static pthread_once_t start_once = PTHREAD_ONCE_INIT;

static bool disabled[OTEL__INSTR_COUNT];
static const char *const NAMES[OTEL__INSTR_COUNT] = {"mhd", "pq", "curl", "syslog"};

#define ROUTES_MAX 64
static char *routes_text;
static const char *routes[ROUTES_MAX];
static size_t n_routes;

/* Splits list (a copy, kept) at commas, white space around each item
 * trimmed; calls each(item) for the non-empty ones. */
static char *each_item(const char *list, void (*each)(const char *item)) {
  char *copy = list ? strdup(list) : NULL;
  for (char *save = NULL, *item = copy ? strtok_r(copy, ",", &save) : NULL; item;
       item = strtok_r(NULL, ",", &save)) {
    while (*item == ' ' || *item == '\t')
      item++;
    char *end = item + strlen(item);
    while (end > item && (end[-1] == ' ' || end[-1] == '\t'))
      *--end = '\0';
    if (*item)
      each(item);
  }
  return copy;
}

static void disable(const char *name) {
  for (int i = 0; i < OTEL__INSTR_COUNT; i++)
    if (!strcmp(name, NAMES[i])) {
      disabled[i] = true;
      return;
    }
  fprintf(stderr,
          "otel-instrument: OTEL_C_DISABLED_INSTRUMENTATIONS: '%s' is none of mhd, pq, curl, "
          "syslog; ignored\n",
          name);
}

static void add_route(const char *route) {
  if (route[0] == '/' && n_routes < ROUTES_MAX)
    routes[n_routes++] = route;
  else
    fprintf(stderr, "otel-instrument: OTEL_C_HTTP_SERVER_ROUTES: '%s' ignored (%s)\n", route,
            route[0] == '/' ? "too many" : "not a path");
}

static void read_config(void) {
  free(each_item(getenv("OTEL_C_DISABLED_INSTRUMENTATIONS"), disable));
  routes_text = each_item(getenv("OTEL_C_HTTP_SERVER_ROUTES"), add_route);
}

static void flush_at_exit(void) {
  inside++;
  otel_shutdown(5000);
  inside--;
}

/* The executable's file name, for service.name and process.executable.name. */
static void executable_name(char *out, size_t size) {
  char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) {
    snprintf(out, size, "%s", program_invocation_short_name);
    return;
  }
  path[n] = '\0';
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t len = strnlen(base, size - 1);
  memcpy(out, base, len);
  out[len] = '\0';
}

static void start(void) {
  inside++; /* the SDK's own calls to libcurl, starting, pass through */
  char exe[256], service[300];
  executable_name(exe, sizeof(exe));
  snprintf(service, sizeof(service), "unknown_service:%s", exe);
  otel__preloaded = true;
  otel__start_t how = {.executable = exe, .no_stdout_writer = true};
  if (otel__sdk_start(service, &how) == 0 && otel_enabled()) {
    atexit(flush_at_exit);
    atomic_store(&started, true);
  }
  inside--;
}

bool otel__instr_begin(otel__instr_t which) {
  if (inside || otel__sdk_thread)
    return false;
  int saved = errno;
  pthread_once(&config_once, read_config);
  bool go = !disabled[which] && !atomic_load(&stood_down);
  if (go) {
    pthread_once(&start_once, start);
    go = atomic_load(&started) && otel_enabled();
  }
  errno = saved;
  if (go)
    inside = 1;
  return go;
}

void otel__instr_end(void) { inside = 0; }

bool otel__instr_wanted(otel__instr_t which) {
  if (otel__sdk_thread)
    return false;
  pthread_once(&config_once, read_config);
  return !disabled[which] && !atomic_load(&stood_down);
}

bool otel__instr_inside(void) { return inside > 0; }

void otel__instr_quietly(void (*f)(void *arg), void *arg) {
  int saved = errno;
  inside++;
  f(arg);
  inside--;
  errno = saved;
}

void *otel__instr_real(void *volatile *slot, const char *name) {
  void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (!f) {
    int saved = errno;
    f = dlsym(RTLD_NEXT, name);
    errno = saved;
    __atomic_store_n(slot, f, __ATOMIC_RELEASE);
  }
  return f;
}

void *otel__instr_real_version(void *volatile *slot, const char *name, const char *version) {
  void *f = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
  if (!f) {
    int saved = errno;
    f = dlvsym(RTLD_NEXT, name, version);
    errno = saved;
    __atomic_store_n(slot, f, __ATOMIC_RELEASE);
  }
  return f;
}

/* Whether path's segments match the template's, a {name} matching any one
 * segment; a trailing slash on either is not a segment. */
static bool route_matches(const char *route, const char *path) {
  for (;;) {
    while (*route == '/')
      route++;
    while (*path == '/')
      path++;
    if (!*route || !*path)
      return !*route && !*path;
    size_t r = strcspn(route, "/"), p = strcspn(path, "/");
    bool any = route[0] == '{' && route[r - 1] == '}';
    if (!any && (r != p || strncmp(route, path, r)))
      return false;
    route += r, path += p;
  }
}

const char *otel__instr_route(const char *path) {
  pthread_once(&config_once, read_config);
  for (size_t i = 0; i < n_routes; i++)
    if (route_matches(routes[i], path))
      return routes[i];
  return NULL;
}

void otel_instrument_stand_down(void) {
  if (!atomic_exchange(&stood_down, true))
    fprintf(stderr, "otel-instrument: %s starts libotel itself: it is left to instrument itself\n",
            program_invocation_short_name);
}
