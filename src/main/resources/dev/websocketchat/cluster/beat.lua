-- An instance's heartbeat in one room it has open: says it is alive there for the next alive_ms,
-- forgets every instance of the room whose time ran out, and keeps the room's state. Per room, so
-- that on a Redis Cluster each shard judges the instances of its own rooms.
-- KEYS: 1 the room's prefix (chat:{NAME}:)
-- ARGV: 1 this instance, 2 how long it is alive for, in ms, 3 the room's TTL in seconds (0: the lobby's, for ever)
-- Returns how many instances were forgotten, or -1 if this instance had been: it was taken for
-- dead (a pause longer than alive_ms), and must sync its connections again.
local room, instance = KEYS[1], ARGV[1]
if redis.call('SISMEMBER', room .. 'instances', instance) == 0 then
  return -1
end
local time = now()
redis.call('HSET', room .. 'alive', instance, time + tonumber(ARGV[2]))
local forgotten = 0
for _, other in ipairs(redis.call('SMEMBERS', room .. 'instances')) do
  if tonumber(redis.call('HGET', room .. 'alive', other) or '0') < time then
    forget(room, other)
    forgotten = forgotten + 1
  end
end
keep(room, tonumber(ARGV[3]))
return forgotten
