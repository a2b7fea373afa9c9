// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sync"
	"time"
)

// The API allows 100 calls per second per account and action, counted by
// arrival. Each action has a budget of its own, and every provider process
// on a machine that uses the same access key and endpoint shares it (see
// fileStore); a budget also adapts to clients it cannot see, cutting its
// rate when the API throttles and climbing back along a cubic curve.

const (
	// budgetWindow is the one-second window the API counts in, widened by
	// a guard: the API counts arrivals, and a call written exactly one
	// second after another can arrive a few milliseconds early relative to
	// it (scheduling, network). Measured at max_qps 100: 2 of 200 calls
	// throttled without the guard, none with it, at 1.03x the floor.
	budgetWindow = time.Second + 20*time.Millisecond
	// Adaptive rate, as in AWS's adaptive retry mode: a throttle cuts the
	// rate to cubicBeta times what it was (wMax), and it climbs back as
	// cubicC*(t-K)^3 + wMax, reaching wMax after K seconds.
	cubicBeta = 0.7
	cubicC    = 0.4
	minRate   = 1.0
	// maxAhead drops reservations further in the future than any real one:
	// what a clock that jumped, or a damaged file, left behind.
	maxAhead = 2 * time.Minute
	// apiMaxQPS is the most the API allows any action, and so the highest
	// rate a budget shared by processes with different limits can hold.
	apiMaxQPS = 100
	// maxSent bounds the reservations one budget holds: a window's worth
	// at apiMaxQPS and the calls of every process waiting ahead of now.
	maxSent = 4096
	// maxLate is how long after its slot a call may still leave on it:
	// half the window's guard, so that a call woken this late and then
	// held up as long on its way still arrives within the guard.
	maxLate = 10 * time.Millisecond
)

// actionQPS holds the documented limits below the API's 100 per second,
// by action.
var actionQPS = map[string]float64{
	"GetAppToken": 50,
	// Every write action: 50 a second.
	ActionCreateConversation:  50,
	ActionModifyConversation:  50,
	ActionDestroyConversation: 50,
	ActionAddParticipants:     50,
	ActionModifyParticipants:  50,
	ActionRemoveParticipants:  50,
	ActionRegisterUsers:       50,
	ActionUpdateUsers:         50,
	ActionUnregisterUsers:     50,
	// The moderation writes (writes_moderation.go).
	ActionAddBlockParticipants:       50,
	ActionDeleteBlockParticipants:    50,
	ActionAddWhitelistParticipant:    50,
	ActionRemoveWhitelistParticipant: 50,
	ActionMarkConversation:           50,
}

// actionLimit is the most calls per second of action a client may send:
// maxQPS (which the provider keeps within the API's 100), or the action's
// documented limit when lower.
func actionLimit(maxQPS float64, action string) float64 {
	if l, ok := actionQPS[action]; ok {
		return min(maxQPS, l)
	}
	return maxQPS
}

// budgetState is one budget's shared state: the recent reservations and
// the adaptive rate. It is small, and holds no secret.
type budgetState struct {
	// Sent holds reservation times, each moved to when its call was really
	// written if that was later (Unix nanoseconds, ascending).
	Sent []int64 `json:"sent"`
	// WMax is the rate when the API last throttled, and CutAt when; CutAt
	// zero means the rate is the cap.
	WMax  float64 `json:"wmax,omitempty"`
	CutAt int64   `json:"cut_at,omitempty"`
}

// rate is the calls per second allowed at now, at most limit.
func (s *budgetState) rate(now time.Time, limit float64) float64 {
	if s.CutAt == 0 {
		return limit
	}
	t := max(0, now.Sub(time.Unix(0, s.CutAt)).Seconds())
	k := math.Cbrt(s.WMax * (1 - cubicBeta) / cubicC)
	d := t - k
	r := cubicC*d*d*d + s.WMax
	return min(limit, max(minRate, r))
}

