/* The SDK in a child process, with a receiver in this one (sdk_child.h). */
#include "sdk_child.h"

#include <otel/otel.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_env.h"

void (*test_child_before_init)(void);

int test_in_child(receiver_t **out, test_setup_fn setup, const char *const *env,
                  int (*body)(void)) {
  int fds[2];
  if (pipe(fds))
    return 99;
  fflush(NULL);
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[1]);
    int port = 0;
    if (read(fds[0], &port, sizeof(port)) != sizeof(port))
      exit(98);
    close(fds[0]);
    if (port) {
      char endpoint[64];
      snprintf(endpoint, sizeof(endpoint), "http://127.0.0.1:%d", port);
      setenv("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, 1);
    }
    setenv("OTEL_BSP_SCHEDULE_DELAY", "50", 1);
    setenv("OTEL_METRICS_EXPORTER", "none", 1); /* the SDK's own metrics would be requests too */
    for (const char *const *e = env; *e; e++)
      putenv((char *)*e);
    test_diag_capture();
    if (test_child_before_init)
      test_child_before_init();
    if (otel_init("export-test") != 0)
      exit(90);
    exit(body());
  }
  close(fds[0]);
  receiver_t *r = out ? receiver_start() : NULL;
  if (r && setup)
    setup(r);
  int port = r ? receiver_port(r) : 0;
  if (write(fds[1], &port, sizeof(port)) != sizeof(port))
    port = -1;
  close(fds[1]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (out)
    *out = r;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 100 + WTERMSIG(status);
}
