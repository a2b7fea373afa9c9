// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// A budget shared through Redis: every process, on any machine, that uses
// the same access key, endpoint and Redis takes its slots from one sorted
// set of reservations per action, with the adaptive rate in a hash beside
// it. Each operation is one Lua script, atomic in Redis and on Redis's
// clock (TIME), never the machines' (their clocks differ); the rules are
// budgetState's, in microseconds. A Redis that cannot be used makes the
// process pace itself by its own budget (the machine's, or the process's)
// with one warning, and Redis is tried again after a backoff.

const (
	// redisWait bounds one Redis operation, connecting included: well under
	// the API's one-second window, so a slow Redis delays no call much.
	redisWait = 250 * time.Millisecond
	// redisRetryMin and redisRetryMax bound the backoff after a failure.
	redisRetryMin = time.Second
	redisRetryMax = 30 * time.Second
	// redisTTL expires a budget's keys once nobody uses them: longer than
	// the furthest reservation ahead (maxAhead) and any cut's recovery.
	redisTTL = 5 * time.Minute
)

// redisClient is one process's connection to the shared budget, with the
// backoff state every action's budget shares.
type redisClient struct {
	rdb    *redis.Client
	addr   string // host:port, all an error may name
	secret string // the URL's password, scrubbed from any error

	mu      sync.Mutex
	until   time.Time // Redis is not tried before
	backoff time.Duration
	probing bool // a call is trying Redis again
}

// newRedisClient checks rawURL and prepares a client; it connects on first
// use. Errors name the host and port at most.
func newRedisClient(rawURL string) (*redisClient, error) {
	opts, secret, err := redisOptions(rawURL)
	if err != nil {
		return nil, err
	}
	quietRedis.Do(func() { redis.SetLogger(silent{}) })
	return &redisClient{rdb: redis.NewClient(opts), addr: opts.Addr, secret: secret}, nil
}

// go-redis logs pool events to stderr, which Terraform keeps in its logs;
// the budget reports what matters itself, through its one warning.
var quietRedis sync.Once

type silent struct{}

func (silent) Printf(context.Context, string, ...any) {}

func redisOptions(rawURL string) (*redis.Options, string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "redis" && u.Scheme != "rediss") || u.Host == "" {
		return nil, "", errors.New("the budget's Redis URL must be redis://[user:password@]host:port[/db], or rediss://... for TLS")
	}
	secret, _ := u.User.Password()
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, "", fmt.Errorf("the budget's Redis URL for %s: %s", u.Host, scrub(err.Error(), rawURL, secret))
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = redisWait, redisWait, redisWait
	opts.ContextTimeoutEnabled = true
	opts.MaxRetries = -1 // the budget falls back instead
	// One dial per attempt, and no wait for a connection beyond one
	// operation's bound (go-redis retries dials five times by default).
	opts.DialerRetries, opts.PoolTimeout = 1, redisWait
	opts.Protocol = 2
	opts.DisableIdentity = true
	opts.PoolSize = DefaultConcurrency
	return opts, secret, nil
}

// scrub removes secrets from an error message.
func scrub(msg string, secrets ...string) string {
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "***")
		}
	}
	return printable(msg)
}

// usable reports whether Redis may be tried at now: always while it
// works; after a failure, once the backoff has passed, by one call alone
// (the probe), the others pacing by their own budget until it answers.
func (rc *redisClient) usable(now time.Time) bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	switch {
	case rc.backoff == 0:
		return true
	case rc.probing || now.Before(rc.until):
		return false
	}
	rc.probing = true
	return true
}

// failed backs off after a failure at now.
func (rc *redisClient) failed(now time.Time) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.backoff = min(max(redisRetryMin, 2*rc.backoff), redisRetryMax)
	rc.until, rc.probing = now.Add(rc.backoff), false
}

func (rc *redisClient) worked() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.backoff, rc.until, rc.probing = 0, time.Time{}, false
}

// redisStore is a budget's slotStore in Redis, with own for when Redis
// cannot be used.
type redisStore struct {
	rc    *redisClient
	keys  []string
	clock Clock
	own   stateSlots
	note  func(reason string) // once Redis could not be used

	mu     sync.Mutex
	recent []time.Time // this process's slots from Redis, on its clock
}

func newRedisStore(rc *redisClient, name string, clock Clock, own stateSlots, note func(string)) *redisStore {
	// One hash tag: both keys of a budget live on one node of a cluster.
	base := "volcrtc:budget:{" + name + "}"
	return &redisStore{rc: rc, keys: []string{base + ":sent", base + ":rate"}, clock: clock, own: own, note: note}
}

