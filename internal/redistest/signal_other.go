// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

//go:build !unix

package redistest

import "os"

// No SIGSTOP here: Pause kills the server instead.
var sigStop, sigCont = os.Kill, os.Kill
