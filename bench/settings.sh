# shellcheck shell=bash
# The load of every benchmark, from the environment: wrk's threads and
# connections, the warm-up and the counted run in seconds, the rounds of
# make bench. Source this file.
BENCH_THREADS=${BENCH_THREADS:-2}
BENCH_CONNECTIONS=${BENCH_CONNECTIONS:-32}
BENCH_WARMUP=${BENCH_WARMUP:-5}
BENCH_DURATION=${BENCH_DURATION:-5}
BENCH_ROUNDS=${BENCH_ROUNDS:-10}