// run runs script with the shared arguments and then args; an error other
// than ctx's own marks Redis unusable for a while, with the one warning.
func (r *redisStore) run(ctx context.Context, script *redis.Script, limit float64, args ...any) ([]any, error) {
	ctx, cancel := context.WithTimeout(ctx, redisWait)
	defer cancel()
	argv := append([]any{
		int64(budgetWindow / time.Microsecond), cubicBeta, cubicC, minRate, int64(maxAhead / time.Microsecond),
		maxSent, redisTTL.Milliseconds(), apiMaxQPS, limit,
	}, args...)
	v, err := script.Run(ctx, r.rc.rdb, r.keys, argv...).Result()
	var out []any
	if err == nil {
		var ok bool
		if out, ok = v.([]any); !ok {
			err = fmt.Errorf("it answered %T instead of the script's list", v)
		}
	}
	if err != nil {
		if ctx.Err() != nil && errors.Is(err, context.Canceled) {
			return nil, err // the call ended, Redis did nothing wrong
		}
		r.rc.failed(r.clock.Now())
		r.note(fmt.Sprintf("Redis at %s: %s", r.rc.addr, scrub(err.Error(), r.rc.secret)))
		return nil, err
	}
	r.rc.worked()
	return out, nil
}

func (r *redisStore) reserve(ctx context.Context, limit float64) (slot, bool) {
	if r.rc.usable(r.clock.Now()) {
		out, err := r.run(ctx, reserveScript, limit)
		if err == nil {
			at, now, id, ok := reserveReply(out)
			if ok {
				s := slot{at: r.clock.Now().Add(time.Duration(at-now) * time.Microsecond), made: now, id: id}
				r.took(s.at)
				return s, true
			}
			r.rc.failed(r.clock.Now())
			r.note(fmt.Sprintf("Redis at %s answered %d values that are not a reservation", r.rc.addr, len(out)))
		} else if ctx.Err() != nil {
			return slot{}, false
		}
	}
	r.handOver(limit)
	return r.own.reserve(ctx, limit)
}

// took keeps the slot at among the last window's, which handOver takes
// over.
func (r *redisStore) took(at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	from := r.clock.Now().Add(-budgetWindow) // not at's: a fleet's queue may run seconds ahead
	r.recent = append(slices.DeleteFunc(r.recent, func(v time.Time) bool { return v.Before(from) }), at)
}

// forget drops a slot given back to Redis from the last window's.
func (r *redisStore) forget(at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recent = slices.DeleteFunc(r.recent, func(v time.Time) bool { return v.Equal(at) })
}

// handOver gives the own budget, the first time it is used after Redis,
// this process's slots from Redis of the last window and ahead (see
// budgetState.handedOver).
func (r *redisStore) handOver(limit float64) {
	from := r.clock.Now().Add(-budgetWindow)
	r.mu.Lock()
	var slots []int64
	for _, v := range r.recent {
		if v.After(from) {
			slots = append(slots, v.UnixNano())
		}
	}
	r.recent = nil
	r.mu.Unlock()
	if len(slots) > 0 {
		// Even when ctx has ended: recent is cleared, and the store's own
		// deadline bounds the wait.
		r.own.handedOver(context.Background(), limit, slots)
	}
}

// reserveReply reads {at, now, id}: times in Redis microseconds.
func reserveReply(out []any) (at, now int64, id string, ok bool) {
	if len(out) != 3 {
		return 0, 0, "", false
	}
	at, ok1 := out[0].(int64)
	now, ok2 := out[1].(int64)
	id, ok3 := out[2].(string)
	// A reservation no budget makes: before now, or beyond maxAhead.
	ok = ok1 && ok2 && ok3 && now > 0 && at >= now && at-now <= int64(maxAhead/time.Microsecond) && id != ""
	return at, now, id, ok
}

func (r *redisStore) release(ctx context.Context, s slot) {
	if s.id == "" {
		r.own.release(ctx, s)
		return
	}
	r.forget(s.at)
	if r.rc.usable(r.clock.Now()) {
		_, _ = r.run(ctx, releaseScript, 0, s.id)
	}
}

func (r *redisStore) wrote(ctx context.Context, s slot, at time.Time) {
	if s.id == "" {
		r.own.wrote(ctx, s, at)
		return
	}
	if r.rc.usable(r.clock.Now()) {
		// Redis puts it as long before its own now as it was before ours.
		_, _ = r.run(ctx, wroteScript, 0, s.id, max(0, r.clock.Now().Sub(at).Microseconds()))
	}
}

func (r *redisStore) voided(ctx context.Context, s slot) bool {
	if s.id == "" {
		return r.own.voided(ctx, s)
	}
	if !r.rc.usable(r.clock.Now()) {
		return false
	}
	out, err := r.run(ctx, voidedScript, 0, s.id, s.made)
	void := err == nil && len(out) == 1 && out[0] == int64(1)
	if void {
		r.forget(s.at)
	}
	return void
}

