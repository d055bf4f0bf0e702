-- Forgets every instance whose alive key has expired (it crashed, or lost Redis for longer than
-- the TTL) and publishes one leave per connection it held ({"type":"leave","online":N}: ClusterEvent.Left),
-- so the total becomes exact again.
-- KEYS: 1 the hash of counts by instance
-- ARGV: 1 the channel, 2 the alive keys' prefix
-- Returns how many instances were forgotten.
local counts = redis.call('HGETALL', KEYS[1])
local total = 0
for i = 2, #counts, 2 do
  total = total + tonumber(counts[i])
end
local forgotten = 0
for i = 1, #counts, 2 do
  if redis.call('EXISTS', ARGV[2] .. counts[i]) == 0 then
    redis.call('HDEL', KEYS[1], counts[i])
    forgotten = forgotten + 1
    for _ = 1, tonumber(counts[i + 1]) do
      total = total - 1
      redis.call('PUBLISH', ARGV[1], '{"type":"leave","online":' .. total .. '}')
    end
  end
end
return forgotten
