-- Run by an instance for a room on opening it and on (re)connecting: adopts the room's epoch
-- (proposing its own if Redis has none, as after a restart that lost its data), makes sure the
-- next id is above every id the instance has given or seen, and returns the shared history.
-- KEYS: 1 the room's epoch, 2 its id sequence, 3 its shared history
-- ARGV: 1 the instance's epoch, 2 the highest id it knows
-- Returns {epoch, entry...}, oldest entry first.
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') < tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], ARGV[2])
end
local result = redis.call('LRANGE', KEYS[3], 0, -1)
table.insert(result, 1, epoch)
return result
