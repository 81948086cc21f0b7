-- Delete an asset and free its bytes, unless a node saved it or recorded a frame that
-- refers to it within the last ARGV[2] ms: it may be in the middle of being published
-- there (saved, its frame not yet referenced), which no other node can see.
-- KEYS[1] index hash, KEYS[2] stored bytes counter, KEYS[3] the asset's bytes, KEYS[4]
-- its references.
-- ARGV: 1 sha256, 2 the protection after a save or reference (ms).
-- Answers { 1 deleted or 0 kept, the bytes stored }.
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then
  return { 0, tostring(redis.call('GET', KEYS[2]) or '0') }
end
local size, touched = string.match(entry, '^(%d+)\t(%d+)\t')
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if now - tonumber(touched) < tonumber(ARGV[2]) then
  return { 0, tostring(redis.call('GET', KEYS[2]) or '0') }
end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('DEL', KEYS[3], KEYS[4])
return { 1, tostring(redis.call('DECRBY', KEYS[2], tonumber(size))) }
