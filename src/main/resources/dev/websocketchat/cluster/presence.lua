-- Applies one change of one instance's connections to a room: a join, a leave or a rename, and
-- publishes it on the room's channel with the room's next presence number, so that every instance
-- applies the changes in one order and can tell when it missed one (ClusterEvent.Joined, Left, Renamed):
--   {"type":"join","online":N,"name":NAME,"seq":S,"instance":I,"member":M}
--   {"type":"leave","online":N,"name":NAME,"seq":S}
--   {"type":"rename","from":OLD,"to":NEW,"seq":S}
-- A change Lettuce sends again after a reconnect carries an op number already applied, and is ignored.
-- KEYS: 1 the room's prefix (chat:{NAME}:)
-- ARGV: 1 the instance, 2 its op number (increasing per instance), 3 join, leave or rename,
--       4 the connection's name, 5 the new name (rename) or the member's id (join)
-- Returns the room's count of connections on every instance, or -1 for a change applied already.
local room, instance, op = KEYS[1], ARGV[1], tonumber(ARGV[2])
if tonumber(redis.call('HGET', room .. 'ops', instance) or '-1') >= op then
  return -1
end
redis.call('HSET', room .. 'ops', instance, op)

local function bump(hash, field, by)
  if redis.call('HINCRBY', hash, field, by) <= 0 then
    redis.call('HDEL', hash, field)
  end
end

local names = room .. 'names:' .. instance
local kind, name = ARGV[3], ARGV[4]
local event
if kind == 'rename' then
  bump(names, name, -1)
  bump(names, ARGV[5], 1)
  event = {type = 'rename', from = name, to = ARGV[5]}
else
  local step = kind == 'join' and 1 or -1
  bump(names, name, step)
  bump(room .. 'online', instance, step)
  event = {type = kind, name = name}
  if kind == 'join' then
    event.instance = instance
    event.member = tonumber(ARGV[5])
  end
end
local total = online(room)
if kind ~= 'rename' then
  event.online = total
end
event.seq = redis.call('INCR', room .. 'presence')
redis.call(PUBLISH, room .. 'events', cjson.encode(event))
return total
