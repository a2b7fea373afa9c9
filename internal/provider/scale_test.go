// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

func userIDs(ids ...int64) knownvalue.Check {
	var checks []knownvalue.Check
	for _, id := range ids {
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"participant_user_id": knownvalue.Int64Exact(id)}))
	}
	return knownvalue.ListExact(checks)
}

// A list longer than max_batch_size is read in exactly ceil(n/size) calls
// per read, and members keep the request order across batches.
func TestAccScale_batches(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	prefix := `{"AppId":100001,"ConversationShortId":7000000000000000001,"ParticipantUserIds":`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{{
			Config: `provider "volcrtc" { max_batch_size = 2 }` + sampleDataSource(10003, 404, bigID, 10001, 10002),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), userIDs(10003, bigID, 10001, 10002)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("missing_user_ids"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.Int64Exact(10003), knownvalue.Int64Exact(404)})),
			},
			Check: func(*terraform.State) error {
				counts := map[string]int{}
				for _, r := range emu.Requests() {
					counts[strings.TrimPrefix(r.RawBody, prefix)]++
				}
				want := []string{"[10003,404]}", "[9007199254740993,10001]}", "[10002]}"}
				reads := counts[want[0]]
				if reads == 0 || len(counts) != 3 || counts[want[1]] != reads || counts[want[2]] != reads {
					return fmt.Errorf("want each of %v once per read, got %v", want, counts)
				}
				return nil
			},
		}},
	})
}

// Throttling and 503s are retried until the read succeeds.
func TestAccScale_retriesThenSuccess(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	step := func(f emulator.Fault) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { emu.ResetRequests(); emu.FailNext(2, f) },
			Config:    sampleDataSource(10001, bigID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), userIDs(10001, bigID)),
			},
			Check: func(*terraform.State) error {
				reqs := emu.Requests()
				if len(reqs) < 3 || reqs[0].Code != f.Code || reqs[1].Code != f.Code || reqs[2].Status != 200 {
					return fmt.Errorf("want two faults then success, got %+v", reqs)
				}
				return nil
			},
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps:                    []resource.TestStep{step(emulator.FaultThrottled), step(emulator.FaultUnavailable)},
	})
}

// Retries run out: the diagnostic gives the attempts and the last error;
// an auth error is not retried at all.
func TestAccScale_retriesExhaustedAndAuthNotRetried(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { emu.FailNext(3, emulator.FaultUnavailable) },
				Config:      `provider "volcrtc" { max_retries = 2 }` + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)ServiceUnavailable.*Message: service temporarily unavailable.*HTTP status: 503.*RequestId: emu-.*Attempts: 3 \(retries exhausted; see max_retries\)`),
			},
			{
				PreConfig: func() {
					if st := emu.Stats(); st.Faults != 3 || st.OK != 0 {
						t.Errorf("want exactly 3 attempts, got %+v", st)
					}
					emu.ResetRequests()
				},
				Config: `provider "volcrtc" {
  max_retries = 5
  secret_key  = "wrong"
}` + sampleDataSource(10001),
				ExpectError: wrapped(`SignatureDoesNotMatch`),
			},
			func() resource.TestStep {
				s := lastGood()
				s.PreConfig = func() {
					if n := len(emu.Requests()); n != 1 {
						t.Errorf("an auth error was retried: %d requests", n)
					}
				}
				return s
			}(),
		},
	})
}

// Ten data sources of three calls each share one budget: a server that
// allows 25 requests a second sees no 429 when max_qps is 19 (ten separate
// budgets would send ten times that).
func TestAccScale_sharedBudget(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{RateLimit: 25})
	var config strings.Builder
	config.WriteString(`provider "volcrtc" {
  max_qps        = 19
  max_batch_size = 1
}
`)
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&config, `
data "volcrtc_conversation_participants" "d%d" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [10001, 10002, %d]
}
`, i, 20000+i)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{{
			Config: config.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.volcrtc_conversation_participants.d9", tfjsonpath.New("missing_user_ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(20009)})),
			},
			Check: func(*terraform.State) error {
				st := emu.Stats()
				if st.Throttled != 0 || st.OK < 30 || st.OK%30 != 0 {
					return fmt.Errorf("want no throttling and 30 calls per pass, got %+v", st)
				}
				return nil
			},
		}},
	})
}

// A call slower than request_timeout_seconds is abandoned, retried, and
// reported; the emulator sees the client go away each time.
func TestAccScale_slowCallTimesOut(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{Latency: time.Hour})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: `provider "volcrtc" {
  request_timeout_seconds = 1
  max_retries             = 1
}` + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Cannot reach the Volcengine IM OpenAPI.*gave up after 2 attempts.*raise request_timeout_seconds`),
			},
			{Config: `provider "volcrtc" {}`},
		},
	})
	names := func() []string {
		var out []string
		for _, r := range emu.Requests() {
			out = append(out, r.Code)
		}
		sort.Strings(out)
		return out
	}
	if st := emu.Stats(); st.Canceled != 2 || st.Total != 2 {
		t.Fatalf("want two abandoned attempts, got %+v %v", st, names())
	}
}

// An API that refuses the default batch size as too long: the read splits
// the refused call, learns the size that works and reads everything, in
// the same calls on every run. An explicit max_batch_size stays an upper
// bound.
func TestAccScale_batchSizeAdapts(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{MaxIDsPerCall: 30})
	ids := []int64{10001, 10002}
	for i := int64(1); i <= 248; i++ {
		ids = append(ids, i)
	}
	sizes := func() map[string]int {
		n := map[string]int{}
		for _, r := range emu.Requests() {
			n[fmt.Sprintf("%d %d", len(r.Body.ParticipantUserIDs), r.Status)]++
		}
		return n
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: sampleDataSource(ids...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), userIDs(10001, 10002)),
				},
				Check: func(*terraform.State) error {
					// Per read: 100 refused, its first half of 50 refused,
					// four calls of 25, then 150 IDs in six calls of 25.
					n := sizes()
					reads := n["100 400"]
					if reads == 0 || len(n) != 3 || n["50 400"] != reads || n["25 200"] != 10*reads {
						return fmt.Errorf("calls by size and status: %v", n)
					}
					return nil
				},
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    `provider "volcrtc" { max_batch_size = 20 }` + sampleDataSource(ids...),
				Check: func(*terraform.State) error {
					if n := sizes(); len(n) != 2 || n["20 200"] == 0 || n["10 200"] == 0 || n["20 200"] != 12*n["10 200"] {
						return fmt.Errorf("calls by size and status: %v", n)
					}
					return nil
				},
			},
		},
	})
}
