/*
 * Service configuration from the environment. A missing or malformed value
 * ends the process with one line naming the variable and exit code 2.
 */
#ifndef SVC_ENV_H
#define SVC_ENV_H

#include <stdbool.h>

/* The program name used in those lines ("articles"). */
void svc_config_set_program(const char *name);

/* The value, or def when unset or empty; a required variable has def NULL. */
const char *svc_env_str(const char *name, const char *def);

/* A decimal integer in [min, max], or def when unset. */
long svc_env_long(const char *name, long def, long min, long max);

/* Prints "<program>: <name>=<value>: <problem>" and exits 2. */
_Noreturn void svc_config_fail(const char *name, const char *value, const char *problem);

#endif
