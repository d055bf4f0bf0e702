-- Numbers a chat, keeps it in the shared history and publishes it, in one atomic step, so every
-- instance receives chats in id order. A publish sent again under the same nonce while Redis
-- remembers it (a retry after a failure, or a client's resend of its cid) is not numbered again.
-- KEYS: 1 the room's id sequence, 2 its shared history (a capped list), 3 this chat's nonce key
-- ARGV: 1 the room's channel, 2 history capacity (0: keep none), 3 the nonce, 4 the chat as a JSON object without
--       type and id (ClusterEvent.Draft), which becomes {"type":"chat","id":<id>,...}: ClusterEvent.Said,
--       5 how long to remember the nonce, in ms
-- Returns the chat's id, or minus the id it was given before for a repeated nonce.
local earlier = redis.call('GET', KEYS[3])
if earlier then
  return -tonumber(earlier)
end
local id = redis.call('INCR', KEYS[1])
redis.call('SET', KEYS[3], id, 'PX', ARGV[5])
local entry = '{"type":"chat","id":' .. id .. ',' .. string.sub(ARGV[4], 2)
local capacity = tonumber(ARGV[2])
if capacity > 0 then
  redis.call('RPUSH', KEYS[2], entry)
  redis.call('LTRIM', KEYS[2], -capacity, -1)
end
redis.call(PUBLISH, ARGV[1], entry)
return id
