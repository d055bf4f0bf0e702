-- What presence.lua, sync.lua and reap.lua share about a room (Scripts.java puts it in front of
-- each): its count, and how an instance leaves it. A room's prefix is chat:room:NAME:.

-- The room's count of connections on every instance.
local function online(room)
  local total = 0
  for _, count in ipairs(redis.call('HVALS', room .. 'online')) do
    total = total + tonumber(count)
  end
  return total
end

-- The keys that outlive the room's connections: its history, ids, epoch, presence number, op
-- numbers and the instances that have it open.
local ROOM_STATE = {'sequence', 'history', 'epoch', 'presence', 'ops', 'instances'}

-- An instance closes the room (or died): once no instance has it open, its state expires after
-- ttl seconds (never for 0, the lobby's).
local function leave_room(room, instance, ttl)
  redis.call('HDEL', room .. 'ops', instance)
  redis.call('SREM', room .. 'instances', instance)
  if ttl > 0 and redis.call('SCARD', room .. 'instances') == 0 then
    for _, key in ipairs(ROOM_STATE) do
      redis.call('EXPIRE', room .. key, ttl)
    end
  end
end

-- An instance opens the room: its state lasts while any instance has it open.
local function open_room(room, instance)
  redis.call('SADD', room .. 'instances', instance)
  for _, key in ipairs(ROOM_STATE) do
    redis.call('PERSIST', room .. key)
  end
end

