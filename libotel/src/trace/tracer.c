/*
 * Tracers: one per instrumentation scope, interned so that the same name and
 * version give the same pointer, which the exporter uses to group spans.
 * They live as long as the process.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "trace/span.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static otel_tracer_t tracers[OTEL__MAX_TRACERS];
static int n_tracers;
const otel_tracer_t otel__default_tracer = {(char *)"libotel", (char *)OTEL_SDK_VERSION};

static bool same(const char *a, const char *b) { return !strcmp(a ? a : "", b ? b : ""); }

const otel_tracer_t *otel_tracer_get(const char *name, const char *version) {
  const otel_tracer_t *found = &otel__default_tracer;
  pthread_mutex_lock(&lock);
  int i = 0;
  while (i < n_tracers && !(same(tracers[i].name, name) && same(tracers[i].version, version)))
    i++;
  if (i < n_tracers) {
    found = &tracers[i];
  } else if (n_tracers < OTEL__MAX_TRACERS) {
    char *n = strdup(name ? name : "");
    char *v = strdup(version ? version : "");
    if (n && v) {
      tracers[n_tracers] = (otel_tracer_t){n, v};
      found = &tracers[n_tracers++];
    } else {
      free(n);
      free(v);
    }
  }
  pthread_mutex_unlock(&lock);
  return found;
}

void otel__tracers_fork_prepare(void) { pthread_mutex_lock(&lock); }

void otel__tracers_fork_after(void) { pthread_mutex_unlock(&lock); }
