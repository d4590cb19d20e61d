#include "redis_scripts.hpp"

namespace lesson08::scripts {

namespace {

// now(): Redis' clock in ms. append(): XADD with the cap. remove(): a token's presence, name
// and claim, and its leave, only if it was present: whoever removes it first announces it.
const std::string prelude = R"lua(
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function append(...)
  return redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[2], '*', ...)
end
local function claim_key(name) return ARGV[1] .. string.lower(name) end
local function remove(token)
  if redis.call('ZREM', KEYS[1], token) == 0 then return 0 end
  local name = redis.call('HGET', KEYS[2], token)
  redis.call('HDEL', KEYS[2], token)
  if name then
    if redis.call('GET', claim_key(name)) == token then redis.call('DEL', claim_key(name)) end
    append('type', 'leave', 'token', token, 'name', name, 'time', now(), 'node', ARGV[3])
  end
  return 1
end
)lua";

}  // namespace

const std::string join = prelude + R"lua(
local token, ttl = ARGV[5], tonumber(ARGV[4])
-- Idempotent: a join sent again after a lost reply must not join twice.
local present = redis.call('HGET', KEYS[2], token)
if present then return {present, ''} end
local name = nil
if ARGV[6] ~= '' and redis.call('SET', claim_key(ARGV[6]), token, 'NX', 'PX', ttl) then name = ARGV[6] end
local tries = 0
while not name and tries < 16 do
  tries = tries + 1
  local guest = 'guest-' .. redis.call('INCR', KEYS[4])
  if redis.call('SET', claim_key(guest), token, 'NX', 'PX', ttl) then name = guest end
end
if not name then return redis.error_reply('BUSY no free guest name') end
local t = now()
redis.call('ZADD', KEYS[1], t + ttl, token)
redis.call('HSET', KEYS[2], token, name)
return {name, append('type', 'join', 'token', token, 'name', name, 'time', t, 'node', ARGV[3])}
)lua";

const std::string leave = prelude + R"lua(
return remove(ARGV[5])
)lua";

const std::string say = prelude + R"lua(
local name = redis.call('HGET', KEYS[2], ARGV[5])
if not name then return redis.error_reply('ABSENT you are not in the chat') end
return append('type', 'message', 'token', ARGV[5], 'from', name, 'text', ARGV[6], 'time', now(), 'node', ARGV[3])
)lua";

const std::string rename = prelude + R"lua(
local token, wanted = ARGV[5], ARGV[6]
local old = redis.call('HGET', KEYS[2], token)
if not old then return redis.error_reply('ABSENT you are not in the chat') end
if claim_key(wanted) ~= claim_key(old) then
  if not redis.call('SET', claim_key(wanted), token, 'NX', 'PX', tonumber(ARGV[4])) then
    return redis.error_reply('TAKEN the name is taken')
  end
  if redis.call('GET', claim_key(old)) == token then redis.call('DEL', claim_key(old)) end
end
redis.call('HSET', KEYS[2], token, wanted)
return append('type', 'rename', 'token', token, 'from', old, 'to', wanted, 'time', now(), 'node', ARGV[3])
)lua";

const std::string renew = prelude + R"lua(
local ttl, t, missing = tonumber(ARGV[4]), now(), {}
for i = 5, #ARGV do
  local token = ARGV[i]
  if redis.call('ZSCORE', KEYS[1], token) then
    redis.call('ZADD', KEYS[1], 'XX', t + ttl, token)
    local name = redis.call('HGET', KEYS[2], token)
    if name and redis.call('GET', claim_key(name)) == token then redis.call('PEXPIRE', claim_key(name), ttl) end
  else
    missing[#missing + 1] = token
  end
end
return missing
)lua";

const std::string reap = prelude + R"lua(
local removed = 0
for _, token in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now(), 'LIMIT', 0, 100)) do
  removed = removed + remove(token)
end
return removed
)lua";

const std::string snapshot = prelude + R"lua(
return {redis.call('XREVRANGE', KEYS[3], '+', '-', 'COUNT', ARGV[5]), redis.call('HGETALL', KEYS[2])}
)lua";

}  // namespace lesson08::scripts
