// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// fileBudget is a budget of 10 calls a second on a file store in dir, on
// clock; the reasons it fell back to memory are collected in failed.
func fileBudget(dir string, clock Clock, failed *[]string) *budget {
	return &budget{limit: 10, clock: clock, store: stateSlots{newFileStore(dir, "b", clock, func(err error) {
		*failed = append(*failed, err.Error())
	}), clock}}
}

// sendAll takes n slots and returns how long they took on the clock.
func sendAll(t *testing.T, b *budget, n int) time.Duration {
	t.Helper()
	start := b.clock.Now()
	for i := 0; i < n; i++ {
		at, err := b.wait(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		b.wrote(context.Background(), at)
	}
	return b.clock.Now().Sub(start)
}

// A budget file with values no budget writes (a cut in the future, a
// rate outside (0, 100], reservations further ahead than a real one, more
// than a budget holds, a file larger than a state can be) counts as empty:
// ten calls at ten a second take 0.9 s, not the ~10 s a poisoned file
// used to impose on every process of the machine.
func TestBudgetPoisonedFile(t *testing.T) {
	start := time.Unix(1_000_000, 0)
	now := start.UnixNano()
	sec := int64(time.Second)
	nums := func(n int, v func(i int) int64) string {
		s := make([]string, n)
		for i := range s {
			s[i] = fmt.Sprint(v(i))
		}
		return strings.Join(s, ",")
	}
	for name, content := range map[string]string{
		"future cut":            fmt.Sprintf(`{"sent":[],"wmax":1,"cut_at":%d}`, now+3600*sec),
		"negative wmax":         fmt.Sprintf(`{"sent":[],"wmax":-5,"cut_at":%d}`, now-sec),
		"zero wmax":             fmt.Sprintf(`{"sent":[],"wmax":0,"cut_at":%d}`, now-sec),
		"wmax beyond the API":   fmt.Sprintf(`{"sent":[],"wmax":1e9,"cut_at":%d}`, now-sec),
		"wmax without a cut":    `{"sent":[],"wmax":1}`,
		"negative cut":          `{"sent":[],"wmax":1,"cut_at":-1}`,
		"reservations too far":  fmt.Sprintf(`{"sent":[%s]}`, nums(10, func(i int) int64 { return now + int64(100+i)*sec })),
		"too many reservations": fmt.Sprintf(`{"sent":[%s]}`, nums(maxSent+1, func(int) int64 { return now })),
		"larger than a state":   fmt.Sprintf(`{"sent":[%s]%s}`, nums(200, func(int) int64 { return now }), strings.Repeat(" ", maxBudgetFile)),
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "b.json"), []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			var failed []string
			b := fileBudget(dir, &fakeClock{now: start}, &failed)
			if d := sendAll(t, b, 10); d > 900*time.Millisecond+time.Millisecond || len(failed) != 0 {
				t.Fatalf("10 calls at 10/s took %v (want 0.9 s); fell back: %v", d, failed)
			}
		})
	}
}

// A budget file or lock that is a link is never followed: the target,
// another user's file in a shared directory, keeps its content, and a
// lock linked to a missing path does not create it.
func TestBudgetFileLinks(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	t.Run("state", func(t *testing.T) {
		dir, other := t.TempDir(), t.TempDir()
		target := filepath.Join(other, "precious")
		if err := os.WriteFile(target, []byte("keep me"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, filepath.Join(dir, "b.json")); err != nil {
			t.Fatal(err)
		}
		var failed []string
		sendAll(t, fileBudget(dir, clock, &failed), 3)
		if b, err := os.ReadFile(target); err != nil || string(b) != "keep me" {
			t.Fatalf("the link's target now holds %q (%v)", b, err)
		}
		fi, err := os.Lstat(filepath.Join(dir, "b.json"))
		if err != nil || !fi.Mode().IsRegular() || len(failed) != 0 {
			t.Fatalf("budget file %v %v, fell back: %v", fi, err, failed)
		}
		if n := len(readBudgetFile(filepath.Join(dir, "b.json")).Sent); n != 3 {
			t.Fatalf("the new file holds %d reservations, want 3", n)
		}
	})
	t.Run("lock", func(t *testing.T) {
		dir, other := t.TempDir(), t.TempDir()
		missing := filepath.Join(other, "created-through-the-link")
		if err := os.Symlink(missing, filepath.Join(dir, "b.json.lock")); err != nil {
			t.Fatal(err)
		}
		var failed []string
		b := fileBudget(dir, clock, &failed)
		sendAll(t, b, 3)
		if _, err := os.Lstat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Fatalf("the lock's link created its target: %v", err)
		}
		if len(failed) != 1 || !strings.Contains(failed[0], "b.json.lock") {
			t.Fatalf("fell back %v, want one reason naming the lock", failed)
		}
		if n := len(sentOf(b)); n != 3 {
			t.Fatalf("%d reservations in the fallback, want 3", n)
		}
	})
}

// A lock another process holds past lockWait makes the budget fall back
// to the process's own, with the one warning, instead of hanging the plan;
// a call whose context ends while it waits returns at once.
func TestBudgetLockHeld(t *testing.T) {
	// Not t.TempDir: the waits given up on still take the lock (and may
	// create its file again) once it is free, so the directory is removed
	// when they have.
	dir, err := os.MkdirTemp("", "budget-lock") //nolint:usetesting // see above: t.TempDir's removal would race them
	if err != nil {
		t.Fatal(err)
	}
	held := flock.New(filepath.Join(dir, "b.json.lock"))
	if err := held.Lock(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = held.Unlock()
		testutil.WaitFor(t, func() bool { return os.RemoveAll(dir) == nil })
	})

	ctx, cancel := context.WithCancel(context.Background())
	clock := &fakeClock{now: time.Unix(1_000_000, 0)}
	var failed []string
	b := fileBudget(dir, cancelingClock{clock, cancel}, &failed)
	if _, err := b.wait(ctx); !errors.Is(err, context.Canceled) || len(failed) != 0 {
		t.Fatalf("wait canceled while it waited for the lock: %v; fell back: %v", err, failed)
	}

	b = fileBudget(dir, clock, &failed)
	start := clock.Now()
	sendAll(t, b, 3)
	if waited := clock.Now().Sub(start); waited < lockWait || waited > lockWait+time.Second {
		t.Fatalf("waited %v for the held lock, want %v and then the fallback's pace", waited, lockWait)
	}
	if len(failed) != 1 || !strings.Contains(failed[0], "held") {
		t.Fatalf("fell back %v, want one reason saying the lock is held", failed)
	}
}
