-- wrk script for notify: POST /notify with a small notification, carrying a
-- traceparent as articles' client sends it, so that the server span has a
-- remote parent. At the end it prints one JSON line as articles.lua does.
wrk.method = "POST"
wrk.path = "/notify"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["traceparent"] = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
wrk.body = '{"article_id":1,"title":"A benchmark article"}'

done = function(summary, latency, requests)
  io.write(string.format('{"requests":%d,"non_2xx":%d}\n', summary.requests,
    summary.errors.status))
end
