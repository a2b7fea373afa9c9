// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"strings"
	"testing"
)

func TestRead(t *testing.T) {
	in := strings.Join([]string{
		`# building`,
		`{"Action":"run","Package":"p","Test":"TestAccA"}`,
		`{"Action":"pass","Package":"p","Test":"TestAccA/sub"}`,
		`{"Action":"pass","Package":"p","Test":"TestAccA"}`,
		`{"Action":"skip","Package":"p","Test":"TestAccRealAPI_members"}`,
		`{"Action":"skip","Package":"p","Test":"TestAccB"}`,
		`{"Action":"fail","Package":"q","Test":"TestC"}`,
		`{"Action":"fail","Package":"q"}`,
		`{"Action":"output","Package":"p","Test":"TestAccA","Output":"--- PASS: TestAccA\n"}`,
	}, "\n")
	s, err := read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.passed != 2 || s.failed != 1 || s.skipped != 2 || s.accPassed != 1 ||
		len(s.badSkips) != 1 || s.badSkips[0] != "TestAccB" || len(s.packageFailed) != 1 {
		t.Fatalf("%+v", s)
	}
	if _, err := read(strings.NewReader("{not json")); err == nil {
		t.Fatal("accepted broken input")
	}
}
