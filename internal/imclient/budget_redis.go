// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"crypto/tls"
	_ "embed" // the scripts: budget_redis.lua
	"errors"
	"fmt"
	"net"
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
// with one warning, and Redis is tried again in the background.

const (
	// redisWait bounds one Redis operation on the path of a call,
	// connecting included: two API latencies (50 ms each), so a hung Redis
	// costs a call at most about one call's time, and that once (the
	// calls after it do not ask Redis). A healthy Redis answers a
	// reservation in 0.2 ms on loopback (99th percentile 0.4 ms) and in
	// about 1 ms within a zone, but a loaded runner stalls longer: at 50
	// ms, four terraform runs at once on two cores fell back from a healthy
	// Redis in one run of five. Envoy's global rate limit waits 20 ms for
	// a service beside it, on a core of its own.
	redisWait = 100 * time.Millisecond
	// redisProbeWait bounds connecting (TCP, TLS, AUTH) when Redis is tried
	// again in the background, off the path of any call.
	redisProbeWait = time.Second
	// redisRetryMin and redisRetryMax bound the backoff after a failure.
	// A Redis that fails again within redisRetryMax of coming back (one
	// that flaps) is tried again after twice the last backoff.
	redisRetryMin = time.Second
	redisRetryMax = 30 * time.Second
	// redisTTL expires a budget's keys once nobody uses them: longer than
	// the furthest reservation ahead (maxAhead) and any cut's recovery.
	redisTTL = 5 * time.Minute
	// redisProbeKey is what the background probe writes: a write, since a
	// full Redis answers reads (and the reservation script) but refuses
	// writes.
	redisProbeKey = "volcrtc:budget:probe"
)

// redisClient is one process's connection to the shared budget, with the
// health every action's budget shares: while down, no call asks Redis,
// and one goroutine tries it again in the background (recover).
type redisClient struct {
	rdb    *redis.Client
	addr   string // host:port, all an error may name
	secret string // the URL's password, scrubbed from any error

	mu      sync.Mutex
	down    bool          // Redis failed and has not answered a probe since
	backoff time.Duration // the wait before the next probe
	upAt    time.Time     // when Redis last answered a probe (wall clock)
	// kick, when sent to, ends the backoff at once (tests).
	kick chan struct{}
}

// newRedisClient checks rawURL and prepares a client; it connects on first
// use. Errors name the host and port at most.
func newRedisClient(rawURL string) (*redisClient, error) {
	opts, secret, err := redisOptions(rawURL)
	if err != nil {
		return nil, err
	}
	quietRedis.Do(func() { redis.SetLogger(silent{}) })
	return &redisClient{rdb: redis.NewClient(opts), addr: opts.Addr, secret: secret, kick: make(chan struct{}, 1)}, nil
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
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout = redisProbeWait, redisWait, redisWait
	opts.Dialer = redisDialer(opts.TLSConfig)
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

// redisDialer connects within the context's deadline, the TLS handshake
// included (go-redis's own dialer bounds a handshake by DialTimeout
// alone): a call's operation, or the background probe's longer wait.
func redisDialer(conf *tls.Config) func(context.Context, string, string) (net.Conn, error) {
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		d := &net.Dialer{Timeout: redisProbeWait}
		if conf == nil {
			return d.DialContext(ctx, network, addr)
		}
		return (&tls.Dialer{NetDialer: d, Config: conf}).DialContext(ctx, network, addr)
	}
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

// usable reports whether a call may ask Redis: not while it is down.
func (rc *redisClient) usable() bool {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return !rc.down
}

// failed marks Redis down after a failure and starts trying it again in
// the background. The backoff starts at redisRetryMin, or, for a Redis
// that failed again soon after it came back, at twice the last one.
func (rc *redisClient) failed() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.down {
		return
	}
	rc.down = true
	if rc.upAt.IsZero() || time.Since(rc.upAt) > redisRetryMax {
		rc.backoff = redisRetryMin
	} else {
		rc.backoff = min(2*rc.backoff, redisRetryMax)
	}
	go rc.recover(rc.backoff)
}

// recover probes Redis after each backoff until it answers, then lets the
// calls use it again. It runs on the wall clock: it paces no call.
func (rc *redisClient) recover(backoff time.Duration) {
	for {
		t := time.NewTimer(backoff)
		select {
		case <-t.C:
		case <-rc.kick:
			t.Stop()
		}
		err := rc.probe()
		rc.mu.Lock()
		if err == nil {
			rc.down, rc.upAt = false, time.Now()
			rc.mu.Unlock()
			return
		}
		backoff = min(2*backoff, redisRetryMax)
		rc.backoff = backoff
		rc.mu.Unlock()
	}
}

