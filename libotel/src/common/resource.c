/* Resource detection and OTEL_RESOURCE_ATTRIBUTES. */
#include "common/resource.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/diag.h"
#include "common/ids.h"
#include "propagation/kvlist.h"

#define RESOURCE_ATTR_LIMIT 128

static const otel__attr_limits_t LIMITS = {RESOURCE_ATTR_LIMIT, 0};

static void set_str(otel__resource_t *r, const char *key, const char *value) {
  otel__attrs_set(&r->attrs, &r->arena, &OTEL_ATTR_STR(key, value), LIMITS);
}

static void from_env(void *ud, const char *key, const char *value, const char *props) {
  otel__resource_t *r = ud;
  if (props)
    otel__warn("OTEL_RESOURCE_ATTRIBUTES: properties after '%s' ignored", key);
  set_str(r, key, value);
}

/* A random (version 4) UUID, as the semantic conventions suggest for service.instance.id. */
static void uuid4(char out[37]) {
  uint8_t b[16];
  otel__random_id(b, sizeof(b));
  b[6] = (uint8_t)((b[6] & 0x0f) | 0x40);
  b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
  snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
           b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14],
           b[15]);
}

static void find_service_name(otel__resource_t *r) {
  const otel_attr_t *name = otel__attrs_find(&r->attrs, "service.name");
  r->service_name = name && name->type == OTEL_VALUE_STRING ? name->v.s : NULL;
}

void otel__resource_init(otel__resource_t *r, const char *default_service, const char *service_name,
                         const char *resource_attributes) {
  memset(r, 0, sizeof(*r));
  otel__arena_init(&r->arena, NULL, 0);
  char host[256] = "";
  uuid4(r->instance_id);
  if (gethostname(host, sizeof(host) - 1) != 0)
    host[0] = '\0';

  set_str(r, "service.name", default_service ? default_service : "unknown_service");
  set_str(r, "service.instance.id", r->instance_id);
  set_str(r, "telemetry.sdk.name", OTEL_SDK_NAME);
  set_str(r, "telemetry.sdk.language", "c");
  set_str(r, "telemetry.sdk.version", OTEL_SDK_VERSION);
  if (host[0])
    set_str(r, "host.name", host);
  otel__attrs_set(&r->attrs, &r->arena, &OTEL_ATTR_INT("process.pid", getpid()), LIMITS);

  int bad = otel__kvlist_parse(resource_attributes, from_env, r);
  if (bad)
    otel__warn("OTEL_RESOURCE_ATTRIBUTES: %d malformed entr%s ignored", bad,
               bad == 1 ? "y" : "ies");
  if (service_name)
    set_str(r, "service.name", service_name);
  if (r->attrs.dropped)
    otel__warn("resource: %u attributes dropped (over %d, or out of memory)", r->attrs.dropped,
               RESOURCE_ATTR_LIMIT);
  find_service_name(r);
}

void otel__resource_add(otel__resource_t *r, const otel__attrs_t *attrs, const char *schema_url) {
  for (uint32_t i = 0; i < attrs->n; i++)
    otel__attrs_set(&r->attrs, &r->arena, &attrs->items[i].attr, LIMITS);
  if (schema_url && *schema_url)
    r->schema_url = otel__arena_strdup(&r->arena, schema_url);
  find_service_name(r);
}

void otel__resource_set_executable(otel__resource_t *r, const char *name) {
  if (!otel__attrs_find(&r->attrs, "process.executable.name"))
    set_str(r, "process.executable.name", name);
}

void otel__resource_free(otel__resource_t *r) {
  otel__arena_reset(&r->arena);
  memset(r, 0, sizeof(*r));
}

void otel__resource_fork_child(otel__resource_t *r) {
  otel__attrs_set(&r->attrs, &r->arena, &OTEL_ATTR_INT("process.pid", getpid()), LIMITS);
  const otel_attr_t *id = otel__attrs_find(&r->attrs, "service.instance.id");
  if (id && id->type == OTEL_VALUE_STRING && !strcmp(id->v.s, r->instance_id)) {
    uuid4(r->instance_id);
    set_str(r, "service.instance.id", r->instance_id);
  }
}
