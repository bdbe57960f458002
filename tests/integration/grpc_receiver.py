#!/usr/bin/env python3
"""An OTLP/gRPC receiver for check-grpc.sh, made of Debian's Python gRPC
(grpcio, no libotel code) and the project's .proto subset compiled by protoc
into GEN_DIR. It serves the Export methods of the three collector services
and appends one JSON line per call to LOG: the method, the time, what the
message carried (span names, metric names, log bodies) and the answer given.

    grpc_receiver.py GEN_DIR PORT_FILE LOG BEHAVIOUR [CERT KEY]

BEHAVIOUR says how calls are answered:
    ok                   every call OK
    unavailable:N:MS     the first N calls UNAVAILABLE with a RetryInfo of MS
                         milliseconds, then OK
    exhausted            RESOURCE_EXHAUSTED without a RetryInfo, every call
    partial              OK with a partial success rejecting one item
    hang                 never answers
With CERT and KEY the server speaks TLS; without, h2c. PORT_FILE receives
the port once the server listens.
"""
import json
import os
import sys
import threading
import time
from concurrent import futures

sys.path.insert(0, sys.argv[1])

import grpc  # noqa: E402
from otlp import logs_service_pb2, metrics_service_pb2, trace_service_pb2  # noqa: E402
from rpc import status_pb2  # noqa: E402

PORT_FILE, LOG, BEHAVIOUR = sys.argv[2:5]
TLS = sys.argv[5:7]
lock = threading.Lock()
calls = 0


def record(entry):
    with lock, open(LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def spans(req):
    return [s.name for rs in req.resource_spans for ss in rs.scope_spans for s in ss.spans]


def metrics(req):
    return [m.name for rm in req.resource_metrics for sm in rm.scope_metrics for m in sm.metrics]


def logs(req):
    return [r.body.string_value for rl in req.resource_logs for sl in rl.scope_logs
            for r in sl.log_records]


def retry_info(ms):
    delay = status_pb2.RetryInfo(retry_delay=status_pb2.Delay(seconds=ms // 1000,
                                                              nanos=ms % 1000 * 1000000))
    st = status_pb2.Status(code=grpc.StatusCode.UNAVAILABLE.value[0], message="warming up",
                           details=[status_pb2.Detail(
                               type_url="type.googleapis.com/google.rpc.RetryInfo",
                               value=delay.SerializeToString())])
    return (("grpc-status-details-bin", st.SerializeToString()),)


def handler(method, items, response, partial):
    def export(req, context):
        global calls
        with lock:
            calls += 1
            n = calls
        entry = {"method": method, "t": time.time(), "items": items(req),
                 "metadata": {k: v for k, v in context.invocation_metadata()
                              if isinstance(v, str)}}
        mode = BEHAVIOUR.split(":")
        if mode[0] == "hang":
            record(dict(entry, answer="none"))
            time.sleep(3600)
        if mode[0] == "unavailable" and n <= int(mode[1]):
            record(dict(entry, answer="UNAVAILABLE"))
            context.set_trailing_metadata(retry_info(int(mode[2])))
            context.abort(grpc.StatusCode.UNAVAILABLE, "warming up")
        if mode[0] == "exhausted":
            record(dict(entry, answer="RESOURCE_EXHAUSTED"))
            context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED, "quota: 100% used")
        record(dict(entry, answer="OK"))
        if mode[0] == "partial":
            return response(partial_success=partial(rejected=1, message="one item refused"))
        return response()
    return export


def service(name, pb, request, response, partial_type, items, rejected_field):
    req_type = getattr(pb, request)
    resp_type = getattr(pb, response)
    part = getattr(pb, partial_type)

    def partial(rejected, message):
        return part(**{rejected_field: rejected, "error_message": message})

    method = grpc.unary_unary_rpc_method_handler(
        handler(name, items, resp_type, partial),
        request_deserializer=req_type.FromString,
        response_serializer=resp_type.SerializeToString)
    return grpc.method_handlers_generic_handler(name, {"Export": method})


server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
server.add_generic_rpc_handlers((
    service("opentelemetry.proto.collector.trace.v1.TraceService", trace_service_pb2,
            "ExportTraceServiceRequest", "ExportTraceServiceResponse",
            "ExportTracePartialSuccess", spans, "rejected_spans"),
    service("opentelemetry.proto.collector.metrics.v1.MetricsService", metrics_service_pb2,
            "ExportMetricsServiceRequest", "ExportMetricsServiceResponse",
            "ExportMetricsPartialSuccess", metrics, "rejected_data_points"),
    service("opentelemetry.proto.collector.logs.v1.LogsService", logs_service_pb2,
            "ExportLogsServiceRequest", "ExportLogsServiceResponse",
            "ExportLogsPartialSuccess", logs, "rejected_log_records"),
))
if TLS:
    with open(TLS[0], "rb") as cert, open(TLS[1], "rb") as key:
        creds = grpc.ssl_server_credentials(((key.read(), cert.read()),))
    port = server.add_secure_port("127.0.0.1:0", creds)
else:
    port = server.add_insecure_port("127.0.0.1:0")
server.start()
with open(PORT_FILE + ".tmp", "w", encoding="utf-8") as f:
    f.write(str(port))
os.rename(PORT_FILE + ".tmp", PORT_FILE)
server.wait_for_termination()
