/* Stands the SDK's state up for unit tests, from a fake environment, with no export thread. */
#ifndef TEST_SDK_H
#define TEST_SDK_H

#include "common/state.h"

/* Configures and enables the SDK from "NAME=value" strings (NULL-terminated). */
void test_sdk_start(const char *const *env);
/* Disables it and frees what test_sdk_start made. */
void test_sdk_stop(void);

#define TEST_SDK_START(...) test_sdk_start((const char *const[]){__VA_ARGS__, NULL})

#endif
