/*
 * syslog(3) messages also become OTLP log records, under the current span,
 * with a severity from their priority; the message still goes where it
 * went (syslog, vsyslog, and the _FORTIFY_SOURCE forms a hardened program
 * calls instead). The record's body is the message as syslog formats it
 * (%m included), cut at 4 KiB.
 */
#include <errno.h>
#include <otel/log.h>
#include <stdarg.h>
#include <stdio.h>
#include <syslog.h>

#include "instrument.h"
#include "logs/log_record.h"

/* The severity of a priority's level, as OTLP numbers them. */
static otel_severity_t severity_of(int priority) {
  switch (LOG_PRI(priority)) {
  case LOG_EMERG:
  case LOG_ALERT:
  case LOG_CRIT:
    return OTEL_SEVERITY_FATAL;
  case LOG_ERR:
    return OTEL_SEVERITY_ERROR;
  case LOG_WARNING:
    return OTEL_SEVERITY_WARN;
  case LOG_NOTICE:
    return (otel_severity_t)(OTEL_SEVERITY_INFO + 1); /* INFO2 */
  case LOG_INFO:
    return OTEL_SEVERITY_INFO;
  default:
    return OTEL_SEVERITY_DEBUG;
  }
}

/* The record of a message, made before the real call (which may change errno). */
static void record(int priority, const char *format, va_list ap) {
  if (!format || !otel__instr_begin(OTEL__INSTR_SYSLOG))
    return;
  int saved = errno;
  char message[4096];
  va_list copy;
  va_copy(copy, ap);
  errno = saved; /* for %m */
  vsnprintf(message, sizeof(message), format, copy);
  va_end(copy);
  otel__log_record_emit(severity_of(priority), "syslog", message, NULL, 0);
  otel__instr_end();
  errno = saved;
}

#define REAL(type, name)                                                                           \
  static void *volatile slot;                                                                      \
  __typeof__(type) real;                                                                           \
  *(void **)&real = otel__instr_real(&slot, name)

OTEL_INSTRUMENT_API void vsyslog(int priority, const char *format, va_list ap) {
  REAL(void (*)(int, const char *, va_list), "vsyslog");
  record(priority, format, ap);
  real(priority, format, ap);
}

OTEL_INSTRUMENT_API void syslog(int priority, const char *format, ...) {
  REAL(void (*)(int, const char *, va_list), "vsyslog");
  va_list ap;
  va_start(ap, format);
  record(priority, format, ap);
  real(priority, format, ap);
  va_end(ap);
}

OTEL_INSTRUMENT_API void __vsyslog_chk(int priority, int flag, const char *format, va_list ap);
OTEL_INSTRUMENT_API void __vsyslog_chk(int priority, int flag, const char *format, va_list ap) {
  REAL(void (*)(int, int, const char *, va_list), "__vsyslog_chk");
  record(priority, format, ap);
  real(priority, flag, format, ap);
}

OTEL_INSTRUMENT_API void __syslog_chk(int priority, int flag, const char *format, ...);
OTEL_INSTRUMENT_API void __syslog_chk(int priority, int flag, const char *format, ...) {
  REAL(void (*)(int, int, const char *, va_list), "__vsyslog_chk");
  va_list ap;
  va_start(ap, format);
  record(priority, format, ap);
  real(priority, flag, format, ap);
  va_end(ap);
}
