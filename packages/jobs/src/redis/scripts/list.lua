-- list: ARGV[3] = tenant, ARGV[4] = type ('' = any), ARGV[5] = cursor createdAt ('' = first page),
-- ARGV[6] = cursor id, ARGV[7] = how many, ARGV[8..] = statuses (none = every status).
-- Returns up to `how many` records newest first (createdAt desc, id desc), strictly after the cursor.
-- A status filter reads that status's index; a type filter is checked per job, so a rare type in a
-- large tenant costs a longer scan.
local tenant, jobType, cursorAt, cursorId, want = ARGV[3], ARGV[4], ARGV[5], ARGV[6], tonumber(ARGV[7])
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

local function scan(key, found)
  local top = cursorAt ~= '' and cursorAt or '+inf'
  local cursor = cursorAt ~= '' and { at = tonumber(cursorAt), id = cursorId } or nil
  local offset, taken = 0, 0
  while taken < want do
    local chunk = redis.call('ZREVRANGEBYSCORE', key, top, '-inf', 'WITHSCORES', 'LIMIT', offset, CHUNK)
    if #chunk == 0 then return end
    for k = 1, #chunk, 2 do
      local item = { id = chunk[k], at = tonumber(chunk[k + 1]) }
      if (cursor == nil or newer(cursor, item))
        and (jobType == '' or redis.call('HGET', jobKey(item.id), 'type') == jobType) then
        found[#found + 1] = item
        taken = taken + 1
        if taken >= want then return end
      end
    end
    offset = offset + CHUNK
  end
end

local found = {}
if #ARGV < 8 then
  scan(tenantKey(tenant), found)
else
  for s = 8, #ARGV do scan(statusKey(ARGV[s], tenant), found) end
end
table.sort(found, newer)
local out = {}
for k = 1, math.min(want, #found) do out[k] = record(found[k].id) end
return out
