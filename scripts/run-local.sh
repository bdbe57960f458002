#!/usr/bin/env bash
# Runs what this revision of the stack has. The articles and notify services,
# PostgreSQL and the local OTLP receiver are not in the repository yet; until
# they are, this shows libotel tracing a request in the demo program, with
# spans printed as OTLP/JSON lines (OTEL_TRACES_EXPORTER=console).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "The services are not in this revision yet: running examples/trace_demo.c instead."
echo "Spans as OTLP/JSON, one per line:"
OTEL_TRACES_EXPORTER=${OTEL_TRACES_EXPORTER:-console} build/release/examples/trace_demo
