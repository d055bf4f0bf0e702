-- Publishes a passing notice on the room's channel (ClusterEvent.Typed: someone typing), which is
-- never kept. A script only so that a Redis Cluster runs it on the room's shard, as PUBLISH there.
-- KEYS: 1 the room's prefix (chat:{NAME}:)
-- ARGV: 1 the notice, as JSON
redis.call(PUBLISH, KEYS[1] .. 'events', ARGV[1])
return 0
