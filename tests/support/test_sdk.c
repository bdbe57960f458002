/* SDK state for unit tests: what otel_init does, minus the export pipeline. */
#include "test_sdk.h"

#include "common/resource.h"
#include "test_env.h"

void test_sdk_start(const char *const *env) {
  otel__sdk_t *s = &otel__sdk;
  otel__config_load(&s->config, test_env_get, (void *)env);
  otel__resource_init(&s->resource, "test", s->config.service_name, s->config.resource_attributes);
  otel__sampler_init(&s->sampler, s->config.sampler, s->config.sampler_ratio);
  s->spans = NULL;
  atomic_store(&s->enabled, !s->config.disabled);
}

void test_sdk_stop(void) {
  otel__sdk_t *s = &otel__sdk;
  atomic_store(&s->enabled, false);
  otel__resource_free(&s->resource);
  otel__config_free(&s->config);
}
