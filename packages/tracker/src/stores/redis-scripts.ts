// Lua scripts of the Redis swarm store. Each announce is one script, so it is atomic across any
// number of tracker processes sharing the server. Layout, per swarm (hex info hash H, prefix X):
//   X{H}:p  HASH  peer id (20 raw bytes) -> key digest (4 bytes) .. compact address (6 or 18 bytes)
//   X{H}:s  ZSET  seeders, member = compact address .. peer id, score = expiry time (ms)
//   X{H}:l  ZSET  leechers, same shape
//   X{H}:d  STRING completed downloads
// Members carry the compact address so a random sample (ZRANGE window) is already the reply bytes,
// with no per-peer lookup. Two global keys: X:swarms (ZSET info hash -> latest peer expiry) and
// X:stats (HASH seeders, leechers). Every swarm key also carries a Redis TTL as a backstop, so an
// abandoned swarm is freed by Redis itself even when no tracker process is left to sweep it.
import { RedisScript } from './redis-client.ts';

const common = `
local function purge(P, Z, ST, field, now, limit)
  local dead = redis.call('ZRANGEBYSCORE', Z, '-inf', now, 'LIMIT', 0, limit)
  if #dead > 0 then
    redis.call('ZREM', Z, unpack(dead))
    for i = 1, #dead do dead[i] = string.sub(dead[i], -20) end
    redis.call('HDEL', P, unpack(dead))
    redis.call('HINCRBY', ST, field, -#dead)
  end
  return #dead
end
`;

/**
 * KEYS: p, s, l, d, swarms, stats.
 * ARGV: infoHashHex, peerId, keyDigest(4 bytes), addr(6|18 bytes), seeder(0|1), event, numwant,
 *       now, expiresAt, keyTtlMs, maxSwarms, maxPeersPerSwarm, withPeerIds(0|1), and two random
 *       numbers in [0, 1) from the caller (sampling offsets; Lua's own PRNG is not to be relied on).
 * Returns {complete, incomplete, downloaded, {member...}} where each member is a compact address
 * (6 or 18 bytes) followed by the 20-byte peer id, or an error reply whose message is a TRACKER_ code.
 */
