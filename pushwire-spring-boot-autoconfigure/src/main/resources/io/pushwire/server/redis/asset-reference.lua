-- Record the newest frame that refers to a stored asset on one channel.
-- KEYS[1] index hash, KEYS[2] the asset's references (channel -> '<epoch> <cursor>').
-- ARGV: 1 sha256, 2 channel, 3 epoch, 4 cursor.
-- Answers 1 when recorded, 0 when the asset is not stored.
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then
  return 0
end
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local size, mime = string.match(entry, '^(%d+)\t%d+\t(.*)$')
redis.call('HSET', KEYS[1], ARGV[1], size .. '\t' .. now .. '\t' .. mime)
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3] .. ' ' .. ARGV[4])
return 1
