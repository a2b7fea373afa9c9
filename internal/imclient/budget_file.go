// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofrs/flock"
)

// Budget scopes (Config.BudgetScope).
const (
	// ScopeMachine shares each action's budget with every provider process
	// of this user (its cache directory, or BudgetDir) that uses the same
	// access key and endpoint.
	ScopeMachine = "machine"
	// ScopeProcess keeps the budget to this provider process.
	ScopeProcess = "process"
)

const (
	// lockWait bounds how long a call waits for the budget file's lock,
	// which is held only while a slot is taken (well under a millisecond):
	// a process that holds it longer is stuck, and this one paces itself
	// alone rather than wait for it.
	lockWait = 2 * time.Second
	// maxBudgetFile bounds what is read of a budget file: maxSent
	// reservations of 20 digits each and the rest. A larger file is
	// damaged and counts as empty.
	maxBudgetFile = 128 << 10
)

// DefaultBudgetDir is where machine-wide budgets live unless Config says
// otherwise: the user's cache directory, so two users (or containers with
// a HOME of their own) do not share one.
func DefaultBudgetDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "terraform-provider-volcrtc", "budget"), nil
}

// budgetName names the files of one budget: a hash of the access key and
// the endpoint (no secret, and not the key itself), and the action.
func budgetName(accessKey, endpoint, action string) string {
	sum := sha256.Sum256([]byte(accessKey + "\x00" + endpoint))
	return hex.EncodeToString(sum[:12]) + "-" + action
}

// fileLocks serializes a process's own goroutines on a budget file before
// the OS lock, which some systems grant per process. Each is a channel of
// one, so that a goroutine waiting for it can give up when its call ends.
var (
	fileLocksMu sync.Mutex
	fileLocks   = map[string]chan struct{}{}
)

func fileLock(path string) chan struct{} {
	fileLocksMu.Lock()
	defer fileLocksMu.Unlock()
	mu := fileLocks[path]
	if mu == nil {
		mu = make(chan struct{}, 1)
		fileLocks[path] = mu
	}
	return mu
}

// fileStore keeps a budget's state in a small JSON file, read and written
// under an OS file lock on a file beside it. The lock is held only while a
// slot is taken, never across a call, and the OS drops it when a process
// dies: a crashed process blocks nobody. A file that cannot be read as
// state (damaged, too large, not a regular file, or with values no budget
// writes) counts as empty. Neither file is followed if it is a link: the
// lock is opened without following, and the state is written to a new
// file in the directory and renamed over the old one.
//
// When the directory cannot be used (not the user's own, writable by
// others without the sticky bit, not a directory) or the lock is held past
// lockWait, the store falls back to memory, calling failed once with the
// reason.
type fileStore struct {
	path   string
	mu     chan struct{}
	clock  Clock
	failed func(error)

	once     sync.Once
	fallback atomic.Pointer[memoryStore] // set after a failure
}

func newFileStore(dir, name string, clock Clock, failed func(error)) *fileStore {
	path := filepath.Join(dir, name+".json")
	return &fileStore{path: path, mu: fileLock(path), clock: clock, failed: failed}
}

func (f *fileStore) update(ctx context.Context, fn func(*budgetState)) {
	if fb := f.fallback.Load(); fb != nil {
		fb.update(ctx, fn)
		return
	}
	err := f.updateFile(ctx, fn)
	switch {
	case err == nil:
		return
	case ctx.Err() != nil && errors.Is(err, ctx.Err()):
		return // the call ended while it waited: fn is not run
	case errors.Is(err, errFellBack):
	default:
		f.once.Do(func() {
			f.fallback.Store(&memoryStore{})
			f.failed(err)
		})
	}
	f.fallback.Load().update(ctx, fn)
}

// errFellBack says another goroutine gave up on the file while this one
// waited for it.
var errFellBack = errors.New("the budget fell back to this process")

func (f *fileStore) updateFile(ctx context.Context, fn func(*budgetState)) error {
	select {
	case f.mu <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-f.mu }()
	if f.fallback.Load() != nil {
		return errFellBack
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := checkBudgetDir(dir); err != nil {
		return err
	}
	lock, err := f.takeLock(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = lock.Unlock() }()
	now := f.clock.Now()
	st := readBudgetFile(f.path)
	if st.check(now) != nil {
		st = budgetState{}
	}
	fn(&st)
	b, err := json.Marshal(&st)
	if err != nil {
		return err
	}
	return replaceFile(f.path, b)
}

// takeLock takes the OS lock within lockWait, or fails saying who holds
// it; ctx ending stops the wait with ctx's error. A held lock is waited
// for in the kernel (which wakes the waiter the moment it is free, as a
// poll could not), on a descriptor of its own: a wait given up on
// releases the lock as soon as it gets it.
func (f *fileStore) takeLock(ctx context.Context) (*flock.Flock, error) {
	path := f.path + ".lock"
	if err := refuseLink(path); err != nil {
		return nil, err
	}
	lock := flock.New(path, flock.SetFlag(os.O_CREATE|os.O_RDWR|openNoFollow), flock.SetPermissions(0o600))
	ok, err := lock.TryLock()
	if err == nil && !ok {
		err = f.waitLock(ctx, lock)
	}
	if err != nil {
		return nil, err
	}
	fi, err := lock.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = fmt.Errorf("%s is not a regular file (%v)", path, fi.Mode().Type())
	}
	if err != nil {
		_ = lock.Unlock()
		return nil, err
	}
	return lock, nil
}

// waitLock blocks on lock until it is taken, lockWait passes on the clock,
// or ctx ends.
func (f *fileStore) waitLock(ctx context.Context, lock *flock.Flock) error {
	var (
		mu        sync.Mutex
		taken     bool
		result    error
		abandoned bool
	)
	wake, woke := context.WithCancel(ctx)
	defer woke()
	go func() {
		err := lock.Lock()
		mu.Lock()
		defer mu.Unlock()
		if abandoned {
			_ = lock.Unlock()
			return
		}
		taken, result = true, err
		woke()
	}()
	_ = f.clock.Sleep(wake, lockWait)
	mu.Lock()
	defer mu.Unlock()
	switch {
	case taken && result != nil:
		return fmt.Errorf("locking %s: %w", lock.Path(), result)
	case taken:
		return nil
	}
	abandoned = true
	if err := ctx.Err(); err != nil {
		return err
	}
	return fmt.Errorf("another process has held %s for more than %v", lock.Path(), lockWait)
}

// readBudgetFile reads the state at path without following a link or
// blocking on a special file, and without reading more than a state can
// need; anything but a small regular file of valid JSON is empty.
func readBudgetFile(path string) budgetState {
	var st budgetState
	fh, err := openFileNoFollow(path)
	if err != nil {
		return st // missing, a link, or unreadable: the rename replaces it
	}
	defer func() { _ = fh.Close() }()
	if fi, err := fh.Stat(); err != nil || !fi.Mode().IsRegular() {
		return st
	}
	b, err := io.ReadAll(io.LimitReader(fh, maxBudgetFile+1))
	if err != nil || len(b) > maxBudgetFile || json.Unmarshal(b, &st) != nil {
		return budgetState{}
	}
	return st
}

// replaceFile writes b to a new file beside path and renames it over
// path: a link at path is replaced, never written through.
func replaceFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	_, err = tmp.Write(b)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
