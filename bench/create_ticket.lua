-- wrk script for the create-ticket scenario (tickets_load.py --create-with wrk): each wrk
-- connection signs in as its own client user (KEEL_TOKENS, comma-separated) and raises
-- tickets; latency percentiles and non-201 answers are printed as one JSON line at the end.
local tokens = {}
for token in string.gmatch(os.getenv("KEEL_TOKENS") or "", "[^,]+") do tokens[#tokens + 1] = token end
local titles = { "Printer on the second floor jams", "VPN drops every few minutes", "打印机卡纸，无法打印", "邮箱无法同步" }
local threads, made = {}, 0

function setup(thread)
  thread:set("index", made)
  threads[#threads + 1] = thread
  made = made + 1
end

function init(args)
  token = tokens[(index % #tokens) + 1]
  sent, failed, first_failure = 0, 0, ""
end

function request()
  sent = sent + 1
  local body = string.format('{"title":"%s","body":"Benchmark ticket %d-%d: it stopped working this morning.","impact":"user","urgency":"medium"}',
    titles[(sent % #titles) + 1], index, sent)
  return wrk.format("POST", "/api/v1/tickets",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json", ["Accept"] = "application/json" }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    failed = failed + 1
    if first_failure == "" then first_failure = status .. " " .. string.sub(body or "", 1, 200) end
  end
end

function done(summary, latency, requests)
  local failures, first = 0, ""
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
    if first == "" then first = thread:get("first_failure") or "" end
  end
  io.write(string.format('KEEL {"requests":%d,"seconds":%.3f,"errors":%d,"socket_errors":%d,"p50_ms":%.2f,"p95_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"first_error":"%s"}\n',
    summary.requests, summary.duration / 1e6, failures,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    string.gsub(first, '["\\\n]', " ")))
end
