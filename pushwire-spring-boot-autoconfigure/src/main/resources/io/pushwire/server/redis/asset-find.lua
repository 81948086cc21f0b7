-- What is known of an asset: its size, MIME type and references.
-- KEYS[1] index hash, KEYS[2] the asset's references.
-- ARGV: 1 sha256.
-- Answers {} when the asset is not stored, otherwise a flat list: size, MIME type, then
-- per channel the channel and '<epoch> <cursor>'.
local entry = redis.call('HGET', KEYS[1], ARGV[1])
if not entry then
  return {}
end
local size, mime = string.match(entry, '^(%d+)\t%d+\t(.*)$')
local out = { size, mime }
for _, value in ipairs(redis.call('HGETALL', KEYS[2])) do
  out[#out + 1] = value
end
return out