// probe reports whether Redis is usable again: it connects (within
// redisProbeWait, off the path of any call), then must answer a write
// within the bound of a call's operation.
func (rc *redisClient) probe() error {
	ctx, cancel := context.WithTimeout(context.Background(), redisProbeWait)
	err := rc.rdb.Ping(ctx).Err()
	cancel()
	if err != nil {
		return err
	}
	ctx, cancel = context.WithTimeout(context.Background(), redisWait)
	defer cancel()
	v, err := probeScript.Run(ctx, rc.rdb, []string{redisProbeKey}, "volcrtc").Result()
	if err == nil && v != "volcrtc" {
		err = fmt.Errorf("it answered %v to the probe", v)
	}
	return err
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
	// share is the rate this process had of the fleet's budget at its last
	// reservation from Redis, which handOver starts the own budget from.
	share float64
	// away is true once the own budget paced a call: the next reservation
	// from Redis hands its slots back.
	away bool
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
		r.rc.failed()
		r.note(fmt.Sprintf("Redis at %s: %s", r.rc.addr, scrub(err.Error(), r.rc.secret)))
		return nil, err
	}
	return out, nil
}

func (r *redisStore) reserve(ctx context.Context, limit float64) (slot, bool) {
	if r.rc.usable() {
		back, backAt, away := r.handBack(ctx)
		out, err := r.run(ctx, reserveScript, limit, back...)
		if err == nil {
			rep, ok := reserveReply(out)
			if ok {
				if rep.dropped {
					r.poisoned()
				}
				s := slot{at: r.clock.Now().Add(time.Duration(rep.at-rep.now) * time.Microsecond), made: rep.now, id: rep.id}
				r.took(s.at, rep.n, rep.rate, backAt, away)
				return s, true
			}
			r.rc.failed()
			r.note(fmt.Sprintf("Redis at %s answered %d values that are not a reservation", r.rc.addr, len(out)))
		} else if ctx.Err() != nil {
			return slot{}, false
		}
	}
	r.handOver(limit)
	return r.own.reserve(ctx, limit)
}

// poisoned notes that Redis held values no budget writes, which the
// script dropped: reservations further ahead than a fleet makes stall
// every process of it, and someone who can write to Redis may plant them.
func (r *redisStore) poisoned() {
	r.note(fmt.Sprintf("Redis at %s held reservations or a rate that no provider writes (planted by someone who "+
		"can write to it, or left by a clock that jumped); they were ignored", r.rc.addr))
}

// handBack returns, after the own budget paced calls, its reservations of
// the last window and ahead: as the reserve script takes them
// (microseconds from now) and as times. Redis counts them before its next
// slot, or a process back on Redis could send a second window's worth
// into the API's one; and they are this process's slots in Redis.
func (r *redisStore) handBack(ctx context.Context) (out []any, at []time.Time, away bool) {
	r.mu.Lock()
	away = r.away
	r.mu.Unlock()
	if !away {
		return nil, nil, false
	}
	now := r.clock.Now()
	for _, v := range r.own.sent(ctx) {
		t := time.Unix(0, v)
		out = append(out, t.Sub(now).Microseconds())
		at = append(at, t)
	}
	return out, at, true
}

// took keeps the slot at among the last window's, which handOver takes
// over, and the process's share of the fleet's budget: the rate Redis
// reserved at, times the part of the fleet's n reservations (of the last
// window and ahead) that are this process's. One slot of slack: the
// process's window and Redis's start a round trip apart, and a process
// alone on the budget must not count itself a part of it. back holds the
// own budget's slots, handed back with this reservation: the process is on
// Redis again, and they count as its own (else a process alone, back from
// a fallback, would count itself a sliver of the fleet and fall back the
// next time at a fraction of its rate).
func (r *redisStore) took(at time.Time, n int64, rate float64, back []time.Time, handed bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	from := r.clock.Now().Add(-budgetWindow) // not at's: a fleet's queue may run seconds ahead
	r.recent = append(r.recent, back...)
	r.recent = append(slices.DeleteFunc(r.recent, func(v time.Time) bool { return v.Before(from) }), at)
	r.share = rate * min(1, float64(len(r.recent)+1)/float64(max(1, n)))
	if handed {
		r.away = false
	}
}

