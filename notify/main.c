/* notify: receives article notifications (docs/api.md). */
#include "handlers.h"
#include "service.h"

static const svc_route_t ROUTES[] = {
    {"GET", "/health", notify_health, 0},
    {"POST", "/notify", notify_receive, SVC_JSON_BODY | SVC_AUTH}, /* NOTIFY_TOKEN */
};

int main(void) {
  svc_begin("notify");
  notify_handlers_init();
  svc_spec_t spec = {.name = "notify",
                     .default_port = 8081,
                     .routes = ROUTES,
                     .n_routes = sizeof(ROUTES) / sizeof(ROUTES[0]),
                     .token_var = "NOTIFY_TOKEN"};
  return svc_run(&spec);
}
