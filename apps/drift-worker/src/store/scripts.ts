// Lua run inside Redis so each batch is applied atomically: a crash or a concurrent window close
// never sees half a batch. Keys are derived from the prefix in ARGV, so the scripts assume one
// Redis node (not Cluster).

/**
 * INGEST. ARGV: prefix, dedupTtlMs, reservoir, textReservoir, maxCategories, newWindowId,
 * newWindowStart, epoch key ('' for none), then 8 values per event: id, member, u, sample, text, categories (\31-joined),
 * bins (\31-joined), flags (comma-joined). An event whose id was seen is skipped (SET NX); the
 * others' counts are summed in Lua and written with one HINCRBY per distinct field, and each
 * reservoir keeps a uniform sample (Algorithm R with the caller's uniform u). Returns
 * {added, duplicates, windowId}, or {-1, 0, ''} without writing when the epoch key is missing
 * (Redis lost its data: RECOVER must restore the open window before anything is counted again).
 */
export const INGEST_LUA = `
local p = ARGV[1]
local ttl = ARGV[2]
local R = tonumber(ARGV[3])
local T = tonumber(ARGV[4])
local maxCats = tonumber(ARGV[5])
if ARGV[8] ~= '' and redis.call('EXISTS', ARGV[8]) == 0 then return {-1, 0, ''} end
local wkey = p .. ':window'
local wid = redis.call('HGET', wkey, 'id')
if not wid then
  wid = ARGV[6]
  redis.call('HSET', wkey, 'id', wid, 'start', ARGV[7])
end
local wp = p .. ':w:' .. wid .. ':'
local counts = {}
local incs = {}
local catSize = {}
local function inc(key, field)
  local h = incs[key]
  if not h then h = {}; incs[key] = h end
  h[field] = (h[field] or 0) + 1
end
local added, dup = 0, 0
local i = 9
local n = #ARGV
while i <= n do
  local id, member, u = ARGV[i], ARGV[i + 1], tonumber(ARGV[i + 2])
  local sample, text, cats, bins, flags = ARGV[i + 3], ARGV[i + 4], ARGV[i + 5], ARGV[i + 6], ARGV[i + 7]
  i = i + 8
  if redis.call('SET', p .. ':seen:' .. id, wid, 'NX', 'PX', ttl) then
    added = added + 1
    local mk = wp .. member
    local c = counts[member]
    if c == nil then
      c = tonumber(redis.call('HGET', mk .. ':n', 'count') or '0')
      if c == 0 then redis.call('SADD', wp .. 'members', member) end
    end
    c = c + 1
    counts[member] = c
    inc(mk .. ':n', 'count')
    for f in string.gmatch(flags, '[^,]+') do inc(mk .. ':n', f) end
    local ck = mk .. ':cat'
    for f in string.gmatch(cats, '[^\\31]+') do
      local pending = incs[ck]
      if (pending == nil or pending[f] == nil) and redis.call('HEXISTS', ck, f) == 0 then
        local size = catSize[ck]
        if size == nil then size = redis.call('HLEN', ck) end
        if size >= maxCats then
          f = string.match(f, '^[^=]*') .. '=~other'
          if (pending == nil or pending[f] == nil) and redis.call('HEXISTS', ck, f) == 0 then size = size + 1 end
        else
          size = size + 1
        end
        catSize[ck] = size
      end
      inc(ck, f)
    end
    for f in string.gmatch(bins, '[^\\31]+') do inc(mk .. ':bin', f) end
    local j = math.floor(u * c)
    if c <= R then redis.call('RPUSH', mk .. ':res', sample)
    elseif j < R then redis.call('LSET', mk .. ':res', j, sample) end
    if c <= T then redis.call('RPUSH', mk .. ':txt', text)
    elseif j < T then redis.call('LSET', mk .. ':txt', j, text) end
  else
    dup = dup + 1
  end
end
for key, h in pairs(incs) do
  for f, v in pairs(h) do redis.call('HINCRBY', key, f, v) end
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
