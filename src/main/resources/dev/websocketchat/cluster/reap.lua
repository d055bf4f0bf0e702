-- An instance's heartbeat: says it is alive for the TTL, then forgets every instance whose alive key
-- has expired (it crashed, or lost Redis for longer than the TTL). For each room such an instance
-- was in, its connections are taken out and one leave per connection is published, with the
-- connection's name and the room's next presence number, as presence.lua publishes them; a room
-- no instance has open any more expires as sync.lua has it.
-- KEYS: none; every key is under chat: (see Scripts.java)
-- ARGV: 1 this instance, 2 the alive keys' TTL in ms, 3 an abandoned room's TTL in seconds (not the lobby's)
-- Returns how many instances were forgotten.
redis.call('SET', 'chat:alive:' .. ARGV[1], '1', 'PX', ARGV[2])
redis.call('SADD', 'chat:instances', ARGV[1])
local forgotten = 0
for _, instance in ipairs(redis.call('SMEMBERS', 'chat:instances')) do
  if redis.call('EXISTS', 'chat:alive:' .. instance) == 0 then
    forgotten = forgotten + 1
    for _, name in ipairs(redis.call('SMEMBERS', 'chat:rooms:' .. instance)) do
      local room = 'chat:room:' .. name .. ':'
      local total = online(room)
      local theirs = redis.call('HGETALL', room .. 'names:' .. instance)
      redis.call('DEL', room .. 'names:' .. instance)
      redis.call('HDEL', room .. 'online', instance)
      leave_room(room, instance, name == 'lobby' and 0 or tonumber(ARGV[3]))
      for i = 1, #theirs, 2 do
        for _ = 1, tonumber(theirs[i + 1]) do
          total = total - 1
          local seq = redis.call('INCR', room .. 'presence')
          redis.call('PUBLISH', room .. 'events', cjson.encode({type = 'leave', online = total, name = theirs[i], seq = seq}))
        end
      end
    end
    redis.call('DEL', 'chat:rooms:' .. instance)
    redis.call('SREM', 'chat:instances', instance)
  end
end
return forgotten
