// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock that only sleeping moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f.add(d)
	return nil
}

func (f *fakeClock) add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(max(0, d))
}

func fakeBudget(limit float64, clock Clock) *budget {
	return &budget{limit: limit, store: stateSlots{&memoryStore{}, clock}, clock: clock}
}

// cancelingClock ends a call's context while it sleeps, as Ctrl-C does.
type cancelingClock struct {
	*fakeClock
	cancel context.CancelFunc
}

func (c cancelingClock) Sleep(ctx context.Context, _ time.Duration) error {
	c.cancel()
	return ctx.Err()
}

// sentOf returns the reservations a budget's store holds.
func sentOf(b *budget) []int64 {
	var sent []int64
	if ss, ok := b.store.(stateSlots); ok {
		ss.store.update(context.Background(), func(s *budgetState) { sent = slices.Clone(s.Sent) })
	}
	return sent
}

// The budget never lets more than its limit go out within one window, and
// a call written late pushes the next ones back.
func TestBudgetWindow(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	start := clock.Now()
	b := fakeBudget(3, clock)
	var sends []time.Duration
	send := func(writeDelay time.Duration) {
		t.Helper()
		at, err := b.wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		sends = append(sends, clock.Now().Sub(start))
		clock.add(writeDelay)
		b.wrote(context.Background(), at)
	}
	send(0)
	send(0)
	send(400 * time.Millisecond) // held up: written at 2/3 s + 0.4 s
	send(0)                      // a third of a second after that write
	send(0)                      // spaced again
	send(0)                      // one window after the late write
	third := 2*time.Second/3 + 400*time.Millisecond
	want := []time.Duration{0, time.Second / 3, 2 * time.Second / 3, third + time.Second/3, third + 2*time.Second/3, third + budgetWindow}
	for i := range want {
		if d := sends[i] - want[i]; d < -time.Millisecond || d > time.Millisecond {
			t.Fatalf("sends at %v, want %v", sends, want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	b.clock = cancelingClock{clock, cancel}
	at, err := b.wait(ctx)
	if !errors.Is(err, context.Canceled) || at.at.IsZero() {
		t.Fatalf("wait on a full window, canceled while it slept: %v %v", at, err)
	}
	// The canceled call's slot is given back.
	after := sentOf(b)
	if slices.Contains(after, at.at.UnixNano()) || len(after) < 3 {
		t.Fatalf("reservations %v after a canceled wait at %v", after, at.at.UnixNano())
	}
}

// A throttle cuts the rate to 0.7 of what it was; it climbs back along a
// cubic curve to that rate after K seconds, then on to the cap. Throttles
// within one window of a cut are the same event.
func TestAdaptiveRate(t *testing.T) {
	now := time.Unix(1000, 0)
	var s budgetState
	if r := s.rate(now, 100); r != 100 {
		t.Fatalf("rate %v before any throttle", r)
	}
	s.throttled(now, 100)
	if r := s.rate(now, 100); math.Abs(r-70) > 1e-9 {
		t.Fatalf("rate %v right after a throttle, want 70", r)
	}
	s.throttled(now.Add(500*time.Millisecond), 100)
	if r := s.rate(now, 100); math.Abs(r-70) > 1e-9 {
		t.Fatalf("rate %v after a second throttle of the same burst", r)
	}
	k := time.Duration(math.Cbrt(100*0.3/0.4) * float64(time.Second))
	prev := 0.0
	for d := time.Duration(0); d <= 3*k; d += 100 * time.Millisecond {
		r := s.rate(now.Add(d), 100)
		if r < prev-1e-9 {
			t.Fatalf("rate fell from %v to %v at %v", prev, r, d)
		}
		prev = r
	}
	if r := s.rate(now.Add(k), 100); math.Abs(r-100) > 1e-6 {
		t.Fatalf("rate %v after K = %v, want back at 100", r, k)
	}
	// A second throttle at 80 cuts to 56.
	later := now.Add(k / 2)
	r := s.rate(later, 100)
	s.throttled(later, 100)
	if got := s.rate(later, 100); math.Abs(got-0.7*r) > 1e-9 {
		t.Fatalf("rate %v after a throttle at %v", got, r)
	}
	// Throttled every window, it settles low, never below one a second.
	for i := 0; i < 50; i++ {
		later = later.Add(budgetWindow)
		s.throttled(later, 100)
	}
	if r := s.rate(later, 100); r < minRate || r > 10 {
		t.Fatalf("rate %v after a throttle every window", r)
	}
}

// Each action has its own budget, capped by max_qps or by the action's
// documented limit when lower.
func TestActionLimits(t *testing.T) {
	if got := actionLimit(100, "GetAppToken"); got != 50 {
		t.Fatalf("GetAppToken limit %v", got)
	}
	if got := actionLimit(30, "GetAppToken"); got != 30 {
		t.Fatalf("GetAppToken limit under max_qps 30: %v", got)
	}
	if got := actionLimit(100, ActionScanParticipants); got != 100 {
		t.Fatalf("scan limit %v", got)
	}
	c := newTestClient(t, "http://127.0.0.1:1/", func(c *Config) { c.MaxQPS = 90; c.BudgetScope = ScopeProcess })
	if a, b := c.budgetOf(ActionScanParticipants), c.budgetOf(ActionUserCount); a == b || a.limit != 90 || b.limit != 90 {
		t.Fatalf("budgets %p %p, limits %v %v", a, b, a.limit, b.limit)
	}
}

// A budget file that is damaged, from a clock that ran ahead, or old,
// slows nobody down.
func TestBudgetStaleFile(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	for name, content := range map[string]string{
		"damaged":      `{"sent":[1,2,`,
		"ahead":        fmt.Sprintf(`{"sent":[%d,%d,%d]}`, now.Add(time.Hour).UnixNano(), now.Add(time.Hour+time.Second).UnixNano(), now.Add(2*time.Hour).UnixNano()),
		"old":          fmt.Sprintf(`{"sent":[%d],"wmax":100,"cut_at":%d}`, now.Add(-time.Hour).UnixNano(), now.Add(-time.Hour).UnixNano()),
		"other format": `[1,2,3]`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "b.json"), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			var failed error
			clock := &fakeClock{now: now}
			b := &budget{limit: 2, store: stateSlots{newFileStore(dir, "b", clock, func(err error) { failed = err }), clock}, clock: clock}
			start := clock.Now()
			if _, err := b.wait(context.Background()); err != nil || failed != nil {
				t.Fatalf("wait: %v, store failed: %v", err, failed)
			}
			if d := clock.Now().Sub(start); d != 0 {
				t.Fatalf("the first call waited %v", d)
			}
		})
	}
}

