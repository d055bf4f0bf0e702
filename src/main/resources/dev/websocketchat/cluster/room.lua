-- What presence.lua, sync.lua and beat.lua share about a room (Scripts.java puts it in front of
-- each): its count, how an instance opens and leaves it, how a dead one is forgotten, and how long
-- its state lasts. A room's keys are chat:{NAME}:..., one hash slot per room.

-- The room's count of connections on every instance.
local function online(room)
  local total = 0
  for _, count in ipairs(redis.call('HVALS', room .. 'online')) do
    total = total + tonumber(count)
  end
  return total
end

-- Redis's clock, in ms: the one clock every instance's liveness is judged by.
local function now()
  local time = redis.call('TIME')
  return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
end

-- The keys that outlive the room's connections: its history, ids, epoch, presence number, op
-- numbers, the instances that have it open, until when each is alive, and their counts.
local ROOM_STATE = {'sequence', 'history', 'epoch', 'presence', 'ops', 'instances', 'alive', 'online'}

-- While any instance has the room open, its heartbeats keep its state for ttl seconds more (for
-- ever for 0: the lobby), so the state of a room nobody has open expires ttl seconds after the
-- last one closed it or died, as a single process drops a quiet room.
local function keep(room, ttl)
  if ttl <= 0 then
    return
  end
  for _, key in ipairs(ROOM_STATE) do
    redis.call('EXPIRE', room .. key, ttl)
  end
  for _, instance in ipairs(redis.call('SMEMBERS', room .. 'instances')) do
    redis.call('EXPIRE', room .. 'names:' .. instance, ttl)
  end
end

-- An instance opens the room, alive for alive_ms from now.
local function open_room(room, instance, alive_ms, ttl)
  redis.call('SADD', room .. 'instances', instance)
  redis.call('HSET', room .. 'alive', instance, now() + alive_ms)
  keep(room, ttl)
end

-- An instance closes the room, or is forgotten.
local function leave_room(room, instance)
  redis.call('HDEL', room .. 'ops', instance)
  redis.call('HDEL', room .. 'alive', instance)
  redis.call('SREM', room .. 'instances', instance)
end

-- An instance that stopped saying it is alive (it crashed, or lost Redis for too long): its
-- connections are taken out, with one leave per connection published as presence.lua publishes them.
local function forget(room, instance)
  local total = online(room)
  local theirs = redis.call('HGETALL', room .. 'names:' .. instance)
  redis.call('DEL', room .. 'names:' .. instance)
  redis.call('HDEL', room .. 'online', instance)
  leave_room(room, instance)
  for i = 1, #theirs, 2 do
    for _ = 1, tonumber(theirs[i + 1]) do
      total = total - 1
      local seq = redis.call('INCR', room .. 'presence')
      redis.call(PUBLISH, room .. 'events', cjson.encode({type = 'leave', online = total, name = theirs[i], seq = seq}))
    end
  end
end

