/* Test helpers: a fake environment for the config reader, and captured SDK diagnostics. */
#ifndef TEST_ENV_H
#define TEST_ENV_H

#include "common/config.h"

/* An otel__getenv_fn over a NULL-terminated array of "NAME=value" strings (ud). */
const char *test_env_get(void *ud, const char *name);

/* Loads a config from the given "NAME=value" strings (NULL-terminated). */
#define TEST_CONFIG_LOAD(c, ...)                                                                   \
  otel__config_load((c), test_env_get, (void *)(const char *[]){__VA_ARGS__, NULL})

/* Starts capturing SDK diagnostics (clearing what was captured before). */
void test_diag_capture(void);
/* Everything captured since, one message per line. Borrowed. */
const char *test_diag_text(void);

#endif
