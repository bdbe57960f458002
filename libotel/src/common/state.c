/* The SDK's process-wide state (state.h). */
#include "common/state.h"

otel__sdk_t otel__sdk;

const char *otel__sdk_service_name(void) {
  if (otel__sdk_enabled() && otel__sdk.resource.service_name)
    return otel__sdk.resource.service_name;
  return otel__sdk.service_name[0] ? otel__sdk.service_name : "unknown_service";
}
