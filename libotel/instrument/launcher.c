/*
 * otel-instrument [--] PROGRAM [ARGS...]: runs an unchanged program with
 * libotel-instrument.so preloaded, so that its libmicrohttpd requests, libpq
 * statements, libcurl transfers and syslog messages become telemetry, as the
 * OTEL_* environment says.
 *
 * It execs the program: the PID and the exit status stay the program's. The
 * library is found beside this command (../lib, as make install lays them
 * out, or .., in the build tree) and added after whatever LD_PRELOAD already
 * holds. It refuses, in one line, a program it cannot find, a statically
 * linked one and a set-user-ID one: the loader preloads nothing into either.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LIBRARY "libotel-instrument.so"

static const char USAGE[] =
    "usage: otel-instrument [--] PROGRAM [ARGS...]\n"
    "Runs PROGRAM with libotel preloaded: its libmicrohttpd requests, libpq statements,\n"
    "libcurl transfers and syslog messages become spans, metrics and log records,\n"
    "exported as the OTEL_* environment says (OTEL_EXPORTER_OTLP_ENDPOINT, ...).\n"
    "  OTEL_C_DISABLED_INSTRUMENTATIONS  mhd, pq, curl, syslog: those left alone\n"
    "  OTEL_C_HTTP_SERVER_ROUTES         route templates (/items/{id}) naming server spans\n"
    "  --help, --version\n";

static int fail(int status, const char *what, const char *why) {
  fprintf(stderr, "otel-instrument: %s%s%s\n", what, why ? ": " : "", why ? why : "");
  return status;
}

/* The library beside this command, into out; false when there is none. */
static bool find_library(char *out, size_t size) {
  char self[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
  if (n <= 0)
    return false;
  self[n] = '\0';
  char *slash = strrchr(self, '/');
  if (!slash)
    return false;
  *slash = '\0';
  static const char *const BESIDE[] = {"/../lib/" LIBRARY, "/../" LIBRARY};
  for (size_t i = 0; i < sizeof(BESIDE) / sizeof(BESIDE[0]); i++) {
    char path[PATH_MAX];
    if (snprintf(path, sizeof(path), "%s%s", self, BESIDE[i]) >= (int)sizeof(path))
      continue;
    if (realpath(path, out) && strlen(out) < size && access(out, R_OK) == 0)
      return true;
  }
  return false;
}

/* The file PROGRAM names, as execvp would find it, into out. */
static bool find_program(const char *program, char *out, size_t size) {
  if (strchr(program, '/'))
    return snprintf(out, size, "%s", program) < (int)size && access(out, X_OK) == 0;
  const char *path = getenv("PATH");
  for (const char *dir = path && *path ? path : "/usr/local/bin:/usr/bin:/bin"; *dir;) {
    size_t n = strcspn(dir, ":");
    struct stat st;
    if (snprintf(out, size, "%.*s/%s", (int)n, n ? dir : ".", program) < (int)size &&
        stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
      return true;
    dir += n + (dir[n] == ':');
  }
  return false;
}

/* Whether the file is an ELF executable without a program interpreter:
 * statically linked, where no library can be preloaded. A script, or a file
 * that cannot be read, is not. */
static bool statically_linked(const char *file) {
  int fd = open(file, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  unsigned char ident[EI_NIDENT];
  bool is_static = false;
  if (pread(fd, ident, sizeof(ident), 0) == (ssize_t)sizeof(ident) &&
      !memcmp(ident, ELFMAG, SELFMAG) && ident[EI_CLASS] == ELFCLASS64) {
    Elf64_Ehdr eh;
    if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) &&
        eh.e_phentsize == sizeof(Elf64_Phdr)) {
      is_static = true;
      for (unsigned i = 0; i < eh.e_phnum && is_static; i++) {
        Elf64_Phdr ph;
        if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
          is_static = false; /* unreadable: leave it to the loader */
        else if (ph.p_type == PT_INTERP)
          is_static = false;
      }
    }
  }
  close(fd);
  return is_static;
}

int main(int argc, char **argv) {
  int first = 1;
  if (argc > 1 && !strcmp(argv[1], "--help")) {
    fputs(USAGE, stdout);
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "--version")) {
    printf("otel-instrument (libotel) %s\n", OTEL_SDK_VERSION_TEXT);
    return 0;
  }
  if (argc > 1 && !strcmp(argv[1], "--"))
    first = 2;
  if (first >= argc || (argv[first][0] == '-' && first == 1)) {
    fputs(USAGE, stderr);
    return 2;
  }
  const char *program = argv[first];
  char file[PATH_MAX], library[PATH_MAX];
  if (!find_program(program, file, sizeof(file)))
    return fail(127, program, "not found");
  struct stat st;
  if (stat(file, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)))
    return fail(126, program,
                "set-user-ID or set-group-ID: the loader preloads nothing into it; run it "
                "without otel-instrument");
  if (statically_linked(file))
    return fail(126, program, "statically linked: nothing can be preloaded into it");
  if (!find_library(library, sizeof(library)))
    return fail(126, LIBRARY, "not found beside otel-instrument (../lib or ..)");
  const char *before = getenv("LD_PRELOAD");
  size_t n = (before ? strlen(before) + 1 : 0) + strlen(library) + 1;
  char *preload = malloc(n);
  if (!preload)
    return fail(126, "out of memory", NULL);
  snprintf(preload, n, "%s%s%s", before && *before ? before : "", before && *before ? ":" : "",
           library);
  if (setenv("LD_PRELOAD", preload, 1))
    return fail(126, "LD_PRELOAD", strerror(errno));
  execv(file, argv + first);
  return fail(126, program, strerror(errno));
}
