// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

//go:build !unix

package imclient

import (
	"fmt"
	"os"
)

// openNoFollow: these systems have no O_NOFOLLOW; refuseLink checks first.
const openNoFollow = 0

// openFileNoFollow opens path for reading unless it is a link (checked
// before and, by identity, after opening).
func openFileNoFollow(path string) (*os.File, error) {
	if err := refuseLink(path); err != nil {
		return nil, err
	}
	before, err := os.Lstat(path)
	if err != nil {
		return nil, err
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	if after, err := fh.Stat(); err != nil || !os.SameFile(before, after) {
		_ = fh.Close()
		return nil, fmt.Errorf("%s changed while it was opened", path)
	}
	return fh, nil
}

// refuseLink fails when path is a link (a missing path is fine).
func refuseLink(path string) error {
	fi, err := os.Lstat(path)
	if err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("%s is a link; a budget's files are never followed", path)
	}
	return nil
}

// checkBudgetDir checks that dir is a directory. Who else may write to it
// is the business of its access control list, which on Windows keeps a
// user's profile (where the cache directory is) to that user.
func checkBudgetDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return err
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}
