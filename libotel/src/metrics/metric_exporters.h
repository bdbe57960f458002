/* The metric exporters a program registers (<otel/processor.h>), which the metric reader calls. */
#ifndef OTEL_METRIC_EXPORTERS_H
#define OTEL_METRIC_EXPORTERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Whether the program registered any. */
bool otel__metric_exporters_any(void);

/* Gives the collection encoded in bytes[0..len) to each, in order, on the
 * reader's thread. 0, or -EIO when one failed (or it could not be decoded). */
int otel__metric_exporters_export(const void *bytes, size_t len, uint32_t timeout_ms);

/* otel_force_flush() and otel_shutdown(), after the reader's: each one's
 * force_flush or shutdown, in order, by the monotonic deadline. */
int otel__metric_exporters_flush(uint64_t deadline);
void otel__metric_exporters_shutdown(uint64_t deadline);

#endif
