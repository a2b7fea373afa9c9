// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"bufio"
	"context"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/redistest"
)

// redisBudget is the budget of one client (one process, as far as the
// budget can tell) on the Redis at url.
func redisBudget(t *testing.T, url string, edit func(*Config)) (*Client, *budget) {
	t.Helper()
	c := newTestClient(t, "http://127.0.0.1:1/", func(c *Config) {
		c.MaxQPS, c.BudgetRedisURL = 20, url
		if edit != nil {
			edit(c)
		}
	})
	return c, c.budgetOf(ActionBatchGetParticipants)
}

// Clients that share nothing but Redis share one budget: together they
// never send more than its limit in any window, and each sends all its
// calls (how fast is make bench's figure: a loaded machine is slow).
func TestRedisBudgetShared(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	const clients, calls, limit = 3, 20, 20
	var mu sync.Mutex
	var sent []time.Time
	var wg sync.WaitGroup
	for i := 0; i < clients; i++ {
		c, b := redisBudget(t, srv.URL(), nil)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < calls; j++ {
				s, err := b.wait(context.Background())
				if err != nil || s.id == "" {
					t.Errorf("slot %+v from Redis: %v", s, err)
					return
				}
				b.wrote(context.Background(), s)
				mu.Lock()
				sent = append(sent, time.Now())
				mu.Unlock()
			}
			if n, ok := c.TakeRedisNotice(); ok {
				t.Errorf("notice %q", n)
			}
		}()
	}
	wg.Wait()
	slices.SortFunc(sent, func(a, b time.Time) int { return a.Compare(b) })
	for i := limit; i < len(sent); i++ {
		if gap := sent[i].Sub(sent[i-limit]); gap < time.Second {
			t.Fatalf("%d calls within %v: the clients did not share one budget", limit+1, gap)
		}
	}
}

// A throttle seen by one client cuts the rate of the whole fleet: the
// other client's next slots are spaced at the cut rate.
func TestRedisBudgetThrottleCutsFleet(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	_, a := redisBudget(t, srv.URL(), nil)
	_, b := redisBudget(t, srv.URL(), nil)
	for i := 0; i < 5; i++ {
		s, err := a.wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		a.wrote(context.Background(), s)
	}
	a.throttled(context.Background())
	rdb := redisConn(t, srv)
	keys := rdb.Keys(context.Background(), "volcrtc:budget:*").Val()
	var cut map[string]string
	for _, k := range keys {
		if strings.HasSuffix(k, ":rate") {
			cut = rdb.HGetAll(context.Background(), k).Val()
		}
	}
	if cut["wmax"] != "5.000000" || cut["cut"] == "" {
		t.Fatalf("rate after a throttle with 5 calls in the window: %v (keys %v)", cut, keys)
	}
	// Uncut, b's slots would be 1/20 s apart (max_qps 20). Cut to 3.5 a
	// second, its rate climbs back along the cubic past 5 a second (200
	// ms) after about 1.5 s, which a loaded machine reaches before b's
	// second wait: twice the uncut gap still shows the cut reached b.
	s1, _ := b.wait(context.Background())
	s2, _ := b.wait(context.Background())
	if gap := s2.at.Sub(s1.at); gap < 100*time.Millisecond {
		t.Fatalf("b's slots %v apart after a's throttle: the cut did not reach it", gap)
	}
}

