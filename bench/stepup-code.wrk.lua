-- wrk script for `./platform bench stepup`, one of two endpoints of verification-service per run:
--   BENCH_CHALLENGES=FILE BENCH_ENDPOINT=code|empty wrk -t N -c N -s bench/stepup-code.wrk.lua URL
-- FILE has one live challenge per line: "<access token> <verification id>" (people set up by
-- bench/StepUpChallenges.java); thread n uses line n modulo their number.
--   code:  POST /v1/verifications/{id}/code with a wrong code ("00000000": the service mails random
--          codes), each answer must be 422 invalid-code;
--   empty: GET /v1/bench/empty with the same token, each answer must be 204 (a bare 204 has no header line,
--          and wrk gives the script no such answer: any answer under 400 counts, 404 when the endpoint is off).

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "wrk-closed-loop.lua")

local challenges
local endpoint = os.getenv("BENCH_ENDPOINT") or "code"

function setup(thread)
  challenges = challenges or closed_loop.lines(assert(os.getenv("BENCH_CHALLENGES"), "BENCH_CHALLENGES: the challenges file"))
  local n = closed_loop.add(thread)
  local token, verification = challenges[n % #challenges + 1]:match("^(%S+)%s+(%S+)")
  thread:set("token", token)
  thread:set("verification", verification)
end

local request_text, expected

function init(args)
  if endpoint == "code" then
    request_text = wrk.format("POST", "/v1/verifications/" .. verification .. "/code",
      { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, '{"code":"00000000"}')
    expected = 422
  else
    request_text = wrk.format("GET", "/v1/bench/empty", { ["Authorization"] = "Bearer " .. token })
    expected = 204
  end
end

function request()
  return request_text
end

function response(status, headers, body)
  closed_loop.count(status == expected, status, endpoint, body)
end

function done(summary, latency, requests)
  closed_loop.report('"endpoint":"' .. endpoint .. '",', summary, latency, endpoint == "empty")
end
