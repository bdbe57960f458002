/*
 * The export pipeline shared by spans and log records: runs on the batch
 * processor's thread, encodes each batch once, and sends it (OTLP) and/or
 * prints it (console).
 */
#include "export/exporter.h"
#include "otlp_codec.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/diag.h"
#include "export/otlp_common.h"
#include "export/otlp_http.h"
#include "logs/stdout_writer.h"

typedef struct exporter {
  const otel__sdk_t *sdk;
  const otel__signal_t *sig;
  const otel__otlp_config_t *otlp;
  otel__interrupt_t intr;
  otel__otlp_http_t *http; /* NULL when OTLP is not among the exporters */
  bool console;
  otel__pbw_t pb;
  otlp_buf_t json;
} exporter_t;

/* The console shows exactly what OTLP would carry: the encoded request,
 * decoded again, one JSON line per item. */
static void print_console(exporter_t *e) {
  ProtobufCMessage *req = protobuf_c_message_unpack(e->sig->request, NULL, otel__pbw_len(&e->pb),
                                                    otel__pbw_data(&e->pb));
  if (!req)
    return;
  otlp_buf_clear(&e->json);
  e->sig->console_lines(req, &e->json);
  protobuf_c_message_free_unpacked(req, NULL);
  if (!e->json.failed)
    otel__stdout_now(e->json.data, e->json.len);
}

static int export_items(void *ud, void *const *items, size_t n, uint64_t deadline) {
  exporter_t *e = ud;
  int rc = e->sig->encode(&e->pb, &e->sdk->resource, items, n);
  if (rc)
    return rc;
  if (e->console)
    print_console(e);
  if (!e->http)
    return 0;
  const void *body;
  size_t len;
  rc = otel__otlp_body(&e->pb, e->sig->request, e->otlp->protocol == OTEL__PROTOCOL_JSON, &e->json,
                       &body, &len);
  return rc ? rc : otel__otlp_http_send(e->http, body, len, deadline);
}

static void destroy(void *ud) {
  exporter_t *e = ud;
  otel__otlp_http_free(e->http);
  otel__pbw_free(&e->pb);
  otlp_buf_free(&e->json);
  otel__interrupt_destroy(&e->intr);
  free(e);
}

static void abandon(void *ud) {
  exporter_t *e = ud;
  otel__otlp_http_abandon(e->http);
}

otel__batch_t *otel__export_pipeline_start(const otel__sdk_t *sdk, const otel__signal_t *sig,
                                           int kinds, const otel__otlp_config_t *otlp,
                                           const otel__batch_config_t *batch) {
  if (!kinds)
    return NULL;
  exporter_t *e = calloc(1, sizeof(*e));
  otel__batch_ops_t *ops = calloc(1, sizeof(*ops));
  if (!e || !ops || otel__interrupt_init(&e->intr)) {
    free(e);
    free(ops);
    otel__error("%s: out of memory; they will not be exported", sig->what);
    return NULL;
  }
  e->sdk = sdk;
  e->sig = sig;
  e->otlp = otlp;
  e->console = kinds & OTEL__EXPORT_CONSOLE;
  otel__pbw_init(&e->pb);
  otlp_buf_init(&e->json, 0);
  if ((kinds & OTEL__EXPORT_OTLP) && !(e->http = otel__otlp_http_new(otlp, &e->intr))) {
    destroy(e);
    free(ops);
    otel__error("%s: cannot create the OTLP exporter; they will not be exported", sig->what);
    return NULL;
  }
  /* The ops live as long as the batch, which outlives shutdown by design. */
  *ops = (otel__batch_ops_t){sig->what, export_items, sig->free_item, destroy, abandon};
  return otel__batch_new(batch, ops, e, &e->intr);
}
