// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

//go:build unix

package imclient

import (
	"fmt"
	"os"
	"syscall"
)

// openNoFollow makes opening a budget's files fail on a link, and never
// block on a FIFO put in their place.
const openNoFollow = syscall.O_NOFOLLOW | syscall.O_NONBLOCK

func openFileNoFollow(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDONLY|openNoFollow, 0)
}

// refuseLink has nothing to do here: opening with O_NOFOLLOW refuses a
// link by itself.
func refuseLink(string) error { return nil }

// checkBudgetDir refuses a directory another user could plant files in:
// one that is not this user's own, or that others may write to without
// the sticky bit (which keeps them from renaming or removing our files).
func checkBudgetDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Geteuid() {
		return fmt.Errorf("%s belongs to another user (uid %d); set VOLCRTC_BUDGET_DIR to a directory of your own", dir, st.Uid)
	}
	if fi.Mode().Perm()&0o022 != 0 && fi.Mode()&os.ModeSticky == 0 {
		return fmt.Errorf("others can write to %s (mode %v) and it has no sticky bit; set VOLCRTC_BUDGET_DIR to a directory of your own", dir, fi.Mode().Perm())
	}
	return nil
}
