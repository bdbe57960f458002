/* stdout from the writer thread: whole lines in order from many threads, a
 * blocked stdout that holds callers back and loses nothing, direct writes
 * after queued lines, and lines before start and after stop. */
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "logs/stdout_writer.h"
#include "test.h"

/* Points fd 1 at fd for the duration of a test; returns the saved fd 1. */
static int redirect_stdout(int fd) {
  fflush(stdout);
  int saved = dup(1);
  dup2(fd, 1);
  return saved;
}

static void restore_stdout(int saved) {
  dup2(saved, 1);
  close(saved);
}

/* What the file behind fd holds (free it). */
static char *contents(int fd, size_t *len) {
  off_t size = lseek(fd, 0, SEEK_END);
  char *text = calloc(1, (size_t)size + 1);
  *len = pread(fd, text, (size_t)size, 0) == size ? (size_t)size : 0;
  return text;
}

static int temp_file(void) {
  char path[] = "/tmp/libotel-stdout-XXXXXX";
  int fd = mkstemp(path);
  unlink(path);
  return fd;
}

enum { THREADS = 8, LINES = 20000 };

static void *producer(void *arg) {
  long t = (long)(intptr_t)arg;
  char line[160];
  for (int i = 0; i < LINES; i++) {
    int n = snprintf(line, sizeof(line), "t%ld %d %.*s\n", t, i, (int)(i % 100), /* 0..99 pad */
                     "................................................................"
                     "....................................");
    otel__stdout_line(line, (size_t)n);
  }
  return NULL;
}

/* Every line arrives, whole; each thread's lines keep their order. */
TEST(lines_from_many_threads_whole_and_in_order) {
  int fd = temp_file(), saved = redirect_stdout(fd);
  CHECK_INT(otel__stdout_start(), 0);
  pthread_t threads[THREADS];
  for (long t = 0; t < THREADS; t++)
    pthread_create(&threads[t], NULL, producer, (void *)(intptr_t)t);
  for (int t = 0; t < THREADS; t++)
    pthread_join(threads[t], NULL);
  otel__stdout_stop();
  restore_stdout(saved);

  size_t len;
  char *text = contents(fd, &len);
  int next[THREADS] = {0}, lines = 0, bad = 0;
  for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) {
    long t;
    int i, pad;
    if (sscanf(line, "t%ld %d %n", &t, &i, &pad) != 2 || t < 0 || t >= THREADS || i < next[t] ||
        strlen(line + pad) != (size_t)(i % 100)) {
      bad++;
      continue;
    }
    next[t] = i + 1;
  }
  CHECK_INT(bad, 0);
  CHECK_INT(lines, THREADS * LINES);
  free(text);
  close(fd);
}

typedef struct {
  int fd;
  size_t bytes, lines;
} reader_t;

static void *drain(void *arg) {
  reader_t *r = arg;
  char buf[65536];
  ssize_t n;
  while ((n = read(r->fd, buf, sizeof(buf))) > 0) {
    r->bytes += (size_t)n;
    for (ssize_t i = 0; i < n; i++)
      r->lines += buf[i] == '\n';
  }
  return NULL;
}

static void *hundred_byte_lines(void *arg) {
  char line[101];
  memset(line, 'x', 100);
  line[100] = '\n';
  for (int i = 0; i < 20000; i++) /* 2 MB: the pipe holds 64 KiB, the buffers 512 KiB */
    otel__stdout_line(line, sizeof(line));
  atomic_store((atomic_bool *)arg, true);
  return NULL;
}

/* Nobody reads the pipe: the caller is held back once the buffers are full,
 * and when a reader comes, every line arrives. */
TEST(a_blocked_stdout_holds_callers_and_loses_nothing) {
  int pipefd[2];
  CHECK_INT(pipe(pipefd), 0);
  int saved = redirect_stdout(pipefd[1]);
  CHECK_INT(otel__stdout_start(), 0);
  atomic_bool done = false;
  pthread_t producer;
  pthread_create(&producer, NULL, hundred_byte_lines, &done);
  nanosleep(&(struct timespec){0, 300 * 1000000}, NULL);
  CHECK(!atomic_load(&done)); /* waiting for room */
  reader_t r = {.fd = pipefd[0]};
  pthread_t reader;
  pthread_create(&reader, NULL, drain, &r);
  pthread_join(producer, NULL);
  otel__stdout_stop();
  restore_stdout(saved);
  close(pipefd[1]);
  pthread_join(reader, NULL);
  close(pipefd[0]);
  CHECK_INT((long)r.lines, 20000);
  CHECK_INT((long)r.bytes, 20000L * 101);
}

/* A direct write comes after the lines already queued, before later ones. */
TEST(a_direct_write_follows_the_queued_lines) {
  int fd = temp_file(), saved = redirect_stdout(fd);
  CHECK_INT(otel__stdout_start(), 0);
  otel__stdout_line("a\n", 2);
  otel__stdout_line("b\n", 2);
  otel__stdout_now("c\n", 2);
  otel__stdout_line("d\n", 2);
  otel__stdout_stop();
  restore_stdout(saved);
  size_t len;
  char *text = contents(fd, &len);
  CHECK_STR(text, "a\nb\nc\nd\n");
  free(text);
  close(fd);
}

/* Without the thread, lines are written before the call returns. */
TEST(before_start_and_after_stop_lines_are_written_at_once) {
  int fd = temp_file(), saved = redirect_stdout(fd);
  otel__stdout_line("before\n", 7);
  size_t len;
  char *text = contents(fd, &len);
  CHECK_STR(text, "before\n");
  free(text);
  CHECK_INT(otel__stdout_start(), 0);
  otel__stdout_stop();
  otel__stdout_stop(); /* twice is fine */
  otel__stdout_line("after\n", 6);
  text = contents(fd, &len);
  CHECK_STR(text, "before\nafter\n");
  free(text);
  restore_stdout(saved);
  close(fd);
}

TEST_MAIN("stdout", TEST_CASE(lines_from_many_threads_whole_and_in_order),
          TEST_CASE(a_blocked_stdout_holds_callers_and_loses_nothing),
          TEST_CASE(a_direct_write_follows_the_queued_lines),
          TEST_CASE(before_start_and_after_stop_lines_are_written_at_once))