// check reports what no budget could have written at now: the rules of
// reserve, moved and throttled (which every process sharing the state
// follows) keep each field within these bounds, so a state outside them
// is damaged, from a clock that jumped, or planted, and counts as empty.
func (s *budgetState) check(now time.Time) error {
	n := now.UnixNano()
	switch {
	case len(s.Sent) > maxSent:
		return fmt.Errorf("%d reservations, more than the %d a budget holds", len(s.Sent), maxSent)
	case s.CutAt < 0 || s.CutAt > n:
		return errors.New("a rate cut in the future")
	case s.CutAt == 0 && s.WMax != 0, s.CutAt != 0 && !(s.WMax > 0 && s.WMax <= apiMaxQPS):
		return fmt.Errorf("a rate of %v, outside (0, %d]", s.WMax, apiMaxQPS)
	}
	// A reservation is at most one window after the one before it (the
	// rate is never below minRate, so its spacing never exceeds a second),
	// and the first is at most one window ahead of now: the j-th slot
	// ahead of now is within j windows of it.
	ahead := slices.Sorted(slices.Values(slices.DeleteFunc(slices.Clone(s.Sent), func(v int64) bool { return v <= n })))
	for j, v := range ahead {
		if time.Duration(v-n) > time.Duration(j+1)*budgetWindow+time.Millisecond || time.Duration(v-n) > maxAhead {
			return fmt.Errorf("a reservation %v ahead, further than any real one", time.Duration(v-n))
		}
	}
	return nil
}

// tidy forgets what no rule can reach any more.
func (s *budgetState) tidy(now time.Time) {
	from, to := now.Add(-budgetWindow).UnixNano(), now.Add(maxAhead).UnixNano()
	s.Sent = slices.DeleteFunc(s.Sent, func(v int64) bool { return v < from || v > to })
	slices.Sort(s.Sent)
}

// reserve takes the next slot at or after now: no closer than 1/rate to
// the last one, and no more than rate calls in any budgetWindow.
func (s *budgetState) reserve(now time.Time, limit float64) time.Time {
	s.tidy(now)
	r := s.rate(now, limit)
	t := now.UnixNano()
	if n := len(s.Sent); n > 0 {
		t = max(t, s.Sent[n-1]+int64(float64(time.Second)/r))
	}
	if perWindow := max(1, int(math.Floor(r+1e-9))); len(s.Sent) >= perWindow {
		t = max(t, s.Sent[len(s.Sent)-perWindow]+int64(budgetWindow))
	}
	s.Sent = append(s.Sent, t)
	return time.Unix(0, t)
}

// moved records that the call reserved at reserved was written at wrote,
// or, with wrote zero, never sent.
func (s *budgetState) moved(reserved, wrote time.Time) {
	i := slices.Index(s.Sent, reserved.UnixNano())
	switch {
	case i < 0:
	case wrote.IsZero():
		s.Sent = slices.Delete(s.Sent, i, i+1)
	default:
		s.Sent[i] = wrote.UnixNano()
		slices.Sort(s.Sent)
	}
}

// throttled cuts the rate after the API throttled a call at now. The rate
// it cuts from is what this budget really sent in the last window, when
// that is less than its rate: the API's window was full with that many of
// ours in it, so the cut also holds the next calls back until enough of
// ours have left the window. Calls that left before the cut are answered
// after it: throttles within one window of a cut are the same event.
func (s *budgetState) throttled(now time.Time, limit float64) {
	if s.CutAt != 0 && now.Sub(time.Unix(0, s.CutAt)) < budgetWindow {
		return
	}
	r := s.rate(now, limit)
	from, to := now.Add(-budgetWindow).UnixNano(), now.UnixNano()
	ours := 0
	for _, v := range s.Sent {
		if v > from && v <= to {
			ours++
		}
	}
	if ours > 0 {
		r = min(r, float64(ours))
	}
	s.WMax = r
	s.CutAt = now.UnixNano()
	// Slots reserved ahead at the old rate are void: their calls take
	// new ones when they wake (see budget.wait).
	s.Sent = slices.DeleteFunc(s.Sent, func(v int64) bool { return v > to })
}

