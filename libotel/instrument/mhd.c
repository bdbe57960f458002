/*
 * libmicrohttpd's requests, each a server span (libotel/integrations/mhd/):
 *
 *   MHD_start_daemon     the daemon starts with its options as the program
 *                        gave them, but its access handler, its request
 *                        completed callback and its URI logger go through
 *                        this file first (the program's own are called from
 *                        there, with their closures)
 *   URI logger           a request begins: its raw target is kept
 *   access handler       the first call begins the span (its parent from the
 *                        request's headers, its route from
 *                        OTEL_C_HTTP_SERVER_ROUTES); the span is current
 *                        while the program's handler runs, at every call,
 *                        also after a suspended connection is resumed
 *   MHD_queue_response   the status
 *   completed callback   the span ends, with the status or without one
 *
 * Options are read from the program's argument list by their types (the
 * options of libmicrohttpd 0.9.75); a daemon started with an option this file
 * does not know is left uninstrumented, with one warning.
 */
#include <errno.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "instrument.h"
#include "otel/mhd.h"
#include "ptr_map.h"

typedef void *(*uri_logger_t)(void *cls, const char *uri, struct MHD_Connection *c);

/* What the program gave a daemon, which the wrappers call on. */
typedef struct {
  MHD_AccessHandlerCallback handler;
  void *handler_cls;
  MHD_RequestCompletedCallback completed;
  void *completed_cls;
  uri_logger_t uri_logger;
  void *uri_logger_cls;
} daemon_wrap_t;

/* A request in flight, by its connection. */
typedef struct {
  otel_mhd_request_t tel;
  bool begun;
  unsigned status;
  char *uri; /* the raw target, from the URI logger */
} request_t;

static otel__ptr_map_t daemons = OTEL__PTR_MAP_INIT;  /* daemon -> daemon_wrap_t */
static otel__ptr_map_t requests = OTEL__PTR_MAP_INIT; /* connection -> request_t */

/* Whether this request gets telemetry: the instrumentation is on (starting
 * the SDK when it has not started). The program's handler then runs
 * outside: its own library calls get their spans, as children. */
static bool active(void) {
  if (!otel__instr_begin(OTEL__INSTR_MHD))
    return false;
  otel__instr_end();
  return true;
}

static request_t *request_of(struct MHD_Connection *c, bool make) {
  void *r = NULL;
  if (!otel__ptr_map_get(&requests, c, &r) && make && (r = calloc(1, sizeof(request_t))) &&
      !otel__ptr_map_put(&requests, c, r)) {
    free(r);
    r = NULL;
  }
  return r;
}

static void *log_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  daemon_wrap_t *w = cls;
  int saved = errno;
  request_t *r = active() ? request_of(c, true) : NULL;
  if (r && !r->begun) {
    free(r->uri);
    r->uri = uri ? strdup(uri) : NULL;
  }
  errno = saved;
  return w->uri_logger ? w->uri_logger(w->uri_logger_cls, uri, c) : NULL;
}

static enum MHD_Result access_handler(void *cls, struct MHD_Connection *c, const char *url,
                                      const char *method, const char *version,
                                      const char *upload_data, size_t *upload_data_size,
                                      void **con_cls) {
  daemon_wrap_t *w = cls;
  int saved = errno;
  request_t *r = request_of(c, false);
  if (!r && active())
    r = request_of(c, true);
  if (r && !r->begun) {
    otel_mhd_begin(&r->tel, c, method, r->uri ? r->uri : url, version);
    const char *route = url ? otel__instr_route(url) : NULL;
    if (route)
      otel_mhd_set_route(&r->tel, method, route);
    r->begun = true;
  }
  if (r)
    otel_mhd_enter(&r->tel);
  errno = saved;
  enum MHD_Result ret =
      w->handler(w->handler_cls, c, url, method, version, upload_data, upload_data_size, con_cls);
  saved = errno;
  if (r)
    otel_mhd_leave(&r->tel);
  errno = saved;
  return ret;
}

static void request_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                              enum MHD_RequestTerminationCode code) {
  daemon_wrap_t *w = cls;
  if (w->completed)
    w->completed(w->completed_cls, c, con_cls, code);
  int saved = errno;
  void *v = NULL;
  if (otel__ptr_map_take(&requests, c, &v)) {
    request_t *r = v;
    if (r->begun)
      otel_mhd_end(&r->tel, r->status);
    free(r->uri);
    free(r);
  }
  errno = saved;
}

