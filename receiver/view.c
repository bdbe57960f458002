/* The live view: span lines and per-trace waterfalls (see view.h). */
#include "view.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "otlp_codec.h"

#define MAX_TRACES 64   /* traces waiting for their waterfall; more are shown as lines only */
#define MAX_SPANS 128   /* spans per waterfall */
#define QUIET_MS 1000   /* a trace with its root is complete after this long without spans */
#define ORPHAN_MS 10000 /* a trace without a root is shown after this long anyway */
#define BAR_WIDTH 40

typedef struct {
  uint8_t span_id[8], parent_id[8];
  int has_parent;
  char service[48], name[80];
  int kind;
  int error;
  uint64_t start, end;
} span_t;

typedef struct {
  uint8_t trace_id[16];
  int used, has_root;
  uint64_t last_ms;
  span_t spans[MAX_SPANS];
  int n;
} trace_t;

struct rx_view {
  FILE *out;
  trace_t traces[MAX_TRACES];
};

static const char *const KINDS[] = {"UNSPEC", "INTERNAL", "SERVER",
                                    "CLIENT", "PRODUCER", "CONSUMER"};

static const char *kind_name(int kind) { return kind >= 0 && kind <= 5 ? KINDS[kind] : "?"; }

rx_view_t *rx_view_new(FILE *out) {
  rx_view_t *v = calloc(1, sizeof(*v));
  if (v)
    v->out = out;
  return v;
}

void rx_view_free(rx_view_t *v) { free(v); }

static const char *service_of(const Opentelemetry__Proto__Trace__V1__ResourceSpans *rs) {
  if (!rs->resource)
    return "?";
  for (size_t i = 0; i < rs->resource->n_attributes; i++) {
    const Opentelemetry__Proto__Common__V1__KeyValue *kv = rs->resource->attributes[i];
    if (!strcmp(kv->key, "service.name") && kv->value &&
        kv->value->value_case == OPENTELEMETRY__PROTO__COMMON__V1__ANY_VALUE__VALUE_STRING_VALUE)
      return kv->value->string_value;
  }
  return "?";
}

const char *rx_printable(const char *s, char *out, size_t size) {
  static const char HEX[] = "0123456789abcdef";
  size_t len = 0;
  for (; s && *s; s++) {
    unsigned char c = (unsigned char)*s;
    bool control = c < 0x20 || c == 0x7f;
    if (len + (control ? 4 : 1) >= size)
      break;
    if (control) {
      out[len++] = '\\', out[len++] = 'x', out[len++] = HEX[c >> 4], out[len++] = HEX[c & 15];
    } else {
      out[len++] = (char)c;
    }
  }
  if (size)
    out[len] = '\0';
  return out;
}

static double ms_between(uint64_t from_ns, uint64_t to_ns) {
  return to_ns > from_ns ? (double)(to_ns - from_ns) / 1e6 : 0;
}

static trace_t *trace_for(rx_view_t *v, const uint8_t *id) {
  trace_t *free_slot = NULL;
  for (int i = 0; i < MAX_TRACES; i++) {
    trace_t *t = &v->traces[i];
    if (t->used && !memcmp(t->trace_id, id, 16))
      return t;
    if (!t->used && !free_slot)
      free_slot = t;
  }
  if (free_slot) {
    memset(free_slot, 0, sizeof(*free_slot));
    free_slot->used = 1;
    memcpy(free_slot->trace_id, id, 16);
  }
  return free_slot;
}

static void keep(rx_view_t *v, const Opentelemetry__Proto__Trace__V1__Span *s, const char *service,
                 uint64_t now_ms) {
  if (s->trace_id.len != 16 || s->span_id.len != 8)
    return;
  trace_t *t = trace_for(v, s->trace_id.data);
  if (!t)
    return;
  t->last_ms = now_ms;
  if (t->n == MAX_SPANS)
    return;
  span_t *k = &t->spans[t->n++];
  memcpy(k->span_id, s->span_id.data, 8);
  k->has_parent = s->parent_span_id.len == 8;
  if (k->has_parent)
    memcpy(k->parent_id, s->parent_span_id.data, 8);
  else
    t->has_root = 1;
  rx_printable(service, k->service, sizeof(k->service));
  rx_printable(s->name, k->name, sizeof(k->name));
  k->kind = s->kind;
  k->error = s->status && s->status->code == 2;
  k->start = s->start_time_unix_nano;
  k->end = s->end_time_unix_nano;
}

void rx_view_spans(rx_view_t *v,
                   const Opentelemetry__Proto__Collector__Trace__V1__ExportTraceServiceRequest *req,
                   uint64_t now_ms) {
  for (size_t r = 0; r < req->n_resource_spans; r++) {
    const char *service = service_of(req->resource_spans[r]);
    for (size_t k = 0; k < req->resource_spans[r]->n_scope_spans; k++) {
      const Opentelemetry__Proto__Trace__V1__ScopeSpans *ss =
          req->resource_spans[r]->scope_spans[k];
      for (size_t i = 0; i < ss->n_spans; i++) {
        const Opentelemetry__Proto__Trace__V1__Span *s = ss->spans[i];
        char trace[33] = "-", span[17] = "-";
        if (s->trace_id.len == 16)
          otlp_hex_encode(s->trace_id.data, 16, trace);
        if (s->span_id.len == 8)
          otlp_hex_encode(s->span_id.data, 8, span);
        char shown_service[96], shown_name[512];
        fprintf(v->out, "span  %-10s %-8s %-36s %9.3f ms  trace %s span %s%s\n",
                rx_printable(service, shown_service, sizeof(shown_service)), kind_name(s->kind),
                rx_printable(s->name, shown_name, sizeof(shown_name)),
                ms_between(s->start_time_unix_nano, s->end_time_unix_nano), trace, span,
                s->status && s->status->code == 2 ? "  ERROR" : "");
        keep(v, s, service, now_ms);
      }
    }
  }
  fflush(v->out);
}