// The keys name no secret, hold none, and expire.
func TestRedisBudgetKeys(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	_, b := redisBudget(t, srv.URL(), func(c *Config) { c.AccessKey = "AKLTSECRETISH" })
	s, err := b.wait(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b.throttled(context.Background())
	_ = s
	rdb := redisConn(t, srv)
	ctx := context.Background()
	keys := rdb.Keys(ctx, "*").Val()
	if len(keys) != 2 {
		t.Fatalf("keys %v, want a budget's two", keys)
	}
	for _, k := range keys {
		if strings.Contains(k, "AKLT") || !strings.Contains(k, "-"+ActionBatchGetParticipants+"}") {
			t.Fatalf("key %q", k)
		}
		if ttl := rdb.PTTL(ctx, k).Val(); ttl <= 0 || ttl > redisTTL {
			t.Fatalf("key %q expires in %v", k, ttl)
		}
		dump := rdb.Dump(ctx, k).Val()
		if strings.Contains(dump, "AKLT") || strings.Contains(dump, "SECRET") {
			t.Fatalf("key %q holds %q", k, dump)
		}
	}
}

// A budget in Redis with values no budget writes (a cut in the future, a
// negative rate, reservations far ahead) counts as empty, as a file does.
func TestRedisBudgetPoisoned(t *testing.T) {
	srv := redistest.Start(t, redistest.Options{})
	rdb := redisConn(t, srv)
	ctx := context.Background()
	_, b := redisBudget(t, srv.URL(), func(c *Config) { c.MaxQPS = 10 })
	store, _ := b.store.(*redisStore)
	rnow := func() int64 { tm := rdb.Time(ctx).Val(); return tm.UnixMicro() }
	for name, poison := range map[string]func(){
		"future cut":    func() { rdb.HSet(ctx, store.keys[1], "wmax", "1", "cut", rnow()+3600e6) },
		"negative wmax": func() { rdb.HSet(ctx, store.keys[1], "wmax", "-5", "cut", rnow()-1e6) },
		"far ahead": func() {
			for i := 0; i < 10; i++ {
				rdb.ZAdd(ctx, store.keys[0], redis.Z{Score: float64(rnow() + int64(100+i)*1e6), Member: i})
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			rdb.Del(ctx, store.keys...)
			poison()
			s1, err := b.wait(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			s2, _ := b.wait(context.Background())
			if gap := s2.at.Sub(s1.at); gap > 150*time.Millisecond || s1.id == "" {
				t.Fatalf("slots %v apart at 10 a second (%+v)", gap, s1)
			}
		})
	}
}

// Redis stopped, refusing the password, or answering nonsense: the
// process paces itself by its own budget with one warning that names the
// host and port and not the password, and uses Redis again once it is
// back, without a restart.
func TestRedisBudgetFallback(t *testing.T) {
	t.Run("stopped and back", func(t *testing.T) {
		srv := redistest.Start(t, redistest.Options{Password: "hunter2-password"})
		clock := &sleeps{}
		c, b := redisBudget(t, srv.URL(), func(c *Config) { c.Clock = clock })
		if s, err := b.wait(context.Background()); err != nil || s.id == "" {
			t.Fatalf("first slot %+v %v", s, err)
		}
		srv.Stop()
		for i := 0; i < 3; i++ {
			if s, err := b.wait(context.Background()); err != nil || s.id != "" {
				t.Fatalf("slot %+v %v with Redis stopped", s, err)
			}
		}
		notice, ok := c.TakeRedisNotice()
		if !ok || !strings.Contains(notice, srv.Addr) || strings.Contains(notice, "hunter2") {
			t.Fatalf("notice %q", notice)
		}
		srv.Restart(t)
		backoffOver(t, b)
		if s, err := b.wait(context.Background()); err != nil || s.id == "" {
			t.Fatalf("slot %+v %v with Redis back", s, err)
		}
		if n, again := c.TakeRedisNotice(); again {
			t.Fatalf("a second notice %q", n)
		}
	})
	t.Run("wrong password", func(t *testing.T) {
		srv := redistest.Start(t, redistest.Options{Password: "right-password"})
		c, b := redisBudget(t, strings.Replace(srv.URL(), "right-password", "wrong-password", 1), nil)
		if s, err := b.wait(context.Background()); err != nil || s.id != "" {
			t.Fatalf("slot %+v %v", s, err)
		}
		notice, _ := c.TakeRedisNotice()
		if !strings.Contains(notice, srv.Addr) || strings.Contains(notice, "password@") || strings.Contains(notice, "wrong-password") {
			t.Fatalf("notice %q", notice)
		}
	})
	t.Run("nonsense", func(t *testing.T) {
		addr := nonsenseServer(t)
		c, b := redisBudget(t, "redis://"+addr, nil)
		if s, err := b.wait(context.Background()); err != nil || s.id != "" {
			t.Fatalf("slot %+v %v", s, err)
		}
		if notice, ok := c.TakeRedisNotice(); !ok || !strings.Contains(notice, addr) {
			t.Fatalf("notice %q", notice)
		}
	})
	t.Run("hung", func(t *testing.T) {
		srv := redistest.Start(t, redistest.Options{})
		c, b := redisBudget(t, srv.URL(), nil)
		if s, err := b.wait(context.Background()); err != nil || s.id == "" {
			t.Fatalf("first slot %+v %v", s, err)
		}
		resume := srv.Pause(t)
		defer resume()
		if s, err := b.wait(context.Background()); err != nil || s.id != "" {
			t.Fatalf("slot %+v %v with Redis hung", s, err)
		}
		if notice, ok := c.TakeRedisNotice(); !ok || !strings.Contains(notice, "timeout") {
			t.Fatalf("notice %q", notice)
		}
	})
}

// A process that loses Redis paces itself from the share of the fleet's
// budget it had, not from the whole of it (every process of the fleet
// loses Redis at once, and each starting at the limit would send the
// fleet's budget many times over), and after the slots its calls still
// hold; a slot given back is not among them. Whether the first the own
// budget hears is a reservation or a throttle.
func TestRedisBudgetHandOver(t *testing.T) {
	// lose takes 10 slots from Redis at a limit of 20 while another
	// client of the fleet takes 10, holds two ahead, gives one back, and
	// stops Redis.
	lose := func(t *testing.T) (b *budget, ahead, given slot) {
		srv := redistest.Start(t, redistest.Options{})
		_, b = redisBudget(t, srv.URL(), nil)
		_, other := redisBudget(t, srv.URL(), nil)
		for i := 0; i < 10; i++ {
			for _, c := range []*budget{b, other} {
				if s, err := c.wait(context.Background()); err != nil || s.id == "" {
					t.Fatalf("slot %+v %v from Redis", s, err)
				}
			}
		}
		for i := 0; i < 2; i++ {
			var ok bool
			if ahead, ok = b.store.reserve(context.Background(), b.limit); !ok || ahead.id == "" {
				t.Fatalf("slot ahead %+v", ahead)
			}
		}
		var ok bool
		if given, ok = b.store.reserve(context.Background(), b.limit); !ok || given.id == "" {
			t.Fatalf("slot %+v", given)
		}
		b.store.release(context.Background(), given)
		srv.Stop()
		return b, ahead, given
	}
	own := func(b *budget) (st budgetState) {
		rs, ok := b.store.(*redisStore)
		if !ok {
			t.Fatalf("store %T, not Redis", b.store)
		}
		rs.own.store.update(context.Background(), func(s *budgetState) {
			st = *s
			st.Sent = slices.Clone(s.Sent)
		})
		return st
	}
	// The share is about half of the limit of 20 (the other client took
	// the other half): the rate starts at 0.7 of it, as after a throttle
	// at that rate, not at the limit.
	shared := func(t *testing.T, st budgetState) {
		if st.CutAt == 0 || st.WMax < 5 || st.WMax > 15 {
			t.Fatalf("own budget %+v: want the rate cut at the share of about 10", st)
		}
	}
	t.Run("reservation", func(t *testing.T) {
		b, ahead, given := lose(t)
		first, ok := b.store.reserve(context.Background(), b.limit)
		st := own(b)
		if !ok || first.id != "" || !slices.Contains(st.Sent, ahead.at.UnixNano()) || slices.Contains(st.Sent, given.at.UnixNano()) {
			t.Fatalf("own budget %v after Redis stopped, slot ahead %v, given back %v", st.Sent, ahead.at.UnixNano(), given.at.UnixNano())
		}
		if !first.at.After(ahead.at) {
			t.Fatalf("own slot at %v, before the slot ahead at %v", first.at, ahead.at)
		}
		shared(t, st)
	})
	t.Run("throttle", func(t *testing.T) {
		b, ahead, _ := lose(t)
		b.throttled(context.Background())
		st := own(b)
		if !slices.Contains(st.Sent, ahead.at.UnixNano()) {
			t.Fatalf("own budget %v: the slot ahead %v was not taken over", st.Sent, ahead.at.UnixNano())
		}
		shared(t, st)
	})
}

// An unset URL connects to nothing; a bad one is refused without quoting
// it; budget_share scales the limit.
func TestRedisBudgetConfig(t *testing.T) {
	c, b := redisBudget(t, "", func(c *Config) { c.MaxQPS, c.BudgetShare = 100, 0.6 })
	if _, ok := b.store.(*redisStore); ok || c.redis != nil || b.limit != 60 {
		t.Fatalf("store %T, limit %v", b.store, b.limit)
	}
	for _, bad := range []string{"http://user:pw-secret@host:1", "redis://user:pw-secret@host:1/notadb", "redis:///nohost", "::"} {
		_, err := New(Config{AccessKey: "a", SecretKey: "s", BudgetRedisURL: bad})
		if err == nil || strings.Contains(err.Error(), "pw-secret") {
			t.Errorf("URL %q: %v", bad, err)
		}
	}
	if _, err := New(Config{AccessKey: "a", SecretKey: "s", BudgetShare: 1.5}); err == nil {
		t.Error("share 1.5 accepted")
	}
}

func redisConn(t *testing.T, srv *redistest.Server) *redis.Client {
	t.Helper()
	opts, err := redis.ParseURL(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opts)
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// nonsenseServer answers every line with a reply no script returns.
func nonsenseServer(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = l.Close() })
	go func() {
		for {
			conn, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer func() { _ = conn.Close() }()
				r := bufio.NewReader(conn)
				for {
					if _, err := r.ReadString('\n'); err != nil {
						return
					}
					_, _ = conn.Write([]byte("+OK\r\n"))
				}
			}()
		}
	}()
	return l.Addr().String()
}

// A slot far ahead in a fleet's queue does not push this process's slots
// of the last window out of what it would hand over.
func TestRedisSlotsOfTheLastWindowKept(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	r := &redisStore{clock: clock}
	r.took(clock.Now().Add(-500*time.Millisecond), 1, 10, nil, false)
	r.took(clock.Now().Add(2*time.Second), 2, 10, nil, false) // a backlogged fleet
	if len(r.recent) != 2 {
		t.Fatalf("kept %v", r.recent)
	}
	clock.add(budgetWindow)
	r.took(clock.Now().Add(time.Second), 3, 10, nil, false)
	if len(r.recent) != 2 || !r.recent[0].Equal(time.Unix(1002, 0)) {
		t.Fatalf("kept %v: want the slot of the window gone, the ones ahead kept", r.recent)
	}
}
