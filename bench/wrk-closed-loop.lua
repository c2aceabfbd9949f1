-- Shared by the wrk scripts of `./platform bench` (loaded with dofile): wrk hands a thread's responses to
-- that thread's Lua state only, so each script runs one connection per thread (wrk -t N -c N) and keeps its
-- client's state in the thread. Each thread counts the answers it expected (ok) and the others (failed);
-- report() sums them over the threads and prints one JSON line, the format every bench driver prints.

closed_loop = { threads = {} }
ok, failed = 0, 0

-- From setup(thread): remembers the thread and returns its index (0, 1, ...).
function closed_loop.add(thread)
  closed_loop.threads[#closed_loop.threads + 1] = thread
  return #closed_loop.threads - 1
end

-- From response(): counts one answer; the first few unexpected ones go to stderr.
function closed_loop.count(expected, status, what, body)
  if expected then
    ok = ok + 1
  else
    failed = failed + 1
    if failed <= 3 then io.stderr:write("bench: " .. what .. " answered " .. status .. " " .. (body or ""):sub(1, 300) .. "\n") end
  end
end

-- From done(): `label` is JSON fields to put first (or ""). With `by_status`, the threads' counts are not used:
-- every answer under 400 is ok (wrk hands no answer without a header line to response(), such as a bare 204).
function closed_loop.report(label, summary, latency, by_status)
  local good, bad = 0, 0
  local e = summary.errors
  if by_status then
    good, bad = summary.requests - e.status, e.status
  else
    for _, thread in ipairs(closed_loop.threads) do
      good = good + thread:get("ok")
      bad = bad + thread:get("failed")
    end
  end
  bad = bad + e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    '{%s"concurrency":%d,"ok":%d,"failed":%d,"perSecond":%.1f,"p50Ms":%.2f,"p99Ms":%.2f,"maxMs":%.2f,"driver":"wrk"}\n',
    label, #closed_loop.threads, good, bad, good / (summary.duration / 1e6), latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
end

-- The lines of a file that are not blank.
function closed_loop.lines(path)
  local lines = {}
  local file = assert(io.open(path, "r"))
  for line in file:lines() do
    if line:match("%S") then lines[#lines + 1] = line end
  end
  file:close()
  return lines
end
