/* The SDK's process-wide state (state.h). */
#include "common/state.h"

otel__sdk_t otel__sdk;

const char *otel__sdk_service_name(void) {
  if (otel__sdk_enabled()) {
    const otel_attr_t *a = otel__attrs_find(&otel__sdk.resource.attrs, "service.name");
    if (a && a->type == OTEL_VALUE_STRING)
      return a->v.s;
  }
  return otel__sdk.service_name[0] ? otel__sdk.service_name : "unknown_service";
}
