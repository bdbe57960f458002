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
static otel__lifecycle_t lifecycles[OTEL__MAX_PROCESSORS]; /* their force_flush */
static size_t n_exporters;

int otel_add_metric_exporter(const otel_metric_exporter_t *e) {
  otel_metric_exporter_t copy;
  if (!e || !otel__table_copy(&copy, sizeof(copy), e) || !copy.export_metrics)
    return -EINVAL;
  if (otel__sdk.sealed)
    return -EBUSY;
  if (n_exporters == OTEL__MAX_PROCESSORS)
    return -ENOSPC;
  lifecycles[n_exporters] = (otel__lifecycle_t){copy.ud, copy.force_flush, NULL};
  exporters[n_exporters++] = copy;
  return 0;
}

bool otel__metric_exporters_any(void) { return n_exporters > 0; }

int otel__metric_exporters_export(const void *bytes, size_t len, uint32_t timeout_ms) {
  otel_metrics_data_t *data = otel__metrics_data_new(bytes, len);
  if (!data)
    return -EIO;
  uint64_t deadline = otel__deadline_after_ms(timeout_ms);
  int rc = 0;
  for (size_t i = 0; i < n_exporters; i++)
    if (exporters[i].export_metrics(exporters[i].ud, data, (uint32_t)otel__ms_until(deadline)) !=
        OTEL_EXPORT_SUCCESS)
      rc = -EIO;
  otel__metrics_data_release(data);
  return rc;
}

int otel__metric_exporters_flush(uint64_t deadline) {
  return otel__lifecycles_run(lifecycles, n_exporters, false, deadline);
}

void otel__metric_exporters_shutdown(uint64_t deadline) {
  for (size_t i = 0; i < n_exporters; i++)
    if (exporters[i].shutdown)
      exporters[i].shutdown(exporters[i].ud, (uint32_t)otel__ms_until(deadline));
}
