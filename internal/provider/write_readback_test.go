// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// Reads that lag writes by 1.5 s, which nothing in the API rules out:
// every write still ends in success and a state that matches the API.

const readLag = 1500 * time.Millisecond

func TestAccConversationMembers_laggingReadOnUpdate(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{Config: membersHCL(groupA, `{ "10002" = {} }`)},
			{
				PreConfig: func() { emu.SetReadLag(readLag) },
				Config:    membersHCL(groupA, `{ "10002" = {}, "10003" = {}, "10004" = {}, "10005" = { role = "admin" } }`),
				Check: expectMembers(emu, groupA, `10002 member - - {}`, `10003 member - - {}`, `10004 member - - {}`,
					`10005 admin - - {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("members"), knownvalue.MapSizeExact(4)),
				},
			},
		},
	})
}

// membersDestroyed checks that conv holds nobody but its owner.
func membersDestroyed(emu *emulator.Server, conv int64) resource.TestCheckFunc {
	return func(*terraform.State) error {
		// A conversation that is not there holds nobody: that proves nothing.
		if _, ok := emu.Members(emulator.SampleAppID, conv); !ok {
			return fmt.Errorf("conversation %d is not in the emulator: nothing was destroyed from it", conv)
		}
		if got := memberSummary(emu, conv); got != "" {
			return fmt.Errorf("after destroy conversation %d still holds:\n%s", conv, got)
		}
		return nil
	}
}

func TestAccConversationMembers_laggingReadOnCreate(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	emu.SetReadLag(readLag)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{
				Config: membersHCL(groupA, `{ "10002" = {}, "10003" = { nick_name = "ops" } }`),
				Check:  expectMembers(emu, groupA, `10002 member - - {}`, `10003 member ops - {}`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("members"), knownvalue.MapSizeExact(2)),
				},
			},
			{
				// Not tainted: the same configuration plans nothing.
				Config:           membersHCL(groupA, `{ "10002" = {}, "10003" = { nick_name = "ops" } }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// A lag longer than the patience: the apply succeeds with a warning, the
// state records what the writes answered, and nobody is added twice.
func TestAccConversationMembers_lagBeyondPatience(t *testing.T) {
	// Parallel: readLagPatience is only read here; the one test that
	// changes it runs alone and puts it back.
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	emu.SetReadLag(readLagPatience + 3*time.Second)
	config := membersHCL(groupA, `{ "10002" = {}, "10003" = {} }`)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		CheckDestroy:             membersDestroyed(emu, groupA),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					expectMembers(emu, groupA, `10002 member - - {}`, `10003 member - - {}`),
					expectWrites(emu, [][]int64{{10002, 10003}}, nil, nil),
					func(*terraform.State) error { emu.SetReadLag(0); return nil }, // the API catches up
				),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(membersAddr, tfjsonpath.New("members"), knownvalue.MapSizeExact(2)),
				},
			},
			{
				PreConfig:        func() { emu.ResetRequests() },
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            expectWrites(emu, nil, nil, nil),
			},
		},
	})
}

// stepClock is a fake clock whose Sleep moves it at once and notes how long.
type stepClock struct {
	now   time.Time
	slept []time.Duration
}

func (c *stepClock) Now() time.Time { return c.now }

func (c *stepClock) Sleep(_ context.Context, d time.Duration) error {
	c.slept = append(c.slept, d)
	c.now = c.now.Add(d)
	return nil
}

// TestAwaitShownWaitsOnTheClientsClock: the read-back's patience runs on
// the clock it is given, not the wall clock, with the backoff DESIGN.md
// and readLagPatience describe.
func TestAwaitShownWaitsOnTheClientsClock(t *testing.T) {
	t.Parallel()
	clock := &stepClock{now: time.Unix(1_700_000_000, 0)}
	reads := 0
	shown, err := awaitShown(context.Background(), clock, func() (bool, error) { reads++; return false, nil })
	if shown || err != nil {
		t.Fatalf("awaitShown = %v, %v; want false, nil", shown, err)
	}
	ms := time.Millisecond
	want := []time.Duration{200 * ms, 400 * ms, 800 * ms, time.Second, time.Second, time.Second, 600 * ms}
	if !slices.Equal(clock.slept, want) || reads != len(want)+1 {
		t.Errorf("slept %v in %d reads; want %v in %d", clock.slept, reads, want, len(want)+1)
	}
}
