/* The resource: detected attributes, OTEL_RESOURCE_ATTRIBUTES and service.name precedence. */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/resource.h"
#include "test.h"
#include "test_env.h"

static const char *str_attr(const otel__resource_t *r, const char *key) {
  const otel_attr_t *a = otel__attrs_find(&r->attrs, key);
  return a && a->type == OTEL_VALUE_STRING ? a->v.s : NULL;
}

TEST(detected_attributes) {
  otel__resource_t r;
  otel__resource_init(&r, "articles", NULL, NULL);
  CHECK_STR(str_attr(&r, "service.name"), "articles");
  CHECK_STR(str_attr(&r, "telemetry.sdk.name"), "libotel");
  CHECK_STR(str_attr(&r, "telemetry.sdk.language"), "c");
  CHECK_STR(str_attr(&r, "telemetry.sdk.version"), OTEL_SDK_VERSION);
  char host[256] = "";
  gethostname(host, sizeof(host) - 1);
  CHECK_STR(str_attr(&r, "host.name"), host);
  const otel_attr_t *pid = otel__attrs_find(&r.attrs, "process.pid");
  CHECK(pid && pid->type == OTEL_VALUE_INT);
  CHECK_INT(pid->v.i, getpid());
  const char *id = str_attr(&r, "service.instance.id");
  CHECK(id && strlen(id) == 36 && id[8] == '-' && id[14] == '4');
  otel__resource_free(&r);
}

TEST(instance_id_differs_per_resource) {
  otel__resource_t a, b;
  otel__resource_init(&a, "x", NULL, NULL);
  otel__resource_init(&b, "x", NULL, NULL);
  CHECK(strcmp(str_attr(&a, "service.instance.id"), str_attr(&b, "service.instance.id")) != 0);
  otel__resource_free(&a);
  otel__resource_free(&b);
}

TEST(env_attributes_are_percent_decoded) {
  otel__resource_t r;
  otel__resource_init(&r, "articles", NULL,
                      "deployment.environment.name=prod, team = web%20apps ,k=%E2%9C%93");
  CHECK_STR(str_attr(&r, "deployment.environment.name"), "prod");
  CHECK_STR(str_attr(&r, "team"), "web apps");
  CHECK_STR(str_attr(&r, "k"), "\xe2\x9c\x93");
  otel__resource_free(&r);
}

TEST(malformed_entries_are_skipped_with_a_warning) {
  otel__resource_t r;
  test_diag_capture();
  otel__resource_init(&r, "articles", NULL, "good=1,novalue,=empty,bad=%zz,also=2");
  CHECK_STR(str_attr(&r, "good"), "1");
  CHECK_STR(str_attr(&r, "also"), "2");
  CHECK(str_attr(&r, "bad") == NULL);
  CHECK(strstr(test_diag_text(), "OTEL_RESOURCE_ATTRIBUTES: 3 malformed entries ignored"));
  otel__resource_free(&r);
}

TEST(service_name_precedence) {
  otel__resource_t r;
  otel__resource_init(&r, "articles", NULL, "service.name=from-attrs");
  CHECK_STR(str_attr(&r, "service.name"), "from-attrs");
  otel__resource_free(&r);
  otel__resource_init(&r, "articles", "from-env", "service.name=from-attrs");
  CHECK_STR(str_attr(&r, "service.name"), "from-env");
  otel__resource_free(&r);
}

/* A child after fork() gets an instance id of its own, unless the
 * environment named one, and its own pid. */
TEST(a_fork_child_gets_its_own_instance_id_unless_one_was_given) {
  otel__resource_t r;
  otel__resource_init(&r, "x", NULL, NULL);
  char before[40];
  snprintf(before, sizeof(before), "%s", str_attr(&r, "service.instance.id"));
  pid_t pid = fork();
  if (pid == 0) {
    otel__resource_fork_child(&r);
    const otel_attr_t *p = otel__attrs_find(&r.attrs, "process.pid");
    const char *id = str_attr(&r, "service.instance.id");
    _exit(!(p && p->v.i == getpid()) ? 1 : !id || strlen(id) != 36 || !strcmp(id, before) ? 2 : 0);
  }
  int status;
  CHECK_INT(waitpid(pid, &status, 0), pid);
  CHECK_INT(WEXITSTATUS(status), 0);
  CHECK_STR(str_attr(&r, "service.instance.id"), before); /* the parent's is unchanged */
  otel__resource_free(&r);
  otel__resource_init(&r, "x", NULL, "service.instance.id=pod-7");
  otel__resource_fork_child(&r);
  CHECK_STR(str_attr(&r, "service.instance.id"), "pod-7");
  otel__resource_free(&r);
}

TEST_MAIN("resource", TEST_CASE(detected_attributes), TEST_CASE(instance_id_differs_per_resource),
          TEST_CASE(env_attributes_are_percent_decoded),
          TEST_CASE(malformed_entries_are_skipped_with_a_warning),
          TEST_CASE(service_name_precedence),
          TEST_CASE(a_fork_child_gets_its_own_instance_id_unless_one_was_given))
