-- wrk script for the benchmark (bench/load.ts): the method and JSON body come
-- from WRK_METHOD and WRK_BODY, and done() prints one JSON line with what
-- load.ts needs: requests, the p99 latency, socket errors and non-2xx answers.
wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY") or ""
if body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/json"
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"p99_us":%d,"errors":%d,"non2xx":%d}\n',
    summary.requests, latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