// forget drops a slot given back to Redis from the last window's.
func (r *redisStore) forget(at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recent = slices.DeleteFunc(r.recent, func(v time.Time) bool { return v.Equal(at) })
}

// handOver gives the own budget, the first time it is used after Redis,
// this process's slots from Redis of the last window and ahead and its
// share of the fleet's rate (see budgetState.handedOver).
func (r *redisStore) handOver(limit float64) {
	from := r.clock.Now().Add(-budgetWindow)
	r.mu.Lock()
	var slots []int64
	for _, v := range r.recent {
		if v.After(from) {
			slots = append(slots, v.UnixNano())
		}
	}
	share := r.share
	r.recent, r.away = nil, true
	r.mu.Unlock()
	if len(slots) > 0 {
		// Even when ctx has ended: recent is cleared, and the store's own
		// deadline bounds the wait.
		r.own.handedOver(context.Background(), limit, slots, share)
	}
}

// reservation is the reserve script's answer.
type reservation struct {
	at, now int64 // Redis microseconds
	id      string
	dropped bool    // Redis held values no budget writes, and dropped them
	n       int64   // reservations of the last window and ahead
	rate    float64 // calls per second reserved at
}

// reserveReply reads {at, now, id, dropped, n, rate in millionths}.
func reserveReply(out []any) (reservation, bool) {
	var rep reservation
	if len(out) != 6 {
		return rep, false
	}
	at, ok1 := out[0].(int64)
	now, ok2 := out[1].(int64)
	id, ok3 := out[2].(string)
	dropped, ok4 := out[3].(int64)
	n, ok5 := out[4].(int64)
	rate, ok6 := out[5].(int64)
	rep = reservation{at: at, now: now, id: id, dropped: dropped == 1, n: n, rate: float64(rate) / 1e6}
	// A reservation no budget makes: before now, or beyond maxAhead.
	ok := ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && now > 0 && at >= now && at-now <= int64(maxAhead/time.Microsecond) &&
		id != "" && n > 0 && rate > 0
	return rep, ok
}

func (r *redisStore) release(ctx context.Context, s slot) {
	if s.id == "" {
		r.own.release(ctx, s)
		return
	}
	r.forget(s.at)
	if r.rc.usable() {
		_, _ = r.run(ctx, releaseScript, 0, s.id)
	}
}

func (r *redisStore) wrote(ctx context.Context, s slot, at time.Time) {
	if s.id == "" {
		r.own.wrote(ctx, s, at)
		return
	}
	if r.rc.usable() {
		// Redis puts it as long before its own now as it was before ours.
		_, _ = r.run(ctx, wroteScript, 0, s.id, max(0, r.clock.Now().Sub(at).Microseconds()))
	}
}

func (r *redisStore) voided(ctx context.Context, s slot) bool {
	if s.id == "" {
		return r.own.voided(ctx, s)
	}
	if !r.rc.usable() {
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
	if r.rc.usable() {
		if out, err := r.run(ctx, throttledScript, limit); err == nil {
			if len(out) == 2 && out[1] == int64(1) {
				r.poisoned()
			}
			return
		}
	}
	// A throttle may be the first the own budget hears after Redis: it
	// cuts from the share handed over, not from an empty window.
	r.handOver(limit)
	r.own.throttled(ctx, limit)
}

// budgetRedisLua holds every script of the budget in Redis, each under
// its "--@name" line; a name that ends in "+" starts with the prelude.
//
//go:embed budget_redis.lua
var budgetRedisLua string

var (
	probeScript     = redisScript("probe")
	reserveScript   = redisScript("reserve+")
	releaseScript   = redisScript("release")
	wroteScript     = redisScript("wrote+")
	voidedScript    = redisScript("voided")
	throttledScript = redisScript("throttled+")
)

// redisScript is the script named name in budgetRedisLua (a name it lacks
// is a bug: every one is loaded when the package is).
func redisScript(name string) *redis.Script {
	sections := map[string]string{}
	for _, part := range strings.Split(budgetRedisLua, "\n--@")[1:] {
		head, body, _ := strings.Cut(part, "\n")
		sections[head] = body
	}
	body, ok := sections[name]
	if !ok {
		panic("budget_redis.lua has no script " + name)
	}
	if strings.HasSuffix(name, "+") {
		body = sections["prelude"] + body
	}
	return redis.NewScript(body)
}

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
