/*
 * Metric exporters of the program's own: a fixed table filled before
 * otel_init(). The metric reader encodes each collection once; when there
 * are exporters of the program's, the encoded request is decoded again as
 * the view they read (metric_data.c), so the collection, and its deltas,
 * are the same for them and for OTLP.
 */
#include "metrics/metric_exporters.h"

#include <otel/processor.h>

#include <errno.h>

#include "common/clock.h"
#include "common/state.h"
#include "common/table.h"
#include "common/lifecycle.h"
#include "metrics/metric_data.h"

static otel_metric_exporter_t exporters[OTEL__MAX_PROCESSORS];
static otel__registry_t registry; /* their force_flush, and how many */

int otel_add_metric_exporter(const otel_metric_exporter_t *e) {
  otel_metric_exporter_t copy;
  if (!e || !otel__table_copy(&copy, sizeof(copy), e) || !copy.export_metrics)
    return -EINVAL;
  int i = otel__registry_add(&registry, &(otel__lifecycle_t){copy.ud, copy.force_flush, NULL});
  if (i >= 0)
    exporters[i] = copy;
  return i < 0 ? i : 0;
}

bool otel__metric_exporters_any(void) { return registry.n > 0; }

int otel__metric_exporters_export(const void *bytes, size_t len, uint32_t timeout_ms) {
  otel_metrics_data_t *data = otel__metrics_data_new(bytes, len);
  if (!data)
    return -EIO;
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  int rc = 0;
  for (size_t i = 0; i < registry.n; i++)
    if (exporters[i].export_metrics(exporters[i].ud, data, (uint32_t)otel__ms_until(deadline)) !=
        OTEL_EXPORT_SUCCESS)
      rc = -EIO;
  otel__metrics_data_release(data);
  return rc;
}

int otel__metric_exporters_flush(uint64_t deadline) {
  return otel__lifecycles_run(registry.lifecycles, registry.n, false, deadline);
}

void otel__metric_exporters_shutdown(uint64_t deadline) {
  for (size_t i = 0; i < registry.n; i++)
    if (exporters[i].shutdown)
      exporters[i].shutdown(exporters[i].ud, (uint32_t)otel__ms_until(deadline));
}
