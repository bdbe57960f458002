# The images of both services, built the way `make build` builds them on a
# Debian machine: the same install script, the same make target. Each also
# holds otel-instrument and the library it preloads.
#
#   docker build --target articles -t articles .
#   docker build --target notify -t notify .
#
# compose.yml builds both. They run as an unprivileged user and answer their
# health check on PORT. A third target, receiver, is the project's OTLP
# receiver (make run's stand-in for the collector), which make
# test-containers puts in the collector's place where its image cannot be
# pulled.
ARG DEBIAN=debian:bookworm-slim

FROM ${DEBIAN} AS build
WORKDIR /src
COPY scripts/install-deps.sh scripts/
RUN scripts/install-deps.sh build && apt-get clean && rm -rf /var/lib/apt/lists/*
COPY . .
RUN make build

FROM ${DEBIAN} AS runtime
COPY scripts/install-deps.sh /tmp/
RUN /tmp/install-deps.sh runtime && apt-get clean && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh \
    && useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin app
# otel-instrument, for a program of the user's in an image built on these.
COPY --from=build /src/build/release/bin/otel-instrument /usr/local/bin/
COPY --from=build /src/build/release/libotel-instrument.so /usr/local/lib/
USER app

FROM runtime AS notify
COPY --from=build /src/build/release/bin/notify /usr/local/bin/notify
ENV PORT=8081
EXPOSE 8081
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=5 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/health" || exit 1
CMD ["notify"]

FROM runtime AS articles
COPY --from=build /src/build/release/bin/articles /usr/local/bin/articles
COPY migrations /app/migrations
ENV PORT=8080 MIGRATIONS_DIR=/app/migrations
EXPOSE 8080
HEALTHCHECK --interval=5s --timeout=3s --start-period=5s --retries=5 \
    CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/api/health" || exit 1
CMD ["articles"]

# The collector's stand-in: OTLP/HTTP on 4318, the collector file exporter's
# files in /var/lib/otelcol/file. Through sh -c, the collector's command-line
# arguments (its --config flags) are taken and ignored.
FROM runtime AS receiver
COPY --from=build /src/build/release/bin/receiver /usr/local/bin/receiver
ENV RECEIVER_HOST=0.0.0.0 RECEIVER_PORT=4318 RECEIVER_DIR=/var/lib/otelcol/file
EXPOSE 4318
ENTRYPOINT ["/bin/sh", "-c", "exec receiver", "receiver"]