// A directory that cannot be used falls back to the process's own budget
// and says why, once.
func TestBudgetUnusableDirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "not-a-directory")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	c := newTestClient(t, "http://127.0.0.1:1/", func(c *Config) {
		c.BudgetScope, c.BudgetDir = ScopeMachine, filepath.Join(file, "budget")
	})
	b := c.budgetOf(ActionScanParticipants)
	for i := 0; i < 3; i++ {
		if _, err := b.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	notice, ok := c.TakeBudgetNotice()
	if !ok || !strings.Contains(notice, "not-a-directory") {
		t.Fatalf("notice %q %v", notice, ok)
	}
	if _, again := c.TakeBudgetNotice(); again {
		t.Fatal("the notice came twice")
	}
	if n := len(sentOf(b)); n != 3 {
		t.Fatalf("%d reservations in the fallback budget, want 3", n)
	}
}

// The budget file names no secret: a hash of the key and endpoint, and
// the action.
func TestBudgetNameHoldsNoSecret(t *testing.T) {
	name := budgetName("AKLTSECRETISH", "https://rtc.volcengineapi.com/", "GetAppToken")
	if strings.Contains(name, "AKLT") || strings.Contains(name, "volcengine") || !strings.HasSuffix(name, "-GetAppToken") {
		t.Fatalf("name %q", name)
	}
	if name == budgetName("AKLTOTHER", "https://rtc.volcengineapi.com/", "GetAppToken") {
		t.Fatal("two keys share a budget")
	}
}