// handedOver takes over slots, the reservations a process had in a budget
// it shared with a fleet and can no longer see (Redis went away): those
// of the last window and those its calls still wait for, which go out as
// reserved. share is the rate the process had of the fleet's: below the
// limit, the rate starts as a throttle at the share would start it, since
// every other process of the fleet is losing sight of it too, and each
// starting at the limit would send the fleet's whole budget at once. A
// process that had the whole budget (alone on it) keeps its rate: cut, a
// process alone would fall to a fraction of its budget each time a flaky
// Redis failed. A cut within the last window (another process of this
// machine handed over, or a throttle) is the same event.
func (s *budgetState) handedOver(now time.Time, limit float64, slots []int64, share float64) {
	s.tidy(now)
	s.Sent = append(s.Sent, slots...)
	s.tidy(now)
	// The process's slots ahead are a few of a fleet's queue, possibly
	// seconds ahead: keep those check allows (the j-th ahead within j
	// windows), or the next reader would count the whole state as damaged.
	n, j := now.UnixNano(), 0
	s.Sent = slices.DeleteFunc(s.Sent, func(v int64) bool {
		if v <= n {
			return false
		}
		if time.Duration(v-n) > time.Duration(j+1)*budgetWindow {
			return true
		}
		j++
		return false
	})
	if share >= limit || share <= 0 || (s.CutAt != 0 && now.Sub(time.Unix(0, s.CutAt)) < budgetWindow) {
		return
	}
	s.WMax = max(minRate, share)
	s.CutAt = now.UnixNano()
}

// stateStore holds a budget's state: in memory (one process) or in a
// locked file (every process on the machine). A store that cannot use
// what it shares falls back to memory by itself, so update never fails.
// ctx bounds the wait for what it shares: when ctx ends first, fn is not
// run at all.
type stateStore interface {
	update(ctx context.Context, fn func(*budgetState))
}

type memoryStore struct {
	mu sync.Mutex
	st budgetState
}

func (m *memoryStore) update(_ context.Context, fn func(*budgetState)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fn(&m.st)
}

// slot is one reservation: when its call may leave, on the client's
// clock, and what the store that took it needs to find it again.
type slot struct {
	at time.Time
	// made is when the slot was taken, on the store's clock (Unix
	// nanoseconds locally, microseconds in Redis); id names it in Redis
	// ("" for a slot of a state store).
	made int64
	id   string
}

// slotStore takes and returns a budget's slots: stateSlots on a state in
// memory or in a file, or redisStore. It never fails: a store that cannot
// use what it shares paces the process by a store of its own.
type slotStore interface {
	// reserve takes the next slot; false when ctx ended first.
	reserve(ctx context.Context, limit float64) (slot, bool)
	// release gives back the slot of a call that was never sent.
	release(ctx context.Context, s slot)
	// wrote moves the slot of a call written late to when it was written.
	wrote(ctx context.Context, s slot, at time.Time)
	// voided gives back s and reports true when the rate was cut since s
	// was taken.
	voided(ctx context.Context, s slot) bool
	// throttled cuts the rate.
	throttled(ctx context.Context, limit float64)
}

// stateSlots is a slotStore on a stateStore. The time is read under the
// store's lock: a wait for the lock must not leave a slot in the past
// that the call then fills late.
type stateSlots struct {
	store stateStore
	clock Clock
}

func (m stateSlots) reserve(ctx context.Context, limit float64) (slot, bool) {
	var s slot
	m.store.update(ctx, func(st *budgetState) {
		now := m.clock.Now()
		s = slot{at: st.reserve(now, limit), made: now.UnixNano()}
	})
	return s, !s.at.IsZero()
}

func (m stateSlots) release(ctx context.Context, s slot) {
	m.store.update(ctx, func(st *budgetState) { st.moved(s.at, time.Time{}) })
}

func (m stateSlots) wrote(ctx context.Context, s slot, at time.Time) {
	m.store.update(ctx, func(st *budgetState) { st.moved(s.at, at) })
}

func (m stateSlots) voided(ctx context.Context, s slot) bool {
	void := false
	m.store.update(ctx, func(st *budgetState) {
		if st.CutAt > s.made {
			st.moved(s.at, time.Time{})
			void = true
		}
	})
	return void
}

func (m stateSlots) throttled(ctx context.Context, limit float64) {
	m.store.update(ctx, func(st *budgetState) { st.throttled(m.clock.Now(), limit) })
}

func (m stateSlots) handedOver(ctx context.Context, limit float64, slots []int64, share float64) {
	m.store.update(ctx, func(st *budgetState) { st.handedOver(m.clock.Now(), limit, slots, share) })
}

// sent returns the reservations of the last window and ahead, on the
// clock: what a budget handed back to Redis must count.
func (m stateSlots) sent(ctx context.Context) []int64 {
	var out []int64
	m.store.update(ctx, func(st *budgetState) {
		from := m.clock.Now().Add(-budgetWindow).UnixNano()
		for _, v := range st.Sent {
			if v >= from {
				out = append(out, v)
			}
		}
	})
	return out
}

