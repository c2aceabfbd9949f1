local code = redis.call('HMGET', KEYS[2], 'h', 'a')
if not code[1] then return {'gone', 0} end
if not code[2] then
  if ARGV[6] ~= '1' then return {'unbound', 0} end
  redis.call('HSET', KEYS[2], 'a', ARGV[5])
elseif code[2] ~= ARGV[5] then
  return {'gone', 0}
end
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]); ttl = tonumber(ARGV[2]) end
  return {'limited', ttl}
end
if code[1] == ARGV[3] then
  redis.call('DEL', KEYS[2])
  return {'matched', 0}
end
if redis.call('INCR', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local w = redis.call('HINCRBY', KEYS[2], 'w', 1)
if #ARGV > 6 then redis.call('XADD', KEYS[3], '*', unpack(ARGV, 7)) end
if w >= tonumber(ARGV[4]) then redis.call('DEL', KEYS[2]) end
return {'wrong', w}
