// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// specSample is what the tests that iterate every spec need of one data
// source (TestStateMatchesSchema, TestFrameworkPathGivesTheSameState).
// Each data source's test file declares its own with sampleOf, beside its
// tests: adding a read adds its sample there, and no central test changes.
// A spec without one fails those tests.
type specSample struct {
	// full is one record of the API's answer with every field set, as
	// JSON. states builds, the way the read does, the states a read writes
	// from one record (full, or the empty record "{}"): one per way the
	// read builds its state.
	full   string
	states func(t *testing.T, record string) []state
	// reads are real reads against the emulator, for the tests that run a
	// read both ways; each must find at least one record.
	reads []sampleRead
}

// sampleRead is one read of a data source: its arguments, against the
// emulator serving fixtures (emulator.Sample() when nil).
type sampleRead struct {
	name     string
	fixtures func() emulator.Fixtures
	args     map[string]tftypes.Value
}

var specSamples = map[string]specSample{}

// sampleOf declares s's sample, from an init function in the data
// source's test file.
func sampleOf(s spec, sm specSample) {
	if _, dup := specSamples[s.name]; dup {
		panic(fmt.Sprintf("two samples for %s", s.typeName()))
	}
	specSamples[s.name] = sm
}

// sampleFor is s's sample; the test fails when s has none or it is
// incomplete.
func sampleFor(t *testing.T, s spec) specSample {
	t.Helper()
	sm, ok := specSamples[s.name]
	if !ok || sm.full == "" || sm.states == nil || len(sm.reads) == 0 {
		t.Fatalf("%s has no complete sample: declare one with sampleOf in its test file", s.typeName())
	}
	return sm
}
