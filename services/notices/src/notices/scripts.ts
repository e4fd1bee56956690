/**
 * Lua scripts: each runs atomically in Redis, so the notice hash and the `notices:by-created`
 * index never disagree, and a write whose precondition fails writes nothing.
 */

/**
 * KEYS: notice hash, by-created index. ARGV: id, createdAt ms, createdAt ISO, title, body.
 * The score is the creation time, nudged just past the newest one when two land in the same
 * millisecond (or a clock steps back), so "newest first" is always creation order.
 * Returns 1, or 0 when the id is taken.
 */
export const CREATE_NOTICE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local score = tonumber(ARGV[2])
local newest = redis.call('ZREVRANGE', KEYS[2], 0, 0, 'WITHSCORES')
if newest[2] and tonumber(newest[2]) >= score then score = tonumber(newest[2]) + 0.015625 end
redis.call('HSET', KEYS[1], 'id', ARGV[1], 'title', ARGV[4], 'body', ARGV[5], 'createdAt', ARGV[3], 'updatedAt', ARGV[3])
redis.call('ZADD', KEYS[2], string.format('%.17g', score), ARGV[1])
return 1
`;

/**
 * KEYS: notice hash. ARGV: updatedAt ISO, then field/value pairs (title, body).
 * Returns the updated hash as a flat field/value list, or nil (and no write) when it is missing.
 */
export const UPDATE_NOTICE = `
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
redis.call('HSET', KEYS[1], 'updatedAt', ARGV[1], unpack(ARGV, 2))
return redis.call('HGETALL', KEYS[1])
`;

/** KEYS: notice hash, by-created index. ARGV: id. Returns 1, or 0 (and no write) when missing. */
export const DELETE_NOTICE = `
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
return 1
`;

/**
 * KEYS: by-created index. ARGV: how many, notice key prefix. One consistent snapshot of the newest
 * notices as flat field/value lists. The hash keys are derived from the index here rather than
 * declared in KEYS, which is fine on one Redis (not on a Redis Cluster).
 */
export const LIST_NOTICES = `
local ids = redis.call('ZREVRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
local out = {}
for _, id in ipairs(ids) do
  local fields = redis.call('HGETALL', ARGV[2] .. id)
  if #fields > 0 then out[#out + 1] = fields end
end
return out
`;