OTEL_INSTRUMENT_API enum MHD_Result
MHD_queue_response(struct MHD_Connection *c, unsigned int status, struct MHD_Response *response) {
  static void *volatile slot;
  enum MHD_Result (*real)(struct MHD_Connection *, unsigned int, struct MHD_Response *);
  *(void **)&real = otel__instr_real(&slot, "MHD_queue_response");
  int saved = errno;
  request_t *r = request_of(c, false);
  if (r)
    r->status = status;
  errno = saved;
  return real(c, status, response);
}

/* The options of a daemon, flattened into items (nested arrays included),
 * the program's completion callback and URI logger taken out into w. */
typedef struct {
  struct MHD_OptionItem *items;
  size_t n, cap;
  bool unknown;
} options_t;

static void add(options_t *o, enum MHD_OPTION option, intptr_t value, void *ptr) {
  if (o->n == o->cap) {
    size_t cap = o->cap ? o->cap * 2 : 16;
    struct MHD_OptionItem *more = realloc(o->items, cap * sizeof(*more));
    if (!more) {
      o->unknown = true; /* cannot be copied: the daemon is left alone */
      return;
    }
    o->items = more, o->cap = cap;
  }
  o->items[o->n++] = (struct MHD_OptionItem){option, value, ptr};
}

/* One option and its arguments, from an item (item != NULL) or the list ap. */
static void take(options_t *o, daemon_wrap_t *w, enum MHD_OPTION option,
                 const struct MHD_OptionItem *item, va_list *ap);

static void take_array(options_t *o, daemon_wrap_t *w, const struct MHD_OptionItem *items) {
  for (; items && items->option != MHD_OPTION_END && !o->unknown; items++)
    take(o, w, items->option, items, NULL);
}

#define VALUE(type) (item ? (type)item->value : va_arg(*ap, type))
#define POINTER() (item ? item->ptr_value : va_arg(*ap, void *))

static void take(options_t *o, daemon_wrap_t *w, enum MHD_OPTION option,
                 const struct MHD_OptionItem *item, va_list *ap) {
  switch ((int)option) {
  case MHD_OPTION_CONNECTION_MEMORY_LIMIT: /* size_t */
  case MHD_OPTION_THREAD_STACK_SIZE:
  case MHD_OPTION_CONNECTION_MEMORY_INCREMENT:
    add(o, option, (intptr_t)VALUE(size_t), NULL);
    break;
  case MHD_OPTION_CONNECTION_LIMIT: /* unsigned int */
  case MHD_OPTION_CONNECTION_TIMEOUT:
  case MHD_OPTION_PER_IP_CONNECTION_LIMIT:
  case MHD_OPTION_THREAD_POOL_SIZE:
  case MHD_OPTION_NONCE_NC_SIZE:
  case MHD_OPTION_TCP_FASTOPEN_QUEUE_SIZE:
  case MHD_OPTION_LISTENING_ADDRESS_REUSE:
  case MHD_OPTION_LISTEN_BACKLOG_SIZE:
  case MHD_OPTION_SERVER_INSANITY:
    add(o, option, (intptr_t)VALUE(unsigned int), NULL);
    break;
  case MHD_OPTION_HTTPS_CRED_TYPE: /* int (an enum, a socket) */
  case MHD_OPTION_LISTEN_SOCKET:
  case MHD_OPTION_STRICT_FOR_CLIENT:
  case MHD_OPTION_SIGPIPE_HANDLED_BY_APP:
  case MHD_OPTION_TLS_NO_ALPN:
    add(o, option, (intptr_t)VALUE(int), NULL);
    break;
  case MHD_OPTION_SOCK_ADDR: /* one pointer */
  case MHD_OPTION_HTTPS_MEM_KEY:
  case MHD_OPTION_HTTPS_MEM_CERT:
  case MHD_OPTION_HTTPS_PRIORITIES:
  case MHD_OPTION_HTTPS_MEM_TRUST:
  case MHD_OPTION_HTTPS_MEM_DHPARAMS:
  case MHD_OPTION_HTTPS_KEY_PASSWORD:
  case MHD_OPTION_HTTPS_CERT_CALLBACK:
  case MHD_OPTION_HTTPS_CERT_CALLBACK2:
    add(o, option, 0, POINTER());
    break;
  case MHD_OPTION_EXTERNAL_LOGGER: /* a function and its closure */
  case MHD_OPTION_UNESCAPE_CALLBACK:
  case MHD_OPTION_NOTIFY_CONNECTION:
  case MHD_OPTION_GNUTLS_PSK_CRED_HANDLER: {
    intptr_t fn = item ? item->value : (intptr_t)va_arg(*ap, void (*)(void));
    add(o, option, fn, POINTER());
    break;
  }
  case MHD_OPTION_DIGEST_AUTH_RANDOM: { /* a size and a pointer */
    size_t size = VALUE(size_t);
    add(o, option, (intptr_t)size, POINTER());
    break;
  }
  case MHD_OPTION_NOTIFY_COMPLETED:
    w->completed = item ? (MHD_RequestCompletedCallback)item->value
                        : va_arg(*ap, MHD_RequestCompletedCallback);
    w->completed_cls = POINTER();
    break;
  case MHD_OPTION_URI_LOG_CALLBACK:
    w->uri_logger = item ? (uri_logger_t)item->value : va_arg(*ap, uri_logger_t);
    w->uri_logger_cls = POINTER();
    break;
  case MHD_OPTION_ARRAY:
    take_array(o, w, POINTER());
    break;
  default:
    o->unknown = true;
  }
}

