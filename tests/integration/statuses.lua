-- wrk script for the fault suite: requests WRK_PATH (a GET, or a POST of a
-- small article when WRK_POST is set) and prints one JSON line at the end:
-- requests, 200/201s, 503s, any other status, socket errors.
local threads = {}

if (os.getenv("WRK_POST") or "") ~= "" then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"title":"under fault","body":"x"}'
end
wrk.path = os.getenv("WRK_PATH") or "/"

function setup(thread)
  table.insert(threads, thread)
end

function init()
  ok, unavailable, other = 0, 0, 0
end

function response(status)
  if status == 200 or status == 201 then
    ok = ok + 1
  elseif status == 503 then
    unavailable = unavailable + 1
  else
    other = other + 1
  end
end

function done(summary)
  local o, u, x = 0, 0, 0
  for _, t in ipairs(threads) do
    o, u, x = o + t:get("ok"), u + t:get("unavailable"), x + t:get("other")
  end
  local e = summary.errors
  io.write(string.format('{"requests":%d,"ok":%d,"unavailable":%d,"other":%d,"socket_errors":%d}\n',
    summary.requests, o, u, x, e.connect + e.read + e.write + e.timeout))
end
