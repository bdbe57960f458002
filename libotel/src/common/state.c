/* The SDK's process-wide state (state.h). */
#include "common/state.h"

otel__sdk_t otel__sdk;
_Thread_local bool otel__sdk_thread;

const char *otel__sdk_service_name(void) {
  if (otel__sdk_enabled() && otel__sdk.resource.service_name)
    return otel__sdk.resource.service_name;
  return otel__sdk.service_name[0] ? otel__sdk.service_name : "unknown_service";
}
