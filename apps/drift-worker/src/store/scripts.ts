// Lua run inside Redis so each batch is applied atomically: a crash or a concurrent window close
// never sees half a batch. Keys are derived from the prefix in ARGV, so the scripts assume one
// Redis node (not Cluster).

/**
 * INGEST. A batch folded by IngestBatch. ARGV: prefix, dedupTtlMs, reservoir, textReservoir,
 * maxCategories, newWindowId, newWindowStart, #members, #fields, #events, withEventFields (1|0),
 * epoch key ('' for none);
 * then the members (`<model>|<digest>`); then 4 values per field: member index (1-based), hash
 * (n, cat, bin), field, summed count; then per event: id, member index, u, sample, text, and
 * when withEventFields the field indexes it counted ('.'-joined).
 * An event whose id was seen is skipped: with its field list its counts are taken back out of the
 * sums; without one the script returns {-1} before writing anything, and the caller sends the
 * batch again with the lists (redeliveries are rare, so the common batch carries none). Counts are written with one HINCRBY per distinct field; a new category
 * beyond maxCategories goes to `<feature>=~other`; each reservoir keeps a uniform sample
 * (Algorithm R with the caller's u). Returns {added, duplicates, windowId}, or {-2, 0, ''}
 * without writing when the epoch key is missing (Redis lost its data: RECOVER must restore the
 * open window before anything is counted again).
 */
