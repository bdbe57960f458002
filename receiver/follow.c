/* The trace view of a file that another process writes (follow.h). */
#include "follow.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "decode.h"
#include "otlp_codec.h"
#include "signals.h"
#include "view.h"

#define POLL_MS 200

/* What the file is, and how far it was read. One thread: the idle callback's. */
static struct {
  const char *path;
  FILE *file;
  dev_t dev;
  ino_t ino;
  long offset;
  bool from_start;    /* where the next file opened is read from */
  otlp_buf_t partial; /* the last line, until its newline is written */
  rx_view_t *view;
} fw;

static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* One line: an ExportTraceServiceRequest in OTLP/JSON, shown. Other lines
 * (another signal's, a broken one) are left out. */
static void show_line(const char *line, size_t len) {
  rx_request_t req = {"/v1/traces", "application/json", NULL, line, len, 0};
  rx_decoded_t d = rx_decode(&req);
  if (d.status == 200 && d.message)
    rx_view_spans(fw.view, (const void *)d.message, now_ms());
  rx_decoded_free(&d);
}

static void close_file(void) {
  if (fw.file)
    fclose(fw.file);
  fw.file = NULL;
  otlp_buf_clear(&fw.partial);
}

/* Opens the file when it appears, and again when it is replaced (another
 * inode) or truncated (shorter than what was read). */
static void reopen_if_needed(void) {
  struct stat st;
  if (stat(fw.path, &st)) {
    close_file();
    fw.from_start = true; /* when it appears, all of it is new */
    return;
  }
  bool replaced = fw.file && (st.st_dev != fw.dev || st.st_ino != fw.ino);
  bool truncated = fw.file && st.st_size < fw.offset;
  if (fw.file && !replaced && !truncated)
    return;
  if (fw.file)
    fw.from_start = true;
  close_file();
  if (!(fw.file = fopen(fw.path, "r")))
    return;
  fw.dev = st.st_dev, fw.ino = st.st_ino;
  fw.offset = 0;
  if (!fw.from_start && fseek(fw.file, 0, SEEK_END) == 0)
    fw.offset = ftell(fw.file);
}

/* Reads what was appended, shows each whole line, and the traces now complete. */
static void poll_file(void) {
  reopen_if_needed();
  char chunk[65536];
  size_t n;
  while (fw.file && (n = fread(chunk, 1, sizeof(chunk), fw.file)) > 0) {
    fw.offset += (long)n;
    const char *p = chunk, *end = chunk + n, *nl;
    while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
      if (fw.partial.len) {
        otlp_buf_append(&fw.partial, p, (size_t)(nl - p));
        if (!fw.partial.failed)
          show_line(fw.partial.data, fw.partial.len);
        otlp_buf_clear(&fw.partial);
      } else {
        show_line(p, (size_t)(nl - p));
      }
      p = nl + 1;
    }
    otlp_buf_append(&fw.partial, p, (size_t)(end - p));
  }
  if (fw.file)
    clearerr(fw.file); /* at its end for now: the writer may append more */
  rx_view_tick(fw.view, now_ms(), 0);
  fflush(stdout);
}

int rx_follow(const char *path, bool all) {
  fw.path = path;
  fw.from_start = all;
  otlp_buf_init(&fw.partial, RX_MAX_BODY);
  if (!(fw.view = rx_view_new(stdout)))
    return 1;
  printf("receiver: showing the traces %s %s as they are written; Ctrl-C stops\n",
         all ? "in" : "added to", path);
  poll_file();
  svc_signals_wait(POLL_MS, poll_file);
  poll_file();
  rx_view_tick(fw.view, now_ms(), 1);
  rx_view_free(fw.view);
  close_file();
  otlp_buf_free(&fw.partial);
  return 0;
}
