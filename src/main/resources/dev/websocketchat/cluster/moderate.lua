-- Records a moderator's ban or mute in the room's sanctions (a kick records nothing), and publishes
-- the action on the room's channel (ClusterEvent.Moderated), so that every instance applies it and
-- tells its members at once. sync.lua hands the sanctions in force to an instance opening the room.
-- KEYS: 1 the room's prefix (chat:{NAME}:)
-- ARGV: 1 ban, mute or kick, 2 whom: user:<id> or name:<guest's name>,
--       3 when it ends, epoch ms (0: lift it), 4 the action, as JSON
-- Returns 0.
local sanctions, kind = KEYS[1] .. 'sanctions', ARGV[1]
if kind ~= 'kick' then
  local field, untilMs = kind .. '|' .. ARGV[2], tonumber(ARGV[3])
  if untilMs > 0 then
    redis.call('HSET', sanctions, field, untilMs)
  else
    redis.call('HDEL', sanctions, field)
  end
  local last = 0
  for _, ends in ipairs(redis.call('HVALS', sanctions)) do
    last = math.max(last, tonumber(ends))
  end
  if last > 0 then
    redis.call('PEXPIREAT', sanctions, last)
  end
end
redis.call(PUBLISH, KEYS[1] .. 'events', ARGV[4])
return 0
