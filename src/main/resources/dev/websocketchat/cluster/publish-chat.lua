-- Numbers a chat, keeps it in the shared history and publishes it, in one atomic step, so every
-- instance receives chats in id order. A publish retried after a reconnect (same nonce) is ignored.
-- KEYS: 1 the room's id sequence, 2 its shared history (a capped list), 3 this chat's nonce key
-- ARGV: 1 the room's channel, 2 history capacity (0: keep none), 3 the nonce, 4 the chat as a JSON object without
--       type and id (ClusterEvent.Draft), which becomes {"type":"chat","id":<id>,...}: ClusterEvent.Said
-- Returns the chat's id, or 0 for a repeated nonce.
if not redis.call('SET', KEYS[3], '1', 'NX', 'PX', 60000) then
  return 0
end
local id = redis.call('INCR', KEYS[1])
local entry = '{"type":"chat","id":' .. id .. ',' .. string.sub(ARGV[4], 2)
local capacity = tonumber(ARGV[2])
if capacity > 0 then
  redis.call('RPUSH', KEYS[2], entry)
  redis.call('LTRIM', KEYS[2], -capacity, -1)
end
redis.call('PUBLISH', ARGV[1], entry)
return id