// Several processes on one budget file, started together: together they
// never exceed the limit in any window, and each sends all its calls. How
// fast they do is measured by make bench (the machine's budget), not here:
// a loaded machine starts and schedules processes late.
func TestBudgetSharedAcrossProcesses(t *testing.T) {
	if dir := os.Getenv("VOLCRTC_BUDGET_HELPER_DIR"); dir != "" {
		budgetHelper(dir)
		return
	}
	const procs, calls, limit = 3, 20, 20
	dir := t.TempDir()
	cmds := make([]*exec.Cmd, procs)
	outs := make([]*strings.Builder, procs)
	starts := make([]io.WriteCloser, procs)
	var err error
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestBudgetSharedAcrossProcesses$", "-test.count=1")
		cmds[i].Env = append(os.Environ(), "VOLCRTC_BUDGET_HELPER_DIR="+dir,
			"VOLCRTC_BUDGET_HELPER_CALLS="+strconv.Itoa(calls), "VOLCRTC_BUDGET_HELPER_LIMIT="+strconv.Itoa(limit))
		outs[i] = &strings.Builder{}
		cmds[i].Stdout = outs[i]
		if starts[i], err = cmds[i].StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range starts { // each helper waits for its stdin to close
		_ = w.Close()
	}
	var all []int64
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper %d: %v\n%s", i, err, outs[i])
		}
		got := 0
		sc := bufio.NewScanner(strings.NewReader(outs[i].String()))
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "sent "); ok {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil {
					t.Fatal(err)
				}
				all = append(all, n)
				got++
			}
		}
		if got != calls {
			t.Fatalf("helper %d sent %d calls:\n%s", i, got, outs[i])
		}
	}
	slices.Sort(all)
	for i := limit; i < len(all); i++ {
		if gap := time.Duration(all[i] - all[i-limit]); gap < time.Second {
			t.Fatalf("%d calls within %v: the processes did not share one budget", limit+1, gap)
		}
	}
}

// budgetHelper takes slots of the shared budget in dir and prints when.
func budgetHelper(dir string) {
	calls, _ := strconv.Atoi(os.Getenv("VOLCRTC_BUDGET_HELPER_CALLS"))
	limit, _ := strconv.Atoi(os.Getenv("VOLCRTC_BUDGET_HELPER_LIMIT"))
	_, _ = io.Copy(io.Discard, os.Stdin) // until every helper has started
	b := &budget{limit: float64(limit), store: stateSlots{newFileStore(dir, "shared", RealClock{}, func(err error) {
		fmt.Println("failed", err)
		os.Exit(1)
	}), RealClock{}}, clock: RealClock{}}
	for i := 0; i < calls; i++ {
		at, err := b.wait(context.Background())
		if err != nil {
			fmt.Println("failed", err)
			os.Exit(1)
		}
		now := time.Now()
		b.wrote(context.Background(), at)
		fmt.Println("sent", now.UnixNano())
	}
}

// A throttle counts what this budget really sent in the last window, all
// of it (not a window's worth of entries that slots reserved ahead pushed
// out), and voids the slots reserved ahead at the old rate.
func TestThrottleVoidsSlotsAhead(t *testing.T) {
	now := time.Unix(1000, 0)
	var s budgetState
	for i := 0; i < 160; i++ { // 100 a second: 60 sent by 0.6 s, 100 more reserved ahead
		s.reserve(now, 100)
	}
	at := now.Add(600 * time.Millisecond)
	s.throttled(at, 100)
	if s.WMax < 55 || s.WMax > 65 {
		t.Fatalf("cut from %v, want the ~60 sent in the window", s.WMax)
	}
	for _, v := range s.Sent {
		if v > at.UnixNano() {
			t.Fatalf("a slot reserved ahead survived the cut: %v", time.Unix(0, v).Sub(now))
		}
	}
}

// oversleepingClock wakes late from its first sleep, as a process that was
// descheduled (a loaded CI machine, a pause for garbage collection) does.
type oversleepingClock struct {
	*fakeClock
	late time.Duration
	once sync.Once
}

func (c *oversleepingClock) Sleep(ctx context.Context, d time.Duration) error {
	c.once.Do(func() { d += c.late })
	return c.fakeClock.Sleep(ctx, d)
}

