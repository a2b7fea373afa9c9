// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Command testsummary reads `go test -json` output and prints how many
// tests passed, failed and were skipped, counting subtests, as one line
// CI can read. It fails when a test failed, when no top-level acceptance
// test (TestAcc...) passed, or when one was skipped for any reason but
// two: the real-API cases, which need Volcengine credentials, and a CLI
// older than the test needs, when the skip names the version it needs.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"sort"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

// cliVersionSkip is a skip for a CLI too old, naming the version needed:
// terraform-plugin-testing's tfversion.SkipBelow, or the end-to-end tests'
// "needs Terraform 1.7 or later, or OpenTofu 1.7 or later".
var cliVersionSkip = regexp.MustCompile(`Terraform CLI version \S+ is below minimum version \d+\.\d+|` +
	`needs? Terraform \d+\.\d+(\.\d+)? or later, or OpenTofu \d+\.\d+(\.\d+)? or later`)

type summary struct {
	passed, failed, skipped int
	accPassed               int
	badSkips                []string
	failures                []string
	packageFailed           []string
}

func read(r io.Reader) (summary, error) {
	var s summary
	output := map[string]*strings.Builder{} // each top-level acceptance test's output
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if len(line) == 0 || line[0] != '{' {
			continue // build output and the like
		}
		var e event
		if err := json.Unmarshal(line, &e); err != nil {
			return s, fmt.Errorf("not go test -json output: %v", err)
		}
		if e.Test == "" {
			if e.Action == "fail" {
				s.packageFailed = append(s.packageFailed, e.Package)
			}
			continue
		}
		topAcc := strings.HasPrefix(e.Test, "TestAcc") && !strings.Contains(e.Test, "/")
		switch e.Action {
		case "pass":
			s.passed++
			if topAcc {
				s.accPassed++
			}
		case "fail":
			s.failed++
			s.failures = append(s.failures, e.Package+" "+e.Test)
		case "output":
			if topAcc {
				key := e.Package + " " + e.Test
				if output[key] == nil {
					output[key] = &strings.Builder{}
				}
				output[key].WriteString(e.Output)
			}
		case "skip":
			s.skipped++
			why := ""
			if b := output[e.Package+" "+e.Test]; b != nil {
				why = b.String()
			}
			if topAcc && !strings.HasPrefix(e.Test, "TestAccRealAPI_") && !cliVersionSkip.MatchString(why) {
				s.badSkips = append(s.badSkips, e.Test)
			}
		}
	}
	return s, sc.Err()
}

func main() {
	s, err := read(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	sort.Strings(s.failures)
	for _, f := range s.failures {
		fmt.Println("FAILED:", f)
	}
	fmt.Printf("acceptance: %d top-level TestAcc tests passed\n", s.accPassed)
	fmt.Printf("tests: %d passed, %d failed, %d skipped\n", s.passed, s.failed, s.skipped)
	switch {
	case s.failed > 0 || len(s.packageFailed) > 0:
		fmt.Fprintf(os.Stderr, "FAIL: %d test(s) failed; packages failing: %s\n", s.failed, strings.Join(s.packageFailed, ", "))
		os.Exit(1)
	case s.accPassed == 0:
		fmt.Fprintln(os.Stderr, "FAIL: no acceptance test ran")
		os.Exit(1)
	case len(s.badSkips) > 0:
		fmt.Fprintln(os.Stderr, "FAIL: emulator acceptance tests were skipped, not for credentials or a CLI version they name:",
			strings.Join(s.badSkips, ", "))
		os.Exit(1)
	}
}
