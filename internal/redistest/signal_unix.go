// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

//go:build unix

package redistest

import "syscall"

var sigStop, sigCont = syscall.SIGSTOP, syscall.SIGCONT
