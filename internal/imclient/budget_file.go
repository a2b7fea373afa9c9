// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	"github.com/gofrs/flock"
)

// Budget scopes (Config.BudgetScope).
const (
	// ScopeMachine shares each action's budget with every provider process
	// on the machine that uses the same access key and endpoint.
	ScopeMachine = "machine"
	// ScopeProcess keeps the budget to this provider process.
	ScopeProcess = "process"
)

// DefaultBudgetDir is where machine-wide budgets live unless Config says
// otherwise: the user's cache directory.
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
// the OS lock, which some systems grant per process.
var (
	fileLocksMu sync.Mutex
	fileLocks   = map[string]*sync.Mutex{}
)

func fileLock(path string) *sync.Mutex {
	fileLocksMu.Lock()
	defer fileLocksMu.Unlock()
	mu := fileLocks[path]
	if mu == nil {
		mu = &sync.Mutex{}
		fileLocks[path] = mu
	}
	return mu
}

// fileStore keeps a budget's state in a small JSON file, read and written
// under an OS file lock on a file beside it. The lock is held only while a
// slot is taken, never across a call, and the OS drops it when a process
// dies: a crashed process blocks nobody. A file that cannot be read as
// state (damaged, or from another version) counts as empty.
//
// When the directory cannot be used, the store falls back to memory,
// calling failed once with the reason.
type fileStore struct {
	path   string
	mu     *sync.Mutex
	lock   *flock.Flock
	failed func(error)

	once     sync.Once
	fallback atomic.Pointer[memoryStore] // set after a failure
}

func newFileStore(dir, name string, failed func(error)) *fileStore {
	path := filepath.Join(dir, name+".json")
	return &fileStore{path: path, mu: fileLock(path), lock: flock.New(path+".lock", flock.SetPermissions(0o600)), failed: failed}
}

func (f *fileStore) update(fn func(*budgetState)) error {
	if fb := f.fallback.Load(); fb != nil {
		return fb.update(fn)
	}
	err := f.updateFile(fn)
	if err == nil {
		return nil
	}
	f.once.Do(func() {
		f.fallback.Store(&memoryStore{})
		f.failed(err)
	})
	return f.fallback.Load().update(fn)
}

func (f *fileStore) updateFile(fn func(*budgetState)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return err
	}
	if err := f.lock.Lock(); err != nil {
		return fmt.Errorf("locking %s: %w", f.lock.Path(), err)
	}
	defer func() { _ = f.lock.Unlock() }()
	var st budgetState
	b, err := os.ReadFile(f.path)
	switch {
	case err == nil:
		if json.Unmarshal(b, &st) != nil {
			st = budgetState{}
		}
	case !errors.Is(err, fs.ErrNotExist):
		return err
	}
	fn(&st)
	b, err = json.Marshal(&st)
	if err != nil {
		return err
	}
	return os.WriteFile(f.path, b, 0o600)
}
