-- Publish one message on a shard channel (SPUBLISH, Redis 7), which Spring Data Redis has
-- no command for. KEYS[1] the shard channel, declared as key so that a Redis Cluster runs
-- the script on the shard that owns its slot; ARGV[1] the message.
return redis.call('SPUBLISH', KEYS[1], ARGV[1])