/* Characters (not bytes) of a UTF-8 string. */
static size_t width(const char *s) {
  size_t n = 0;
  for (; *s; s++)
    n += ((unsigned char)*s & 0xc0) != 0x80;
  return n;
}

typedef struct {
  const span_t *span;
  char label[192];
} row_t;

/* Whether s's parent is among the trace's spans (else s is shown at the top). */
static int parent_is_here(const trace_t *t, const span_t *s) {
  if (!s->has_parent)
    return 0;
  for (int j = 0; j < t->n; j++)
    if (!memcmp(s->parent_id, t->spans[j].span_id, 8))
      return 1;
  return 0;
}

/* The children of parent (NULL: the roots, and spans whose parent is not
 * here), in start order, depth first, each with its branch of the tree. */
static void walk(const trace_t *t, const span_t *parent, const char *indent, row_t *rows, int *n,
                 int depth) {
  const span_t *kids[MAX_SPANS];
  int k = 0;
  for (int i = 0; i < t->n; i++) {
    const span_t *s = &t->spans[i];
    int mine =
        parent ? s->has_parent && !memcmp(s->parent_id, parent->span_id, 8) : !parent_is_here(t, s);
    if (mine)
      kids[k++] = s;
  }
  for (int a = 1; a < k; a++) /* insertion sort by start time */
    for (int b = a; b > 0 && kids[b]->start < kids[b - 1]->start; b--) {
      const span_t *x = kids[b];
      kids[b] = kids[b - 1];
      kids[b - 1] = x;
    }
  for (int i = 0; i < k && *n < MAX_SPANS; i++) {
    int last = i == k - 1;
    row_t *r = &rows[(*n)++];
    r->span = kids[i];
    snprintf(r->label, sizeof(r->label), "%s%s%s %s %s", indent,
             parent ? (last ? "└─ " : "├─ ") : "", kids[i]->service, kind_name(kids[i]->kind),
             kids[i]->name);
    if (depth < 16) {
      char deeper[96];
      snprintf(deeper, sizeof(deeper), "%s%s", indent, parent ? (last ? "   " : "│  ") : "");
      walk(t, kids[i], deeper, rows, n, depth + 1);
    }
  }
}

static void waterfall(rx_view_t *v, const trace_t *t) {
  static row_t rows[MAX_SPANS];
  int n = 0;
  walk(t, NULL, "", rows, &n, 0);
  uint64_t t0 = UINT64_MAX, t1 = 0;
  size_t widest = 0;
  for (int i = 0; i < n; i++) {
    t0 = rows[i].span->start < t0 ? rows[i].span->start : t0;
    t1 = rows[i].span->end > t1 ? rows[i].span->end : t1;
    widest = width(rows[i].label) > widest ? width(rows[i].label) : widest;
  }
  char id[33];
  otlp_hex_encode(t->trace_id, 16, id);
  double total = ms_between(t0, t1);
  fprintf(v->out, "\ntrace %s  %d span%s  %.3f ms\n", id, n, n == 1 ? "" : "s", total);
  for (int i = 0; i < n; i++) {
    const span_t *s = rows[i].span;
    double span_ns = total > 0 ? total * 1e6 : 1;
    int from = (int)((double)(s->start - t0) / span_ns * BAR_WIDTH);
    int len = (int)((double)(s->end - s->start) / span_ns * BAR_WIDTH + 0.5);
    from = from < 0 ? 0 : from > BAR_WIDTH - 1 ? BAR_WIDTH - 1 : from;
    len = len < 1 ? 1 : len > BAR_WIDTH - from ? BAR_WIDTH - from : len;
    fprintf(v->out, "  %s%*s  |", rows[i].label, (int)(widest - width(rows[i].label)), "");
    for (int c = 0; c < BAR_WIDTH; c++)
      fputs(c >= from && c < from + len ? "█" : " ", v->out);
    fprintf(v->out, "| %9.3f ms%s\n", ms_between(s->start, s->end), s->error ? "  ERROR" : "");
  }
  fflush(v->out);
}

void rx_view_tick(rx_view_t *v, uint64_t now_ms, int flush) {
  for (int i = 0; i < MAX_TRACES; i++) {
    trace_t *t = &v->traces[i];
    if (!t->used)
      continue;
    uint64_t quiet = now_ms - t->last_ms;
    if (flush || (t->has_root && quiet >= QUIET_MS) || quiet >= ORPHAN_MS) {
      waterfall(v, t);
      t->used = 0;
    }
  }
}
