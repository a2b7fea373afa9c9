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
		`{"Action":"output","Package":"p","Test":"TestAccC","Output":"    x_test.go:91: Terraform CLI version 1.11.4 is below minimum version 1.12.0: skipping test\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestAccC"}`,
		`{"Action":"output","Package":"p","Test":"TestAccD","Output":"    x_test.go:9: import blocks with for_each need Terraform 1.7 or later, or OpenTofu 1.7 or later; terraform is v1.5.7\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestAccD"}`,
		`{"Action":"output","Package":"p","Test":"TestAccE","Output":"    x_test.go:9: flaky, skipped\n"}`,
		`{"Action":"skip","Package":"p","Test":"TestAccE"}`,
		`{"Action":"fail","Package":"q","Test":"TestC"}`,
		`{"Action":"fail","Package":"q"}`,
		`{"Action":"output","Package":"p","Test":"TestAccA","Output":"--- PASS: TestAccA\n"}`,
	}, "\n")
	s, err := read(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if s.passed != 2 || s.failed != 1 || s.skipped != 5 || s.accPassed != 1 ||
		strings.Join(s.badSkips, " ") != "TestAccB TestAccE" || len(s.packageFailed) != 1 {
		t.Fatalf("%+v", s)
	}
	if _, err := read(strings.NewReader("{not json")); err == nil {
		t.Fatal("accepted broken input")
	}
}
