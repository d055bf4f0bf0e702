-- Records one instance's count of connections, refreshes the key that says it is alive, and
-- publishes one join or leave per connection gained or lost, each with the cluster-wide total
-- ({"type":"join","online":N,"name":NAME} or {"type":"leave",...}: ClusterEvent.Joined and Left;
-- the name only when the count changed by one connection that has one).
-- KEYS: 1 the hash of counts by instance, 2 this instance's alive key (its count, with a TTL)
-- ARGV: 1 the channel, 2 the instance, 3 its count, 4 the alive key's TTL in ms, 5 '1' if it is leaving,
--       6 the name of the connection that joined or left ('' for none)
-- Returns the cluster-wide total.
local count = tonumber(ARGV[3])
local previous = tonumber(redis.call('HGET', KEYS[1], ARGV[2]) or '0')
if ARGV[5] == '1' then
  redis.call('HDEL', KEYS[1], ARGV[2])
  redis.call('DEL', KEYS[2])
else
  redis.call('HSET', KEYS[1], ARGV[2], count)
  redis.call('SET', KEYS[2], count, 'PX', ARGV[4])
end
local total = 0
for _, value in ipairs(redis.call('HVALS', KEYS[1])) do
  total = total + tonumber(value)
end
local step = count > previous and 1 or -1
local kind = count > previous and 'join' or 'leave'
local announced = total - (count - previous)
local name = ''
if ARGV[6] ~= '' and math.abs(count - previous) == 1 then
  name = ',"name":' .. cjson.encode(ARGV[6])
end
while announced ~= total do
  announced = announced + step
  redis.call('PUBLISH', ARGV[1], '{"type":"' .. kind .. '","online":' .. announced .. name .. '}')
end
return total
