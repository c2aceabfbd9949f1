-- wrk script for `./platform bench backup`: closed-loop uploads, PUT /v1/backups/{platform}.
--   BENCH_TOKENS=FILE [BENCH_CIPHERTEXT_BYTES=4096] [BENCH_ENTRIES=20] wrk -t N -c N -s bench/backup-upload.wrk.lua URL
-- (setup() runs before any thread has its arguments, so the settings come from the environment)
-- Run with as many threads as connections: wrk hands a thread's responses to one Lua state, so one
-- connection per thread lets each thread own one backup chain (one account and platform, two chains
-- per token). A thread reads its chain's current version (GET), then PUTs the next version with
-- If-Match, as fast as answers come back; after a refusal it reads the version again. Bodies are made
-- once per thread before the first request. done() prints one JSON line, like the other drivers.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk-closed-loop.lua")

local tokens

function setup(thread)
  tokens = tokens or closed_loop.lines(assert(os.getenv("BENCH_TOKENS"), "BENCH_TOKENS: the tokens file"))
  local n = closed_loop.add(thread)
  assert(math.floor(n / 2) + 1 <= #tokens, (n + 1) .. " threads need " .. (math.floor(n / 2) + 1) .. " tokens")
  thread:set("token", tokens[math.floor(n / 2) + 1])
  thread:set("platform", n % 2 == 0 and "ios" or "android")
  thread:set("seed", n + 1)
end

local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local hex = "0123456789abcdef"

local function random_chars(set, count)
  local out = {}
  for i = 1, count do
    local k = math.random(1, #set)
    out[i] = set:sub(k, k)
  end
  return table.concat(out)
end

-- Base64 of `bytes` random bytes (the padding bits of the last group zero, as a strict decoder wants).
local function random_base64(bytes)
  local whole, rest = math.floor(bytes / 3), bytes % 3
  local text = random_chars(alphabet, whole * 4)
  if rest == 1 then text = text .. random_chars(alphabet, 1) .. "A==" end
  if rest == 2 then text = text .. random_chars(alphabet, 2) .. "A=" end
  return text
end

local function upload_body(ciphertext_bytes, entries)
  local kinds = { "personal", "work_school", "third_party" }
  local manifest = {}
  for i = 0, entries - 1 do
    manifest[#manifest + 1] = string.format(
      '{"ref":"e%d","kind":"%s","pushEnabled":%s,"fingerprint":"%s"}',
      i, kinds[i % 3 + 1], tostring(i % 3 ~= 2), random_chars(hex, 64))
  end
  return '{"deviceId":"bench-device","deviceName":"Bench","ciphertext":"' .. random_base64(ciphertext_bytes)
    .. '","dataKey":"' .. random_base64(32) .. '","manifest":{"entries":[' .. table.concat(manifest, ",") .. ']}}'
end

local path, version, sending, bodies, sent

function init(args)
  math.randomseed(seed * 7919 + os.time())
  local ciphertext_bytes = tonumber(os.getenv("BENCH_CIPHERTEXT_BYTES") or "4096")
  local entries = tonumber(os.getenv("BENCH_ENTRIES") or "20")
  path = "/v1/backups/" .. platform
  bodies = {}
  for i = 1, 8 do bodies[i] = upload_body(ciphertext_bytes, entries) end
  sent = 0
end

function request()
  local headers = { ["Authorization"] = "Bearer " .. token }
  if version == nil then
    sending = "GET"
    return wrk.format("GET", path, headers)
  end
  sending = "PUT"
  headers["Content-Type"] = "application/json"
  if version == 0 then
    headers["If-None-Match"] = "*"
  else
    headers["If-Match"] = '"' .. version .. '"'
  end
  sent = sent + 1
  return wrk.format("PUT", path, headers, bodies[sent % #bodies + 1])
end

local function etag(headers)
  local value = headers["ETag"] or headers["etag"] or headers["Etag"]
  return value and tonumber((value:gsub('"', "")))
end

function response(status, headers, body)
  if sending == "GET" then
    if status == 404 then version = 0
    elseif status == 200 then version = etag(headers)
    else closed_loop.count(false, status, "GET " .. path) end
  else
    local stored = status == 200 or status == 201
    closed_loop.count(stored, status, "PUT " .. path, body)
    version = stored and etag(headers) or nil
  end
end

function done(summary, latency, requests)
  closed_loop.report("", summary, latency)
end
