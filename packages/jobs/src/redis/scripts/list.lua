-- list: ARGV[3] = one tenant (1) or every tenant (0), ARGV[4] = the tenant, ARGV[5] = type ('' = any),
-- ARGV[6] = cursor createdAt ('' = first page), ARGV[7] = cursor id, ARGV[8] = how many,
-- ARGV[9] = search, lower case ('' = none), ARGV[10] = createdFrom ('' = none, inclusive),
-- ARGV[11] = createdTo ('' = none, exclusive), ARGV[12..] = statuses (none = every status).
-- Returns up to `how many` records newest first (createdAt desc, id desc), strictly after the cursor.
-- A status filter reads that status's index; the time range bounds the scores read. Every tenant: the
-- tenants' indexes (P:tenants) are read the same way and merged — an operator's view, whose cost grows
-- with the number of tenants. A type filter and the search are checked per job, so a rare match in a
-- large tenant costs a longer scan. The search folds ASCII case only (Lua's string.lower).
local oneTenant, tenant, jobType = ARGV[3] == '1', ARGV[4], ARGV[5]
local cursorAt, cursorId, want = ARGV[6], ARGV[7], tonumber(ARGV[8])
local search, createdFrom, createdTo = ARGV[9], ARGV[10], ARGV[11]
local CHUNK = 200

-- Byte order, like ZSET members and the other stores (Lua's `<` on strings follows the locale).
local function bytesLess(a, b)
  local n = math.min(#a, #b)
  for k = 1, n do
    local x, y = string.byte(a, k), string.byte(b, k)
    if x ~= y then return x < y end
  end
  return #a < #b
end

local function newer(a, b)
  if a.at ~= b.at then return a.at > b.at end
  return bytesLess(b.id, a.id)
end

-- The exact id, or a piece of the input's JSON text or of the error message (all lower-cased).
local function found(id, input, errorJson)
  if string.lower(id) == search then return true end
  if input and string.find(string.lower(input), search, 1, true) then return true end
  if errorJson then
    local ok, e = pcall(cjson.decode, errorJson)
    if ok and type(e) == 'table' and type(e.message) == 'string' then
      return string.find(string.lower(e.message), search, 1, true) ~= nil
    end
  end
  return false
end

local function matches(id)
  if jobType == '' and search == '' then return true end
  local f = redis.call('HMGET', jobKey(id), 'type', 'input', 'error')
  if jobType ~= '' and f[1] ~= jobType then return false end
  return search == '' or found(id, f[2], f[3])
end

-- Highest score to read: the cursor (inclusive; the cursor's own row is filtered out) or below createdTo.
local top = '+inf'
if createdTo ~= '' then top = '(' .. createdTo end
if cursorAt ~= '' and (createdTo == '' or tonumber(cursorAt) < tonumber(createdTo)) then top = cursorAt end
local bottom = createdFrom ~= '' and createdFrom or '-inf'
local cursor = cursorAt ~= '' and { at = tonumber(cursorAt), id = cursorId } or nil

local function scan(key, out)
  local offset, taken = 0, 0
  while taken < want do
    local chunk = redis.call('ZREVRANGEBYSCORE', key, top, bottom, 'WITHSCORES', 'LIMIT', offset, CHUNK)
    if #chunk == 0 then return end
    for k = 1, #chunk, 2 do
      local item = { id = chunk[k], at = tonumber(chunk[k + 1]) }
      if (cursor == nil or newer(cursor, item)) and matches(item.id) then
        out[#out + 1] = item
        taken = taken + 1
        if taken >= want then return end
      end
    end
    offset = offset + CHUNK
  end
end

local tenants = oneTenant and { tenant } or redis.call('SMEMBERS', TENANTS)
local hits = {}
for _, t in ipairs(tenants) do
  if #ARGV < 12 then
    scan(tenantKey(t), hits)
  else
    for s = 12, #ARGV do scan(statusKey(ARGV[s], t), hits) end
  end
end
table.sort(hits, newer)
local out = {}
for k = 1, math.min(want, #hits) do out[k] = record(hits[k].id) end
return out
