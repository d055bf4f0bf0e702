-- Replaces what the cluster holds of one instance's connections to a room with what the instance
-- says it has: on joining the room, on recovering from an outage, and on leaving it. Every
-- difference is published as the joins and leaves (with names) that make it, each with the room's
-- next presence number, as presence.lua publishes them. Then, if asked, the whole list of the room
-- is published for the instance, with the presence number it is current at, and the bans and mutes
-- in force (moderate.lua) (ClusterEvent.Users: {"type":"users","to":I,"seq":S,"users":{NAME:CONNECTIONS,...},
-- "sanctions":{"ban|user:ID":END_MS,...}}; the other instances skip it). On
-- the room's channel, it comes after every change it includes and before every later one: Redis
-- keeps the order of one channel, which nothing guarantees across channels.
-- Opening the room counts as the instance's heartbeat in it (beat.lua), and keeps its state.
-- KEYS: 1 the room's prefix (chat:{NAME}:)
-- ARGV: 1 the instance, 2 its op number, 3 its connections, {NAME:CONNECTIONS,...},
--       4 '1' to publish the list for the instance, 5 '1' if it leaves the room,
--       6 how long the instance is alive for, in ms, 7 the room's TTL in seconds (0: for ever)
-- Returns the room's count of connections on every instance, or -1 for a sync applied already.
local room, instance, op = KEYS[1], ARGV[1], tonumber(ARGV[2])
if tonumber(redis.call('HGET', room .. 'ops', instance) or '-1') >= op then
  return -1
end
local names = room .. 'names:' .. instance
local before = {}
local flat = redis.call('HGETALL', names)
for i = 1, #flat, 2 do
  before[flat[i]] = tonumber(flat[i + 1])
end
local after = cjson.decode(ARGV[3])

local total = online(room)
local function announce(kind, name, times)
  for _ = 1, times do
    total = total + (kind == 'join' and 1 or -1)
    local seq = redis.call('INCR', room .. 'presence')
    redis.call(PUBLISH, room .. 'events', cjson.encode({type = kind, online = total, name = name, seq = seq}))
  end
end
for name, count in pairs(before) do
  announce('leave', name, count - math.min(count, tonumber(after[name] or 0)))
end
local mine = 0
for name, count in pairs(after) do
  announce('join', name, count - math.min(count, before[name] or 0))
  mine = mine + count
end

redis.call('DEL', names)
for name, count in pairs(after) do
  redis.call('HSET', names, name, count)
end
if mine > 0 then
  redis.call('HSET', room .. 'online', instance, mine)
else
  redis.call('HDEL', room .. 'online', instance)
end
if ARGV[5] == '1' then
  leave_room(room, instance)
else
  redis.call('HSET', room .. 'ops', instance, op)
  open_room(room, instance, tonumber(ARGV[6]), tonumber(ARGV[7]))
end

if ARGV[4] == '1' then
  local everyone = {}
  for _, other in ipairs(redis.call('HKEYS', room .. 'online')) do
    local theirs = redis.call('HGETALL', room .. 'names:' .. other)
    for i = 1, #theirs, 2 do
      everyone[theirs[i]] = (everyone[theirs[i]] or 0) + tonumber(theirs[i + 1])
    end
  end
  local seq = tonumber(redis.call('GET', room .. 'presence') or '0')
  local sanctions = {}
  local flat = redis.call('HGETALL', room .. 'sanctions')
  for i = 1, #flat, 2 do
    sanctions[flat[i]] = tonumber(flat[i + 1])
  end
  redis.call(PUBLISH, room .. 'events', cjson.encode({type = 'users', to = instance, seq = seq, users = everyone, sanctions = sanctions}))
end
return total