// budget paces one action's calls.
type budget struct {
	limit float64
	store slotStore
	clock Clock
}

// wait blocks until the call may leave and returns its reservation. A
// slot reserved ahead is given up and taken again when the rate was cut
// while the call waited for it (slots taken at the old rate would all go
// out into an API that is already throttling), or when the call woke more
// than maxLate after it: the calls reserved after it are spaced from the
// slot, not from when it would leave, and a process frozen for a moment
// would send every call it held at once. That is done once per call: the
// new slot is behind every other process's, and on a machine whose every
// wake is late a call that kept taking new ones would never leave.
func (b *budget) wait(ctx context.Context) (slot, error) {
	retook := false
	for {
		if err := ctx.Err(); err != nil {
			return slot{}, err
		}
		s, ok := b.store.reserve(ctx, b.limit)
		if !ok { // the store gave up waiting: ctx ended
			return s, ctx.Err()
		}
		d := s.at.Sub(b.clock.Now())
		if d <= 0 {
			return s, nil
		}
		if err := b.clock.Sleep(ctx, d); err != nil {
			// Given back even though ctx ended (the store's own deadline
			// still bounds it).
			b.store.release(context.Background(), s)
			return s, err
		}
		// Late is measured at the wake, not after voided's round trip to
		// the store: a Redis 10 ms away is not a late wake.
		late := b.clock.Now().Sub(s.at) > maxLate
		if b.store.voided(ctx, s) {
			continue
		}
		if retook || !late {
			return s, nil
		}
		b.store.release(context.Background(), s)
		retook = true
	}
}

// wrote records that the call of slot s left at the current time; a call
// held up between its slot and its write pushes the next ones back.
func (b *budget) wrote(ctx context.Context, s slot) {
	if now := b.clock.Now(); now.Sub(s.at) > 2*time.Millisecond {
		b.store.wrote(ctx, s, now)
	}
}

// throttled cuts the budget's rate.
func (b *budget) throttled(ctx context.Context) {
	b.store.throttled(ctx, b.limit)
}

// budgetOf returns action's budget, made on first use: shared on the
// machine unless the scope is the process or the directory is unusable.
func (c *Client) budgetOf(action string) *budget {
	c.mu.Lock()
	defer c.mu.Unlock()
	if b := c.budgets[action]; b != nil {
		return b
	}
	name := budgetName(c.creds.AccessKeyID, c.endpoint.String(), action)
	note := func(err error) {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.budgetNotice.note(err.Error())
	}
	own := stateSlots{&memoryStore{}, c.clock}
	if c.budgetScope == ScopeMachine {
		dir, err := c.budgetDir, error(nil)
		if dir == "" {
			dir, err = DefaultBudgetDir()
		}
		if err != nil {
			c.budgetNotice.note(err.Error())
		} else {
			own = stateSlots{newFileStore(dir, name, c.clock, note), c.clock}
		}
	}
	b := &budget{limit: actionLimit(c.maxQPS, action) * c.budgetShare, store: own, clock: c.clock}
	if c.redis != nil {
		b.store = newRedisStore(c.redis, name, c.clock, own, func(reason string) {
			c.mu.Lock()
			defer c.mu.Unlock()
			c.redisNotice.note(reason)
		})
	}
	c.budgets[action] = b
	return b
}

// notice is a warning a client reports once: the first reason noted.
// The client's mu guards it.
type notice struct {
	text  string
	taken bool
}

func (n *notice) note(reason string) {
	if n.text == "" {
		n.text = printable(reason)
	}
}

func (n *notice) take() (string, bool) {
	if n.text == "" || n.taken {
		return "", false
	}
	n.taken = true
	return n.text, true
}

// TakeBudgetNotice returns, once per client, why the machine-wide request
// budget could not be used and this process paces itself alone.
func (c *Client) TakeBudgetNotice() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.budgetNotice.take()
}

// TakeRedisNotice returns, once per client, why the budget shared through
// Redis could not be used (the first time it could not) and this process
// paced itself by its own budget until Redis answered again.
func (c *Client) TakeRedisNotice() (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.redisNotice.take()
}
