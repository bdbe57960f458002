/*
 * Starting the SDK: what otel_init() does, with the choices a preloaded copy
 * of libotel makes differently (libotel/instrument).
 */
#ifndef OTEL_SDK_H
#define OTEL_SDK_H

#include <stdbool.h>

typedef struct otel__start {
  const char *executable; /* process.executable.name on the resource, or NULL */
  bool no_stdout_writer;  /* this copy writes no log lines: no writer thread */
  bool no_exporters;      /* none of the OTEL_*_EXPORTER pipelines (a test's SDK) */
} otel__start_t;

/* otel_init() with how (NULL: otel_init()'s own way). Not thread-safe. */
int otel__sdk_start(const char *default_service_name, const otel__start_t *how);

/* The same for a program that links libotel: a preloaded copy stands down. */
int otel__sdk_start_linked(const char *default_service_name, const otel__start_t *how);

/* Set by a preloaded copy of libotel before it starts. A copy linked into
 * the program leaves it false, and its otel_init() tells the preloaded
 * copy, if there is one, to stand down: the program instruments itself. */
extern bool otel__preloaded;

#endif
