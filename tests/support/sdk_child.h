/*
 * The SDK in a process of its own, for tests that need otel_init() (once per
 * process) and a receiver: the receiver runs here, the SDK in a child.
 */
#ifndef TEST_SDK_CHILD_H
#define TEST_SDK_CHILD_H

#include <stdio.h>

#include "receiver.h"

typedef void (*test_setup_fn)(receiver_t *r);

/*
 * Runs body in a child with env ("NAME=value" strings, NULL-terminated) set
 * and the SDK initialised; returns its exit code, or 100 + the signal that
 * ended it. The child is forked before the receiver starts, while this
 * process has one thread (forking a threaded process can leave the child
 * holding another thread's allocator lock), and learns the port through a
 * pipe: OTEL_EXPORTER_OTLP_ENDPOINT names it. setup, when not NULL, scripts
 * the receiver first. With out NULL no receiver runs and env must name the
 * endpoint. The child also gets OTEL_BSP_SCHEDULE_DELAY=50 and
 * OTEL_METRICS_EXPORTER=none, which env may override.
 */
int test_in_child(receiver_t **out, test_setup_fn setup, const char *const *env, int (*body)(void));

/* Called in the child before otel_init() when set: what registers there. */
extern void (*test_child_before_init)(void);

#define ENV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* Child-side check: report and exit non-zero. */
#define EXPECT(cond)                                                                               \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "    child: %s:%d: %s\n", __FILE__, __LINE__, #cond);                        \
      return 1;                                                                                    \
    }                                                                                              \
  } while (0)

#endif
