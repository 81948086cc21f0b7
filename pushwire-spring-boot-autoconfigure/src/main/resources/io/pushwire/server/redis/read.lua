-- Read a channel's epoch, head and the frames a resume is given; makes the stream's meta
-- (a new epoch) when there is none.
-- KEYS[1] meta hash, KEYS[2] stream.
-- ARGV: 1 epoch for a new stream, 2 key expiry (ms), 3 'live' (no frames) or 'from',
-- 4 the resume cursor, 5 the resume epoch ('' when the client gave none).
-- Answers a flat list: epoch, head, then per frame its id, time, client id and payload.
local meta = redis.call('HMGET', KEYS[1], 'epoch', 'head')
local epoch = meta[1]
local head = 0
if not epoch then
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'head', 0)
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
else
  head = tonumber(meta[2])
end
local out = { epoch, tostring(head) }
if ARGV[3] ~= 'from' then
  return out
end
local after = tonumber(ARGV[4])
local start = '-'
if (ARGV[5] == '' or ARGV[5] == epoch) and after >= 0 and after <= head then
  start = (after + 1) .. '-0'
end
for _, entry in ipairs(redis.call('XRANGE', KEYS[2], start, '+')) do
  local fields = entry[2]
  out[#out + 1] = entry[1]
  out[#out + 1] = fields[2]
  out[#out + 1] = fields[4]
  out[#out + 1] = fields[6]
end
return out