// A call that wakes well after its slot does not leave on it: its slot
// sat between calls reserved after it, and leaving late would put it in
// their window, one too many (and a whole frozen process's calls at once,
// many too many). It gives the slot back and takes the first one the
// calls really sent allow.
func TestLateWakeTakesANewSlot(t *testing.T) {
	clock := &oversleepingClock{fakeClock: &fakeClock{now: time.Unix(1000, 0)}, late: 300 * time.Millisecond}
	b := fakeBudget(10, clock)
	for i := 0; i < 10; i++ { // a window's worth, none of them asleep
		s, err := b.wait(context.Background())
		if err != nil || !s.at.Equal(clock.Now()) {
			t.Fatalf("call %d: %v %v", i, s, err)
		}
		clock.add(100 * time.Millisecond)
	}
	// The 11th waits for the window (slot at 1.02 s) and wakes at 1.32 s.
	s, err := b.wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if late := clock.Now().Sub(s.at); late > maxLate {
		t.Fatalf("the call leaves %v after its slot", late)
	}
	stale := time.Unix(1000, 0).Add(budgetWindow).UnixNano()
	if sent := sentOf(b); slices.Contains(sent, stale) || sent[len(sent)-1] != s.at.UnixNano() {
		t.Fatalf("reservations %v: the late slot %v was not replaced by %v", sent, stale, s.at.UnixNano())
	}
}

// busyClock wakes every sleep late, and while the call sleeps another
// process takes the next slot: a loaded machine on a busy budget.
type busyClock struct {
	*fakeClock
	late   time.Duration
	other  func()
	sleeps int
}

func (c *busyClock) Sleep(ctx context.Context, d time.Duration) error {
	c.sleeps++
	c.other()
	return c.fakeClock.Sleep(ctx, d+c.late)
}

// A call that keeps waking late takes a new slot once, then leaves on the
// second however late: every new slot is behind the other processes'
// slots, and a machine whose every wake is late must still send.
func TestLateWakeTakesOneNewSlotOnly(t *testing.T) {
	clock := &busyClock{fakeClock: &fakeClock{now: time.Unix(1000, 0)}, late: 50 * time.Millisecond}
	b := fakeBudget(10, clock)
	clock.other = func() { _, _ = b.store.reserve(context.Background(), b.limit) }
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for i := 0; i < 10; i++ {
		before := clock.sleeps
		_, err := b.wait(ctx)
		// The first call's slot is now; every other wakes late, retakes, and
		// leaves on the second slot.
		if want := min(i, 1) * 2; err != nil || clock.sleeps-before != want {
			t.Fatalf("call %d, after %d sleeps (want %d): %v", i, clock.sleeps-before, want, err)
		}
	}
}

// slowVoided is a store whose voided check takes a while: a Redis some
// milliseconds away, or a file lock held by another process.
type slowVoided struct {
	slotStore
	clock *fakeClock
}

func (s slowVoided) voided(ctx context.Context, sl slot) bool {
	s.clock.add(20 * time.Millisecond)
	return s.slotStore.voided(ctx, sl)
}

// A call woken on time is not late because the store took a while to say
// its slot still holds.
func TestLateIsMeasuredAtTheWake(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	b := fakeBudget(10, clock)
	b.store = slowVoided{b.store, clock}
	if _, err := b.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	s, err := b.wait(context.Background()) // the slot 0.1 s ahead
	if want := time.Unix(1000, 0).Add(100 * time.Millisecond); err != nil || !s.at.Equal(want) {
		t.Fatalf("slot %v, want %v: %v", s.at, want, err)
	}
}

// What a process takes over from a fleet's budget stays within what check
// allows: its own slots may sit seconds ahead in the fleet's queue, and a
// state that check refuses would count as empty for every process of the
// machine.
func TestHandedOverStateIsValid(t *testing.T) {
	now := time.Unix(1000, 0)
	at := func(d time.Duration) int64 { return now.Add(d).UnixNano() }
	var s budgetState
	s.handedOver(now, 100, []int64{at(-500 * time.Millisecond), at(-100 * time.Millisecond), at(2500 * time.Millisecond), at(2550 * time.Millisecond)}, 2)
	if err := s.check(now); err != nil {
		t.Fatalf("state %+v: %v", s, err)
	}
	if s.WMax != 2 || s.CutAt != now.UnixNano() || !slices.Contains(s.Sent, at(-100*time.Millisecond)) {
		t.Fatalf("state %+v: want the two slots sent kept and the rate cut at 2", s)
	}
}