OTEL_INSTRUMENT_API struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port,
                                                        MHD_AcceptPolicyCallback apc, void *apc_cls,
                                                        MHD_AccessHandlerCallback dh, void *dh_cls,
                                                        ...) {
  static void *volatile slot_va, *volatile slot;
  struct MHD_Daemon *(*real_va)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
                                MHD_AccessHandlerCallback, void *, va_list);
  struct MHD_Daemon *(*real)(unsigned int, uint16_t, MHD_AcceptPolicyCallback, void *,
                             MHD_AccessHandlerCallback, void *, ...);
  *(void **)&real_va = otel__instr_real(&slot_va, "MHD_start_daemon_va");
  *(void **)&real = otel__instr_real(&slot, "MHD_start_daemon");
  va_list ap, pristine;
  va_start(ap, dh_cls);
  va_copy(pristine, ap);
  int saved = errno;
  daemon_wrap_t *w = active() && dh ? calloc(1, sizeof(*w)) : NULL;
  options_t o = {0};
  if (w) {
    *w = (daemon_wrap_t){.handler = dh, .handler_cls = dh_cls};
    for (int option; !o.unknown && (option = va_arg(ap, int)) != MHD_OPTION_END;)
      take(&o, w, (enum MHD_OPTION)option, NULL, &ap);
    if (o.unknown) {
      fprintf(stderr, "otel-instrument: a libmicrohttpd daemon has an option not known here; "
                      "its requests are not traced\n");
      free(w), w = NULL;
    }
  }
  struct MHD_Daemon *d;
  if (w) {
    add(&o, MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)request_completed, w);
    add(&o, MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)log_uri, w);
    add(&o, MHD_OPTION_END, 0, NULL);
    errno = saved;
    d = o.unknown ? real_va(flags, port, apc, apc_cls, dh, dh_cls, pristine)
                  : real(flags, port, apc, apc_cls, access_handler, w, MHD_OPTION_ARRAY, o.items,
                         MHD_OPTION_END);
    saved = errno;
    if (!d || o.unknown)
      free(w);
    else
      otel__ptr_map_put(&daemons, d, w); /* out of memory: w outlives the daemon */
  } else {
    errno = saved;
    d = real_va(flags, port, apc, apc_cls, dh, dh_cls, pristine);
    saved = errno;
  }
  free(o.items);
  va_end(pristine);
  va_end(ap);
  errno = saved;
  return d;
}

OTEL_INSTRUMENT_API void MHD_stop_daemon(struct MHD_Daemon *d) {
  static void *volatile slot;
  void (*real)(struct MHD_Daemon *);
  *(void **)&real = otel__instr_real(&slot, "MHD_stop_daemon");
  real(d); /* its last requests complete in there */
  int saved = errno;
  void *w = NULL;
  otel__ptr_map_take(&daemons, d, &w);
  free(w);
  errno = saved;
}