func (r *redisStore) throttled(ctx context.Context, limit float64) {
	if r.rc.usable(r.clock.Now()) {
		if _, err := r.run(ctx, throttledScript, limit); err == nil {
			return
		}
	}
	// A throttle may be the first the own budget hears after Redis: it
	// cuts from the share handed over, not from an empty window.
	r.handOver(limit)
	r.own.throttled(ctx, limit)
}

// redisPrelude is the start of every script: the arguments, Redis's now,
// and state(), which forgets reservations no rule can reach and deletes a
// budget with values none writes (as budgetState.check), and rate(), the
// cubic recovery. Numbers sent back to Redis are formatted by hand: Lua
// would print them with 14 digits, and microseconds since 1970 have 16.
const redisPrelude = `
local window, beta, cc, minrate = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local maxahead, maxsent, ttl, apimax = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local limit = tonumber(ARGV[9])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local function f(x) return string.format('%.0f', x) end
local function state()
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. f(now - window))
  local h = redis.call('HMGET', KEYS[2], 'wmax', 'cut')
  local wmax, cut = tonumber(h[1]), tonumber(h[2])
  local bad = (cut == nil and wmax ~= nil) or
    (cut ~= nil and (cut > now or cut < 0 or wmax == nil or wmax <= 0 or wmax > apimax))
  local n = redis.call('ZCARD', KEYS[1])
  if n > maxsent then bad = true end
  if not bad and n > 0 then
    local last = tonumber(redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')[2])
    local ahead = redis.call('ZCOUNT', KEYS[1], '(' .. f(now), '+inf')
    if last == nil or last - now > math.min(maxahead, ahead * window + 1000) then bad = true end
  end
  if bad then
    redis.call('DEL', KEYS[1], KEYS[2])
    return nil, nil, 0
  end
  return wmax, cut, n
end
local function rate(wmax, cut)
  if cut == nil then return limit end
  local d = math.max(0, (now - cut) / 1e6) - (wmax * (1 - beta) / cc) ^ (1 / 3)
  return math.min(limit, math.max(minrate, cc * d * d * d + wmax))
end
local function keep()
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
end
`

// reserveScript takes the first slot no closer than 1/rate to the last
// and with no more than rate slots in any window; it returns {at, now,
// id}.
var reserveScript = redis.NewScript(redisPrelude + `
local wmax, cut, n = state()
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
return {at, now, id}
`)

// releaseScript gives back slot ARGV[10].
var releaseScript = redis.NewScript(`
return {redis.call('ZREM', KEYS[1], ARGV[10])}
`)

// wroteScript moves slot ARGV[10], written ARGV[11] microseconds ago, to
// then if that is later.
var wroteScript = redis.NewScript(redisPrelude + `
local old = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[10]))
local at = now - tonumber(ARGV[11])
if old ~= nil and at > old then
  redis.call('ZADD', KEYS[1], f(at), ARGV[10])
  keep()
end
return {1}
`)

// voidedScript gives back slot ARGV[10], taken at ARGV[11], and returns
// {1} when the rate was cut since.
var voidedScript = redis.NewScript(`
local cut = tonumber(redis.call('HGET', KEYS[2], 'cut'))
if cut ~= nil and cut > tonumber(ARGV[11]) then
  redis.call('ZREM', KEYS[1], ARGV[10])
  return {1}
end
return {0}
`)

// throttledScript cuts the rate to what this budget sent in the last
// window when that is less, and voids the slots ahead (budgetState's
// throttled); throttles within a window of a cut are the same event.
var throttledScript = redis.NewScript(redisPrelude + `
local wmax, cut, n = state()
if cut ~= nil and now - cut < window then return {0} end
local r = rate(wmax, cut)
local ours = redis.call('ZCOUNT', KEYS[1], '(' .. f(now - window), f(now))
if ours > 0 then r = math.min(r, ours) end
redis.call('HSET', KEYS[2], 'wmax', string.format('%.6f', r), 'cut', f(now))
redis.call('ZREMRANGEBYSCORE', KEYS[1], '(' .. f(now), '+inf')
keep()
return {1}
`)

// CheckRedisURL reports what is wrong with a budget's Redis URL, naming
// its host at most.
func CheckRedisURL(rawURL string) error {
	_, _, err := redisOptions(rawURL)
	return err
}

// RedisSecrets returns what of a Redis URL must never be logged: the URL
// itself and its password.
func RedisSecrets(rawURL string) []string {
	if rawURL == "" {
		return nil
	}
	out := []string{rawURL}
	if u, err := url.Parse(rawURL); err == nil {
		if p, ok := u.User.Password(); ok && p != "" {
			out = append(out, p)
		}
	}
	return out
}
