/* Helpers for the tests of a program's processors and exporters (plugins.h). */
#include "plugins.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

otel_memory_t *plugins_memory;

int plugins_in_child(int (*body)(void)) {
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    if (!freopen("/dev/null", "w", stdout))
      _exit(99);
    _exit(body());
  }
  int status;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}

const otel_tracer_t *plugins_tracer(void) { return otel_tracer_get("processors.test", "2.0"); }

int plugins_start(void) {
  plugins_memory = otel_memory_new();
  return plugins_memory ? otel_testing_init("processors-test", plugins_memory) : -ENOMEM;
}

const char *plugins_str(const otel_attr_list_t *l, const char *key) {
  const otel_attr_t *a = otel_attr_list_find(l, key);
  return a && a->type == OTEL_VALUE_STRING ? a->v.s : NULL;
}

int64_t plugins_int(const otel_attr_list_t *l, const char *key) {
  const otel_attr_t *a = otel_attr_list_find(l, key);
  return a && a->type == OTEL_VALUE_INT ? a->v.i : -1;
}

bool plugins_str_is(const char *a, const char *b) { return a && b && !strcmp(a, b); }