export const INGEST_LUA = `
local p = ARGV[1]
local ttl = ARGV[2]
local R = tonumber(ARGV[3])
local T = tonumber(ARGV[4])
local maxCats = tonumber(ARGV[5])
if ARGV[12] ~= '' and redis.call('EXISTS', ARGV[12]) == 0 then return {-2, 0, ''} end
local nm, nf, ne = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local withFields = ARGV[11] == '1'
local mb = 12
local fb = mb + nm
local eb = fb + 4 * nf
local stride = withFields and 6 or 5
local wkey = p .. ':window'
local wid = redis.call('HGET', wkey, 'id')
if not wid then
  wid = ARGV[6]
  redis.call('HSET', wkey, 'id', wid, 'start', ARGV[7])
end
local wp = p .. ':w:' .. wid .. ':'
local fcount = {}
for f = 1, nf do fcount[f] = tonumber(ARGV[fb + 4 * f]) end
-- Dedup marks live in sets per period of dedupTtlMs (the current and the previous are asked), so
-- a batch costs two SMISMEMBER and one SADD whatever its size, and an id is remembered at least
-- dedupTtlMs. Ids go in chunks: unpack is bounded by Lua's stack.
local period = math.floor(tonumber(ARGV[7]) / tonumber(ttl))
local cur = p .. ':seen:' .. period
local prev = p .. ':seen:' .. (period - 1)
local ids = {}
for e = 1, ne do ids[e] = ARGV[eb + stride * (e - 1) + 1] end
local function chunked(cmd, key, list)
  local out = {}
  for s = 1, #list, 1000 do
    local r = redis.call(cmd, key, unpack(list, s, math.min(s + 999, #list)))
    if type(r) == 'table' then for _, v in ipairs(r) do out[#out + 1] = v end end
  end
  return out
end
local inCur = chunked('SMISMEMBER', cur, ids)
local inPrev = chunked('SMISMEMBER', prev, ids)
local isNew = {}
local newIds = {}
local inBatch = {}
local addedPer = {}
local added, dup = 0, 0
for e = 1, ne do
  local id = ids[e]
  if inCur[e] == 1 or inPrev[e] == 1 or inBatch[id] then
    if not withFields then return {-1, 0, wid} end
    dup = dup + 1
    for f in string.gmatch(ARGV[eb + stride * (e - 1) + 6], '%d+') do
      local i = tonumber(f)
      fcount[i] = fcount[i] - 1
    end
  else
    inBatch[id] = true
    isNew[e] = true
    newIds[#newIds + 1] = id
    added = added + 1
    local m = tonumber(ARGV[eb + stride * (e - 1) + 2])
    addedPer[m] = (addedPer[m] or 0) + 1
  end
end
if added > 0 then
  chunked('SADD', cur, newIds)
  redis.call('PEXPIREAT', cur, (period + 2) * tonumber(ttl))
end
local counts = {}
for m = 1, nm do
  if addedPer[m] then
    local mk = wp .. ARGV[mb + m]
    local c = tonumber(redis.call('HGET', mk .. ':n', 'count') or '0')
    if c == 0 then redis.call('SADD', wp .. 'members', ARGV[mb + m]) end
    counts[m] = c
  end
end
-- Categories: when the hash cannot reach maxCategories with this batch's new fields, no field
-- needs checking; otherwise each new one is checked once and the overflow goes to ~other.
local newCats = {}
for f = 1, nf do
  if fcount[f] > 0 and ARGV[fb + 4 * (f - 1) + 2] == 'cat' then
    local m = tonumber(ARGV[fb + 4 * (f - 1) + 1])
    newCats[m] = (newCats[m] or 0) + 1
  end
end
local extra = {}
for m, k in pairs(newCats) do
  local ck = wp .. ARGV[mb + m] .. ':cat'
  local size = redis.call('HLEN', ck)
  if size + k > maxCats then
    local pending = {}
    for f = 1, nf do
      local o = fb + 4 * (f - 1)
      if fcount[f] > 0 and ARGV[o + 2] == 'cat' and tonumber(ARGV[o + 1]) == m then
        local name = ARGV[o + 3]
        if redis.call('HEXISTS', ck, name) == 0 then
          if size >= maxCats then
            local other = string.match(name, '^[^=]*') .. '=~other'
            if pending[other] == nil and redis.call('HEXISTS', ck, other) == 0 then size = size + 1 end
            pending[other] = true
            extra[#extra + 1] = {ck, other, fcount[f]}
            fcount[f] = 0
          else
            size = size + 1
            pending[name] = true
          end
        end
      end
    end
  end
end
for f = 1, nf do
  if fcount[f] > 0 then
    local o = fb + 4 * (f - 1)
    redis.call('HINCRBY', wp .. ARGV[mb + tonumber(ARGV[o + 1])] .. ':' .. ARGV[o + 2], ARGV[o + 3], fcount[f])
  end
end
for _, x in ipairs(extra) do redis.call('HINCRBY', x[1], x[2], x[3]) end
for e = 1, ne do
  if isNew[e] then
    local b = eb + stride * (e - 1)
    local m = tonumber(ARGV[b + 2])
    local c = counts[m] + 1
    counts[m] = c
    local j = math.floor(tonumber(ARGV[b + 3]) * c)
    if c <= R then redis.call('RPUSH', wp .. ARGV[mb + m] .. ':res', ARGV[b + 4])
    elseif j < R then redis.call('LSET', wp .. ARGV[mb + m] .. ':res', j, ARGV[b + 4]) end
    if c <= T then redis.call('RPUSH', wp .. ARGV[mb + m] .. ':txt', ARGV[b + 5])
    elseif j < T then redis.call('LSET', wp .. ARGV[mb + m] .. ':txt', j, ARGV[b + 5]) end
  end
end
return {added, dup, wid}
`;

/**
 * ROTATE. KEYS: window, meta of the closing window, history list. ARGV: expected id, new id,
 * now (ms). Closes the current window only if it is still the expected one (compare-and-set),
 * so two closers of the same window rotate once. Returns the closed window's start or nil.
 */
export const ROTATE_LUA = `
local cur = redis.call('HGET', KEYS[1], 'id')
if cur ~= ARGV[1] then return nil end
local start = redis.call('HGET', KEYS[1], 'start')
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'start', start, 'end', ARGV[3])
redis.call('HSET', KEYS[1], 'id', ARGV[2], 'start', ARGV[3])
redis.call('LPUSH', KEYS[3], ARGV[1])
redis.call('LTRIM', KEYS[3], 0, 999)
return start
`;

/**
 * RECOVER. KEYS: epoch, window. ARGV: the open window's id and start (ms), now. When the epoch key
 * is missing (Redis came back empty), sets it and restores the open window, in one step, so no
 * batch can count into a window of its own making in between. Returns 1 when it recovered, else 0.
 */
export const RECOVER_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
redis.call('DEL', KEYS[2])
redis.call('HSET', KEYS[2], 'id', ARGV[1], 'start', ARGV[2])
return 1
`;