export const announceScript = new RedisScript(`${common}
local P, S, L, D, IDX, ST = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local ih, id, key, addr = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local seeder = ARGV[5] == '1'
local event = ARGV[6]
local numwant = tonumber(ARGV[7])
local now, exp, keyTtl = tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local maxSwarms, maxPeers = tonumber(ARGV[11]), tonumber(ARGV[12])
local withIds = ARGV[13] == '1'
local rand1, rand2 = tonumber(ARGV[14]), tonumber(ARGV[15])

purge(P, S, ST, 'seeders', now, 64)
purge(P, L, ST, 'leechers', now, 64)

local old = redis.call('HGET', P, id)
local member = addr .. id
local oldMember = member
local wasSeeder = false
local wasLeecher = false
local stranger = false
if old then
  oldMember = string.sub(old, 5) .. id
  wasSeeder = redis.call('ZSCORE', S, oldMember) ~= false
  wasLeecher = not wasSeeder
  -- Another client must not move a known peer to a new address unless it proves the same key
  -- (BEP 3 key): the announce is then answered but changes nothing.
  local oldKey = string.sub(old, 1, 4)
  if oldKey ~= key and oldMember ~= member and oldKey ~= '\\0\\0\\0\\0' then
    stranger = true
    seeder = wasSeeder
    member = oldMember
  end
end

if stranger then
  -- nothing to write
elseif event == 'stopped' then
  if old then
    redis.call('HDEL', P, id)
    if wasSeeder then redis.call('ZREM', S, oldMember); redis.call('HINCRBY', ST, 'seeders', -1)
    else redis.call('ZREM', L, oldMember); redis.call('HINCRBY', ST, 'leechers', -1) end
  end
else
  if not old then
    if redis.call('HLEN', P) >= maxPeers then
      return redis.error_reply('TRACKER_SWARM_FULL this swarm has reached its peer limit')
    end
    if redis.call('ZSCORE', IDX, ih) == false and redis.call('ZCARD', IDX) >= maxSwarms then
      return redis.error_reply('TRACKER_TOO_MANY_SWARMS the tracker has reached its swarm limit')
    end
  end
  if wasSeeder and (not seeder or oldMember ~= member) then redis.call('ZREM', S, oldMember) end
  if wasLeecher and (seeder or oldMember ~= member) then redis.call('ZREM', L, oldMember) end
  if seeder then
    redis.call('ZADD', S, exp, member)
    if wasLeecher then redis.call('HINCRBY', ST, 'leechers', -1) end
    if not wasSeeder then redis.call('HINCRBY', ST, 'seeders', 1) end
  else
    redis.call('ZADD', L, exp, member)
    if wasSeeder then redis.call('HINCRBY', ST, 'seeders', -1) end
    if not wasLeecher then redis.call('HINCRBY', ST, 'leechers', 1) end
  end
  if not old or oldMember ~= member or string.sub(old, 1, 4) ~= key then
    redis.call('HSET', P, id, key .. addr)
  end
  if event == 'completed' and seeder and not wasSeeder then redis.call('INCR', D) end
  -- GT only ever raises a swarm's expiry, and still adds a swarm that is not indexed yet.
  redis.call('ZADD', IDX, 'GT', exp, ih)
end

local nS = redis.call('ZCOUNT', S, '(' .. now, '+inf')
local nL = redis.call('ZCOUNT', L, '(' .. now, '+inf')
local done = tonumber(redis.call('GET', D) or '0')

if nS + nL == 0 then
  redis.call('DEL', P, S, L)
  redis.call('ZREM', IDX, ih)
  if done > 0 then redis.call('PEXPIRE', D, keyTtl) end
  return {0, 0, done, {}}
end
redis.call('PEXPIRE', P, keyTtl); redis.call('PEXPIRE', S, keyTtl); redis.call('PEXPIRE', L, keyTtl)
if done > 0 then redis.call('PEXPIRE', D, keyTtl) end

-- Random fair sample: draw from seeders and leechers in proportion to their sizes, never the
-- announcer, and no seeders for a seeding announcer (they have nothing to trade).
local ids = {}
if numwant > 0 and (event ~= 'stopped' or stranger) then
  local poolS = seeder and 0 or nS
  local poolL = nL
  local total = poolS + poolL
  local wantS, wantL
  if total <= numwant + 1 then
    wantS, wantL = poolS, poolL
  else
    wantS = math.floor(numwant * poolS / total + 0.5)
    wantL = numwant - wantS
    if wantL > poolL then wantS = wantS + (wantL - poolL); wantL = poolL end
    if wantS > poolS then wantL = wantL + (wantS - poolS); wantS = poolS end
  end
  -- A window of n+1 members (one may be the announcer) from a random rank, wrapping around: every
  -- peer has the same chance to be in a reply, and ZRANGE by rank costs O(log N + n), unlike
  -- ZRANDMEMBER with a count, which builds a dictionary of the whole set.
  local function take(Z, n, r)
    if n <= 0 then return end
    local size = redis.call('ZCARD', Z)
    local got
    if n + 1 >= size then
      got = redis.call('ZRANGE', Z, 0, -1)
    else
      local start = math.floor(r * size)
      got = redis.call('ZRANGE', Z, start, start + n)
      if start + n >= size then
        local more = redis.call('ZRANGE', Z, 0, start + n - size)
        for i = 1, #more do got[#got + 1] = more[i] end
      end
    end
    for i = 1, #got do
      if got[i] ~= member and #ids < numwant then ids[#ids + 1] = got[i] end
    end
  end
  take(S, wantS, rand1)
  take(L, wantL, rand2)
end

-- The sampled members go back as they are (address .. peer id); the tracker process splits them,
-- so this single-threaded server does no per-peer string work.
return {nS, nL, done, ids}
`);

/**
 * Sweeps swarms whose every peer has expired, and purges expired peers of the rest.
 * KEYS: swarms, stats. ARGV: prefix, now, limit.
 * Returns {swarmsFreed, peersRemoved}.
 */
export const sweepScript = new RedisScript(`${common}
local IDX, ST = KEYS[1], KEYS[2]
local prefix, now, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local dead = redis.call('ZRANGEBYSCORE', IDX, '-inf', now, 'LIMIT', 0, limit)
local removed = 0
for i = 1, #dead do
  local base = prefix .. '{' .. dead[i] .. '}:'
  local P, S, L = base .. 'p', base .. 's', base .. 'l'
  local nS, nL = redis.call('ZCARD', S), redis.call('ZCARD', L)
  if nS > 0 then redis.call('HINCRBY', ST, 'seeders', -nS) end
  if nL > 0 then redis.call('HINCRBY', ST, 'leechers', -nL) end
  removed = removed + nS + nL
  redis.call('DEL', P, S, L)
  redis.call('ZREM', IDX, dead[i])
end
-- With no swarm left the totals must be zero; this also heals counters after Redis itself expired
-- swarm keys while no tracker was running.
if redis.call('ZCARD', IDX) == 0 then redis.call('HSET', ST, 'seeders', 0, 'leechers', 0) end
return {#dead, removed}
`);
