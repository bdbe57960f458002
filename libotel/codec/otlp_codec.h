/*
 * The OTLP codec: what libotel's exporters and the project's OTLP receivers
 * share, as a library of its own (libotel-codec.a) with this one header.
 *   - growable byte buffers with the text encodings the codecs need;
 *   - gzip, both ways;
 *   - OTLP/JSON from and to the protobuf-c messages generated from
 *     libotel/proto (the messages' own headers come with it).
 * It depends on zlib, protobuf-c and jansson, and on nothing of libotel.
 */
#ifndef OTLP_CODEC_H
#define OTLP_CODEC_H

#include <protobuf-c/protobuf-c.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

/* --- byte buffers --- */
/*
 * Growable byte buffer with the encoders the exporters need: JSON string
 * escaping, hex and base64. A failed allocation sets a sticky error flag so
 * callers check once at the end rather than after every append.
 */

typedef struct otlp_buf {
  char *data;
  size_t len;
  size_t cap;
  bool failed; /* an allocation failed or the cap was reached */
  size_t max;  /* hard cap on len; 0 means none */
} otlp_buf_t;

void otlp_buf_init(otlp_buf_t *b, size_t max);
void otlp_buf_free(otlp_buf_t *b);
void otlp_buf_clear(otlp_buf_t *b);
/* Makes room for n more bytes; false (and failed set) when it cannot. */
bool otlp_buf_reserve(otlp_buf_t *b, size_t n);
void otlp_buf_append(otlp_buf_t *b, const void *p, size_t n);
void otlp_buf_puts(otlp_buf_t *b, const char *s);
void otlp_buf_putc(otlp_buf_t *b, char c);
void otlp_buf_printf(otlp_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* An integer in decimal, as "%lld" writes it. */
void otlp_buf_put_int(otlp_buf_t *b, int64_t v);
/* A finite double in the fewest significant digits (15 to 17) that read back
 * as the same value: 0.1 rather than 0.10000000000000001. */
void otlp_buf_put_double(otlp_buf_t *b, double d);
/* Appends s[0..n) as a quoted JSON string; invalid UTF-8 becomes U+FFFD. */
void otlp_buf_json_string(otlp_buf_t *b, const char *s, size_t n);
void otlp_buf_hex(otlp_buf_t *b, const uint8_t *p, size_t n);
void otlp_buf_base64(otlp_buf_t *b, const uint8_t *p, size_t n);
/* Decodes base64 (standard or URL alphabet; padding optional) s[0..n) into
 * out, which holds at least n * 3 / 4 bytes; sets *out_len. Returns 0, or -1
 * on a character outside the alphabet. */
int otlp_base64_decode(const char *s, size_t n, uint8_t *out, size_t *out_len);
/* A NUL after the data (not counted in len), so data reads as a C string. */
const char *otlp_buf_cstr(otlp_buf_t *b);

/* Lowercase hex of n bytes into out (2n+1 bytes with the NUL). */
void otlp_hex_encode(const uint8_t *p, size_t n, char *out);
/* The value of one hex digit, either case; -1 for any other character. */
int otlp_hex_value(char c);
/* Decodes exactly 2n lowercase hex digits; -1 on any other character. */
int otlp_hex_decode(const char *s, size_t n, uint8_t *out);

/* --- gzip --- */
/* gzip for export bodies, reusing one zlib stream per exporter. */

typedef struct otlp_gzip {
  z_stream zs;
  bool ready;
} otlp_gzip_t;

/* Compresses in[0..n) into out (replacing its contents). Returns 0, or
 * -ENOMEM. The stream is set up on first use; free it with otlp_gzip_end(). */
int otlp_gzip(otlp_gzip_t *g, const void *in, size_t n, otlp_buf_t *out);
void otlp_gzip_end(otlp_gzip_t *g);

/* Inflates a gzip (or zlib) body in[0..n) into out (replacing its contents),
 * refusing to grow past max bytes. Returns 0, -EINVAL for a body that is not
 * gzip, -EFBIG past max, or -ENOMEM. For receivers. */
int otlp_gunzip(const void *in, size_t n, size_t max, otlp_buf_t *out);

/* --- OTLP/JSON, out --- */
/*
 * OTLP/JSON from any protobuf-c message, driven by its descriptor: the
 * protobuf JSON mapping with OTLP's exceptions (trace and span ids as hex,
 * enums as integers, 64-bit integers as decimal strings).
 */

/* Appends m as one compact JSON object to out. */
void otlp_json_encode(const ProtobufCMessage *m, otlp_buf_t *out);

/* The bytes fields OTLP/JSON writes as hex rather than base64: trace and span ids. */
bool otlp_json_is_id_field(const char *name);

/* The size of one member of type t in a protobuf-c message struct (an item
 * of a repeated field). */
size_t otlp_pb_member_size(ProtobufCType t);

/* --- OTLP/JSON, in --- */
/*
 * OTLP/JSON to protobuf-c messages, driven by the descriptor: what a receiver
 * needs to accept http/json exports. The inverse of otlp_json.h.
 */

/* Parses json[0..len) as a message of type d into *out (free it with
 * protobuf_c_message_free_unpacked(*out, NULL)). Returns 0, -EINVAL for input
 * that is not such a message, or -ENOMEM. */
int otlp_json_decode(const ProtobufCMessageDescriptor *d, const char *json, size_t len,
                     ProtobufCMessage **out);

#endif
