// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import "testing"

// Times RFC 3339 cannot write (years beyond 9999, before 0000) are null.
func TestRFC3339Range(t *testing.T) {
	for sec, want := range map[int64]string{
		0:             "1970-01-01T00:00:00Z",
		253402300799:  "9999-12-31T23:59:59Z",
		253402300800:  "",
		-62167219200:  "0000-01-01T00:00:00Z",
		-62167219201:  "",
		1<<62 + 12345: "",
	} {
		got := rfc3339(&sec, false)
		if (want == "" && got != nil) || (want != "" && got != want) {
			t.Errorf("rfc3339(%d) = %v, want %q", sec, got, want)
		}
	}
}
