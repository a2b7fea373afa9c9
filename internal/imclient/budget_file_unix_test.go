// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

//go:build unix

package imclient

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A FIFO in place of the budget file or its lock hangs nothing: the file
// counts as empty and is replaced, the lock is refused with the fallback.
func TestBudgetFIFO(t *testing.T) {
	for _, name := range []string{"b.json", "b.json.lock"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			if err := syscall.Mkfifo(filepath.Join(dir, name), 0o600); err != nil {
				t.Fatal(err)
			}
			clock := &fakeClock{now: time.Unix(1_000_000, 0)}
			var failed []string
			b := fileBudget(dir, clock, &failed)
			done := make(chan struct{})
			go func() {
				defer close(done)
				for i := 0; i < 3; i++ {
					if _, err := b.wait(context.Background()); err != nil {
						t.Error(err)
					}
				}
			}()
			select {
			case <-done:
			case <-time.After(20 * time.Second): // not a timing assertion: the old code never returns
				t.Fatal("the budget hangs on a FIFO")
			}
			fi, err := os.Lstat(filepath.Join(dir, name))
			switch {
			case err != nil:
				t.Fatal(err)
			case name == "b.json" && (!fi.Mode().IsRegular() || len(failed) != 0):
				t.Fatalf("budget file %v after the calls; fell back: %v", fi.Mode(), failed)
			case name == "b.json.lock" && (len(failed) != 1 || !strings.Contains(failed[0], "not a regular file")):
				t.Fatalf("fell back %v, want one reason saying the lock is not a regular file", failed)
			}
		})
	}
}

// A directory another user could plant files in is refused with the
// fallback's one warning: not this user's own, or writable by others
// without the sticky bit. This user's own directory with the sticky bit
// (a private 1777) is used.
func TestBudgetDirectoryOwnership(t *testing.T) {
	mode := func(t *testing.T, m os.FileMode) string {
		dir := filepath.Join(t.TempDir(), "budget")
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(dir, m); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	for name, tc := range map[string]struct {
		dir  func(t *testing.T) string
		want string // in the reason; "" when the directory is used
	}{
		"world-writable": {func(t *testing.T) string { return mode(t, 0o777) }, "others can write"},
		"group-writable": {func(t *testing.T) string { return mode(t, 0o770) }, "others can write"},
		"sticky":         {func(t *testing.T) string { return mode(t, 0o777|os.ModeSticky) }, ""},
		"private":        {func(t *testing.T) string { return mode(t, 0o700) }, ""},
		"another user's": {func(t *testing.T) string {
			if os.Geteuid() != 0 {
				return "/" // root's, and not ours
			}
			dir := mode(t, 0o755)
			if err := os.Chown(dir, 65534, 65534); err != nil {
				t.Fatal(err)
			}
			return dir
		}, "belongs to another user"},
	} {
		t.Run(name, func(t *testing.T) {
			dir := tc.dir(t)
			clock := &fakeClock{now: time.Unix(1_000_000, 0)}
			var failed []string
			sendAll(t, fileBudget(dir, clock, &failed), 2)
			_, statErr := os.Lstat(filepath.Join(dir, "b.json"))
			if tc.want == "" {
				if len(failed) != 0 || statErr != nil {
					t.Fatalf("fell back %v; budget file: %v", failed, statErr)
				}
				return
			}
			if len(failed) != 1 || !strings.Contains(failed[0], tc.want) || !strings.Contains(failed[0], "VOLCRTC_BUDGET_DIR") {
				t.Fatalf("fell back %v, want one reason saying %q", failed, tc.want)
			}
			if statErr == nil {
				t.Fatal("the budget file was written in a refused directory")
			}
		})
	}
}
