/* Environment variables for the services, with exit code 2 on bad values. */
#include "env.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static const char *program = "service";

void svc_config_set_program(const char *name) { program = name; }

_Noreturn void svc_config_fail(const char *name, const char *value, const char *problem) {
  if (value)
    fprintf(stderr, "%s: %s=%s: %s\n", program, name, value, problem);
  else
    fprintf(stderr, "%s: %s: %s\n", program, name, problem);
  exit(2);
}

const char *svc_env_str(const char *name, const char *def) {
  const char *v = getenv(name);
  if (v && *v)
    return v;
  if (!def)
    svc_config_fail(name, NULL, "is required");
  return def;
}

long svc_env_long(const char *name, long def, long min, long max) {
  const char *v = getenv(name);
  if (!v || !*v)
    return def;
  char *end;
  errno = 0;
  long n = strtol(v, &end, 10);
  if (*end || errno || n < min || n > max) {
    char problem[96];
    snprintf(problem, sizeof(problem), "expected an integer from %ld to %ld", min, max);
    svc_config_fail(name, v, problem);
  }
  return n;
}
