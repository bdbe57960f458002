#!/usr/bin/env python3
"""Writes to stdout an OTLP/protobuf ExportTraceServiceRequest whose one
resource attribute holds an array nested LEVELS deep, built in linear time:
the lengths are summed from the inside out, then written from the outside in.

  nested_otlp.py LEVELS
"""
import sys


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def main():
    levels = int(sys.argv[1])
    # Outside in: request.resource_spans(1) > ResourceSpans.resource(1) >
    # Resource.attributes(1) > KeyValue.value(2), then AnyValue.array_value(5)
    # and ArrayValue.values(1) in turn, LEVELS times.
    tags = [0x0A, 0x0A, 0x0A, 0x12] + [0x2A, 0x0A] * levels
    sizes = [0] * (len(tags) + 1)
    for i in range(len(tags) - 1, -1, -1):
        inner = sizes[i + 1]
        sizes[i] = 1 + len(varint(inner)) + inner
    out = bytearray()
    for i, tag in enumerate(tags):
        out.append(tag)
        out += varint(sizes[i + 1])
    sys.stdout.buffer.write(bytes(out))


main()
