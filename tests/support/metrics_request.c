/* Metrics encoded and decoded again (metrics_request.h). */
#include "metrics_request.h"

#include <string.h>

#include "common/state.h"
#include "export/otlp_metrics.h"

test_metrics_request_t *test_metrics_collect(void) {
  otel__pbw_t w;
  otel__pbw_init(&w);
  size_t points;
  test_metrics_request_t *req = NULL;
  if (otel__otlp_metrics_encode(&w, &otel__sdk.resource, &points) == 0)
    req = opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__unpack(
        NULL, otel__pbw_len(&w), otel__pbw_data(&w));
  otel__pbw_free(&w);
  return req;
}

void test_metrics_request_free(test_metrics_request_t *r) {
  if (r)
    opentelemetry__proto__collector__metrics__v1__export_metrics_service_request__free_unpacked(
        r, NULL);
}

const test_metric_t *test_metrics_find(const test_metrics_request_t *r, const char *name) {
  for (size_t i = 0; r && i < r->n_resource_metrics; i++)
    for (size_t k = 0; k < r->resource_metrics[i]->n_scope_metrics; k++)
      for (size_t m = 0; m < r->resource_metrics[i]->scope_metrics[k]->n_metrics; m++)
        if (!strcmp(r->resource_metrics[i]->scope_metrics[k]->metrics[m]->name, name))
          return r->resource_metrics[i]->scope_metrics[k]->metrics[m];
  return NULL;
}
