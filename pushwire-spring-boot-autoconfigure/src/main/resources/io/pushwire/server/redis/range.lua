-- Read the frames with cursors from ARGV[1] to ARGV[2] of a channel's stream, to fill a
-- hole in the live fan-out (a pub/sub message this node missed).
-- KEYS[1] meta hash, KEYS[2] stream.
-- Answers a flat list: the epoch ('' when the stream is gone), then per frame its id,
-- time, client id and payload.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  return { '' }
end
local out = { epoch }
for _, entry in ipairs(redis.call('XRANGE', KEYS[2], ARGV[1] .. '-0', ARGV[2] .. '-0')) do
  local fields = entry[2]
  out[#out + 1] = entry[1]
  out[#out + 1] = fields[2]
  out[#out + 1] = fields[4]
  out[#out + 1] = fields[6]
end
return out
