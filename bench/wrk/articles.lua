-- wrk script for the articles service. BENCH_REQUEST picks the request:
--   post  POST /api/articles with a small valid article
--   get   GET /api/articles/{id}, id uniform in 1..BENCH_MAX_ID (BENCH_GET_PATH
--         in place of /api/articles/ for another server's GET by id)
-- At the end it prints one JSON line: requests, duration, errors, latency
-- percentiles in microseconds.

local kind = os.getenv("BENCH_REQUEST") or "post"
local max_id = tonumber(os.getenv("BENCH_MAX_ID") or "1")
local get_path = os.getenv("BENCH_GET_PATH") or "/api/articles/"

if kind == "post" then
  wrk.method = "POST"
  wrk.path = "/api/articles"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"title":"A benchmark article","body":"Written by wrk to measure POST /api/articles."}'
else
  request = function()
    return wrk.format("GET", get_path .. math.random(1, max_id))
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,"p50_us":%d,"p99_us":%d,"max_us":%d,"timeouts":%d,"read_errors":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, e.timeout, e.read))
end
