-- Append one frame to a channel's stream and publish it for the nodes' live fan-out, in
-- one step, so that concurrent publishers never make a hole or a duplicate.
-- KEYS[1] meta hash (epoch, head), KEYS[2] stream; both carry the channel as hash tag.
-- ARGV: 1 epoch for a new stream, 2 now (ms), 3 history-size, 4 oldest time kept (ms, 0
-- for no history-ttl), 5 key expiry (ms), 6 pub/sub channel, 7 client id ('' for none),
-- 8 payload (JSON), 9 'SPUBLISH' for sharded pub/sub (Redis 7: the shard channel carries
-- the same hash tag as the keys, so it is in their slot), anything else for 'PUBLISH'.
local epoch = redis.call('HGET', KEYS[1], 'epoch')
if not epoch then
  -- No meta (a new channel, an evicted or flushed one): a new epoch, and no frame of an
  -- old one is kept beside it.
  epoch = ARGV[1]
  redis.call('DEL', KEYS[2])
  redis.call('HSET', KEYS[1], 'epoch', epoch, 'head', 0)
end
local head = redis.call('HINCRBY', KEYS[1], 'head', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[3], head .. '-0', 't', ARGV[2], 'c', ARGV[7], 'p', ARGV[8])
local cutoff = tonumber(ARGV[4])
if cutoff > 0 then
  local oldest = redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 32)
  local expired = 0
  for _, entry in ipairs(oldest) do
    local fields = entry[2]
    if tonumber(fields[2]) < cutoff then
      expired = tonumber(string.match(entry[1], '^(%d+)'))
    else
      break
    end
  end
  if expired > 0 then
    redis.call('XTRIM', KEYS[2], 'MINID', (expired + 1) .. '-0')
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
local publish = 'PUBLISH'
if ARGV[9] == 'SPUBLISH' then
  publish = 'SPUBLISH'
end
redis.call(publish, ARGV[6], 'F' .. epoch .. '\n' .. head .. '\n' .. ARGV[2] .. '\n' .. ARGV[7] .. '\n' .. ARGV[8])
return { epoch, tostring(head) }
