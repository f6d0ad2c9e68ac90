/*
 * One atomic step per event and room: idempotency check, next seq, snapshot, capped history,
 * publish. Every key shares the room's hash tag, so this runs on one Redis Cluster node.
 * The message and envelope JSON are concatenated exactly as room-message-builder.ts does it.
 *
 * KEYS: 1 seq, 2 snapshot, 3 history stream, 4 seen ids (zset id -> seq)
 * ARGV: 1 event id, 2 type, 3 room as JSON string, 4 publishedAt, 5 message tail,
 *       6 snapshot tail ('' = none), 7 history limit, 8 dedupe window, 9 channel,
 *       10 expected seq ('' = any)
 * A refused expected seq answers the error `SEQ_CONFLICT <current seq>`, before any write.
 */
export const APPEND_EVENT_LUA = `
local known = redis.call('ZSCORE', KEYS[4], ARGV[1])
if known then
  return {tonumber(known), 1}
end
if ARGV[10] ~= '' then
  local current = tonumber(redis.call('GET', KEYS[1]) or '0')
  if current + 1 ~= tonumber(ARGV[10]) then
    return redis.error_reply('SEQ_CONFLICT ' .. string.format('%d', current))
  end
end
local seq = redis.call('INCR', KEYS[1])
local seqText = string.format('%d', seq)
redis.call('ZADD', KEYS[4], seq, ARGV[1])
local window = tonumber(ARGV[8])
if seq > window then
  redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', seq - window)
end
if ARGV[6] ~= '' then
  redis.call('SET', KEYS[2], '{"seq":' .. seqText .. ',' .. ARGV[6])
end
local envelope = '{"v":1,"seq":' .. seqText .. ',"type":"' .. ARGV[2] .. '","room":' .. ARGV[3] ..
  ',"publishedAt":' .. ARGV[4] .. ',"payload":{"seq":' .. seqText .. ',' .. ARGV[5] .. '}'
redis.call('XADD', KEYS[3], 'MAXLEN', ARGV[7], seqText .. '-0', 'e', envelope)
redis.call('SPUBLISH', ARGV[9], envelope)
return {seq, 0}
`;
