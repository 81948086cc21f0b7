-- Store an asset's bytes unless it is stored already, within the store's bound; in one
-- step, so that concurrent saves on several nodes never exceed the bound.
-- KEYS[1] index hash (sha256 -> '<size>\t<touched ms>\t<mime>'), KEYS[2] stored bytes
-- counter, KEYS[3] the asset's bytes; all carry the hash tag {assets}.
-- ARGV: 1 sha256, 2 MIME type, 3 size, 4 most bytes stored, 5 the bytes.
-- Answers { 1 stored (now or before) or 0 no room, the bytes stored }.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if entry then
  -- Stored already: only touched, so that no node evicts it while it is being published.
  local size, mime = string.match(entry, '^(%d+)\t%d+\t(.*)$')
  redis.call('HSET', KEYS[1], ARGV[1], size .. '\t' .. now .. '\t' .. mime)
  return { 1, tostring(redis.call('GET', KEYS[2]) or '0') }
end
local stored = tonumber(redis.call('GET', KEYS[2]) or '0')
local size = tonumber(ARGV[3])
if stored + size > tonumber(ARGV[4]) then
  return { 0, tostring(stored) }
end
redis.call('SET', KEYS[3], ARGV[5])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3] .. '\t' .. now .. '\t' .. ARGV[2])
return { 1, tostring(redis.call('INCRBY', KEYS[2], size)) }
