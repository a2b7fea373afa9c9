// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Package emulatortest starts emulators for other packages' tests.
package emulatortest

import (
	"net/http/httptest"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// Start serves fx through an emulator on a loopback port for the length
// of the test, and returns it with its URL.
func Start(t testing.TB, fx emulator.Fixtures, opts emulator.Options) (*emulator.Server, string) {
	t.Helper()
	emu, err := emulator.New(fx, opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	return emu, ts.URL
}
