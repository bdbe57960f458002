/*
 * Helpers for the tests of a program's processors, exporters and sampler
 * (test_processors.c, test_log_processors.c, test_metric_exporters.c).
 * Registration closes at otel_init(), once a process: each case runs in a
 * child of its own, which starts the test's SDK with the in-memory
 * exporters after registering what it tests.
 */
#ifndef TEST_PLUGINS_H
#define TEST_PLUGINS_H

#include <otel/testing.h>
#include <otel/trace.h>

/* Runs body in a child (stdout, which takes the JSON log lines, to
 * /dev/null) and returns its exit status (100 + a signal). */
int plugins_in_child(int (*body)(void));

/* The scope the tests' spans are started under. */
const otel_tracer_t *plugins_tracer(void);

/* The child's in-memory exporters, made by plugins_start(). */
extern otel_memory_t *plugins_memory;

/* Registers the in-memory exporters (simple) and starts the test's SDK
 * ("processors-test"). 0, or what otel_testing_init() returned. */
int plugins_start(void);

/* The value of key in l: a string (NULL when absent or not one), an
 * integer (-1 then). */
const char *plugins_str(const otel_attr_list_t *l, const char *key);
int64_t plugins_int(const otel_attr_list_t *l, const char *key);

/* Whether a and b are both set and equal. */
bool plugins_str_is(const char *a, const char *b);

#endif
