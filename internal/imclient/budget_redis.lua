-- Copyright (c) The terraform-provider-volcrtc authors
-- SPDX-License-Identifier: MPL-2.0

-- The request budget shared through Redis (budget_redis.go): budgetState's
-- rules (budget.go), one script per operation, atomic in Redis and on its
-- clock (TIME), in microseconds. KEYS[1] is the sorted set of reservations
-- (member: an ID, score: when its call may leave), KEYS[2] the hash of the
-- adaptive rate (wmax, cut) and of the IDs' sequence (seq).
--
-- Each section below is one script, named by its "--@" line; a script
-- whose name ends in "+" starts with the prelude. ARGV[1..9] are the
-- shared arguments (redisStore.run), ARGV[10..] each script's own.

--@prelude
local window, beta, cc, minrate = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local maxahead, maxsent, ttl, apimax = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local limit = tonumber(ARGV[9])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
-- Numbers sent back to Redis are formatted by hand: Lua would print them
-- with 14 digits, and microseconds since 1970 have 16.
local function f(x) return string.format('%.0f', x) end
-- state forgets reservations no rule can reach any more and drops what no
-- budget writes (budgetState.check): a rate outside (0, apimax] or cut in
-- the future, more reservations than a budget holds, and each reservation
-- ahead further than any real one: the k-th kept ahead of now is within k
-- windows of it, as reserve spaces them. Only those are dropped, so one
-- planted reservation costs the fleet none of its own. It returns the
-- rate, the number of reservations, and 1 when it dropped anything.
local function state()
  local dropped = 0
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. f(now - window))
  local h = redis.call('HMGET', KEYS[2], 'wmax', 'cut')
  local wmax, cut = tonumber(h[1]), tonumber(h[2])
  if (cut == nil and wmax ~= nil) or
    (cut ~= nil and (cut > now or cut < 0 or wmax == nil or wmax <= 0 or wmax > apimax)) then
    redis.call('HDEL', KEYS[2], 'wmax', 'cut')
    wmax, cut, dropped = nil, nil, 1
  end
  local n = redis.call('ZCARD', KEYS[1])
  if n > maxsent then
    redis.call('DEL', KEYS[1])
    return wmax, cut, 0, 1
  end
  local ahead = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. f(now), '+inf', 'WITHSCORES')
  local kept = 0
  for i = 1, #ahead, 2 do
    if tonumber(ahead[i + 1]) - now > math.min(maxahead, (kept + 1) * window + 1000) then
      redis.call('ZREM', KEYS[1], ahead[i])
      n, dropped = n - 1, 1
    else
      kept = kept + 1
    end
  end
  return wmax, cut, n, dropped
end
-- rate is the cubic recovery after a cut (budgetState.rate).
local function rate(wmax, cut)
  if cut == nil then return limit end
  local d = math.max(0, (now - cut) / 1e6) - (wmax * (1 - beta) / cc) ^ (1 / 3)
  return math.min(limit, math.max(minrate, cc * d * d * d + wmax))
end
local function keep()
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end

--@reserve+
-- Takes the first slot no closer than 1/rate to the last and with no more
-- than rate slots in any window. ARGV[10..] are slots handed back: when
-- each call of this process left, in microseconds after Redis's now
-- (negative: before), while it paced itself without Redis; they join the
-- window first, so that a return to Redis does not send a second window's
-- worth into one. Returns {at, now, id, dropped, n, rate}: n counts the
-- reservations of the last window and ahead, and rate is in millionths.
local wmax, cut, n, dropped = state()
for i = 10, #ARGV do
  local at = now + tonumber(ARGV[i])
  if at >= now - window and at - now <= maxahead then
    redis.call('ZADD', KEYS[1], f(at), 'h' .. f(at) .. ':' .. redis.call('HINCRBY', KEYS[2], 'seq', 1))
    n = n + 1
  end
end
local r = rate(wmax, cut)
local at = now
if n > 0 then
  at = math.max(at, tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2]) + 1e6 / r)
end
local per = math.max(1, math.floor(r + 1e-9))
if n >= per then
  at = math.max(at, tonumber(redis.call('ZRANGE', KEYS[1], n - per, n - per, 'WITHSCORES')[2]) + window)
end
at = math.ceil(at)
local id = f(at) .. ':' .. redis.call('HINCRBY', KEYS[2], 'seq', 1)
redis.call('ZADD', KEYS[1], f(at), id)
keep()
return {at, now, id, dropped, n + 1, math.floor(r * 1e6)}

--@probe
-- Writes KEYS[1] for a second and returns ARGV[1]: a Redis that refuses
-- writes (full) or answers something else is not usable yet.
redis.call('SET', KEYS[1], ARGV[1], 'PX', 1000)
return ARGV[1]

--@release
-- Gives back slot ARGV[10].
return {redis.call('ZREM', KEYS[1], ARGV[10])}

--@wrote+
-- Moves slot ARGV[10], written ARGV[11] microseconds ago, to then if that
-- is later.
local old = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[10]))
local at = now - tonumber(ARGV[11])
if old ~= nil and at > old then
  redis.call('ZADD', KEYS[1], f(at), ARGV[10])
  keep()
end
return {1}

--@voided
-- Gives back slot ARGV[10], taken at ARGV[11], and returns {1} when the
-- rate was cut since.
local cut = tonumber(redis.call('HGET', KEYS[2], 'cut'))
if cut ~= nil and cut > tonumber(ARGV[11]) then
  redis.call('ZREM', KEYS[1], ARGV[10])
  return {1}
end
return {0}

--@throttled+
-- Cuts the rate to what this budget sent in the last window when that is
-- less, and voids the slots ahead (budgetState.throttled); throttles
-- within a window of a cut are the same event. Returns {cut, dropped}.
local wmax, cut, n, dropped = state()
if cut ~= nil and now - cut < window then return {0, dropped} end
local r = rate(wmax, cut)
local ours = redis.call('ZCOUNT', KEYS[1], '(' .. f(now - window), f(now))
if ours > 0 then r = math.min(r, ours) end
redis.call('HSET', KEYS[2], 'wmax', string.format('%.6f', r), 'cut', f(now))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '(' .. f(now), '+inf')
keep()
return {1, dropped}
