/* The services' common main: configuration, telemetry, the server, the graceful stop. */
#include "service.h"

#include <otel/log.h>
#include <otel/otel.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "env.h"
#include "signals.h"

#define MAX_BODY (1u << 20)
#define TELEMETRY_FLUSH_MS 5000

static char service_name[256];

void svc_begin(const char *name) {
  svc_config_set_program(name);
  svc_signals_block();
  snprintf(service_name, sizeof(service_name), "%s", name);
}

const char *svc_service_name(void) { return service_name; }

static void release_free_memory(void) { malloc_trim(0); }

int svc_run(const svc_spec_t *spec) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  svc_http_config_t http = {
      .host = svc_env_str("HOST", "0.0.0.0"),
      .port = (unsigned)svc_env_long("PORT", spec->default_port, 1, 65535),
      .threads = (unsigned)svc_env_long("HTTP_THREADS", cores > 0 ? cores : 1, 1, 1024),
      .workers = (unsigned)svc_env_long("WORKER_THREADS", cores > 0 ? 6 * cores : 6, 1, 1024),
      .max_body = MAX_BODY,
      .per_client = (unsigned)svc_env_long("CONNECTIONS_PER_CLIENT", 256, 1, 1024),
      .routes = spec->routes,
      .n_routes = spec->n_routes,
      .log_name = spec->name,
  };
  const char *token = spec->token_var ? svc_env_str(spec->token_var, "") : "";
  http.token = *token ? token : NULL; /* never logged */
  unsigned drain_ms = (unsigned)svc_env_long("DRAIN_TIMEOUT_MS", 10000, 0, 600000);
  const char *configured = getenv("OTEL_SERVICE_NAME");
  if (configured && *configured)
    snprintf(service_name, sizeof(service_name), "%s", configured);
  otel_init(spec->name);

  svc_http_t *server = svc_http_start(&http);
  if (!server) {
    otel_shutdown(TELEMETRY_FLUSH_MS);
    return 1;
  }
  if (spec->start && spec->start()) {
    svc_http_stop(server, drain_ms);
    otel_shutdown(TELEMETRY_FLUSH_MS);
    return 1;
  }
  otel_attr_t where[] = {OTEL_ATTR_STR("host", http.host), OTEL_ATTR_INT("port", http.port),
                         OTEL_ATTR_INT("threads", http.threads),
                         OTEL_ATTR_INT("workers", http.workers)};
  otel_log(OTEL_SEVERITY_INFO, spec->name, "listening", where, 4);

  /* The main thread idles until a stop signal; with MALLOC_TRIM_INTERVAL_MS
   * set, it hands the allocator's free pages back to the system meanwhile
   * (off by default: measured in docs/hardening.md, "The soak"). */
  unsigned trim_ms = (unsigned)svc_env_long("MALLOC_TRIM_INTERVAL_MS", 0, 0, 3600000);
  int sig = svc_signals_wait(trim_ms, release_free_memory);
  otel_log(OTEL_SEVERITY_INFO, spec->name, "stopping", &OTEL_ATTR_INT("signal", sig), 1);
  svc_http_stop(server, drain_ms);
  if (spec->stop)
    spec->stop();
  otel_shutdown(TELEMETRY_FLUSH_MS);
  otel_log(OTEL_SEVERITY_INFO, spec->name, "stopped", NULL, 0);
  return 0;
}
