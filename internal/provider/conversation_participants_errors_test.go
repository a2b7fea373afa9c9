// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// lastGood is the final step of error tests: the post-test destroy reuses
// the last step's config, so it must be valid.
func lastGood() resource.TestStep {
	return resource.TestStep{
		Config: sampleDataSource(10001),
		ConfigStateChecks: []statecheck.StateCheck{
			statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), knownvalue.ListSizeExact(1)),
		},
	}
}

// Each bad argument is reported on its attribute before any request.
// The cases run as three tests in parallel, each with its own emulator.
func TestAccConversationParticipants_validation(t *testing.T) {
	app, conv := "100001", "7000000000000000001"
	type bad struct{ config, want string }
	step := func(config, want string) bad { return bad{config, want} }
	cases := []bad{
		step(dataSourceConfig("0", conv, 1), `(?s)with data.volcrtc_conversation_participants.test,.*app_id\s+= 0.*Attribute app_id value must be between 1 and 2147483647, got: 0`),
		step(dataSourceConfig("-5", conv, 1), `Attribute app_id value must be between 1 and\s+2147483647, got: -5`),
		step(dataSourceConfig("2147483648", conv, 1), `Attribute app_id value must be between 1 and\s+2147483647, got: 2147483648`),
		step(dataSourceConfig(app, "0", 1), `Attribute conversation_short_id value must be at least 1, got: 0`),
		step(dataSourceConfig(app, "-7000000000000000001", 1), `Attribute conversation_short_id value must be at least 1, got:\s+-7000000000000000001`),
		step(dataSourceConfig(app, conv), `Attribute participant_user_ids list must contain at least 1 elements, got: 0`),
		step(dataSourceConfig(app, conv, 5, 6, 5, 7, 6, 5), `(?s)Duplicate user IDs.*participant_user_ids = \[5, 6, 5, 7, 6, 5\].*Each user ID may appear only once in participant_user_ids; repeated: 5, 6\.`),
		step(dataSourceConfig(app, conv, longListWithRepeat()...), `(?s)Duplicate user IDs.*repeated: 1\.`),
		step(dataSourceConfig(app, conv, 5, 0), `Attribute participant_user_ids\[1\] value must be at least 1, got: 0`),
		step(dataSourceConfig(app, conv, -9), `Attribute participant_user_ids\[0\] value must be at least 1, got: -9`),
		step(dataSourceConfig(app, "1.5", 1), `Attribute conversation_short_id value must be a whole number at least 1 \(no fraction\), got: 1.5`),
		step(dataSourceConfig("1.5", conv, 1), `Attribute app_id value must be a whole number between 1 and 2147483647 \(no fraction\), got: 1.5`),
		step(`
data "volcrtc_conversation_participants" "test" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [1, 1.5]
}`, `Attribute participant_user_ids\[1\] value must be a whole number at least 1 \(no fraction\), got: 1.5`),
		step(`
data "volcrtc_conversation_participants" "test" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [9223372036854775808]
}`, `Attribute participant_user_ids\[0\] value must be at most 9223372036854775807, the largest 64-bit ID, got: 9223372036854775808`),
		step(`provider "volcrtc" { max_qps = 99.5 }`+sampleDataSource(1), `Attribute max_qps value must be a whole number between 1 and 100 \(no fraction\), got: 99.5`),
		step(`provider "volcrtc" { access_key = "AK\n" }`+sampleDataSource(1), `(?s)Invalid access_key.*The value of access_key has white space at its start or end.*trimspace`),
		step(`
data "volcrtc_conversation_participants" "test" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [1, null]
}`, `(?s)Null List Value.*participant_user_ids = \[1, null\].*contains a null value`),
		step(`
data "volcrtc_conversation_participants" "test" {
  app_id = 100001
}`, `The argument "conversation_short_id" is required`),
		step(`provider "volcrtc" { region = "mars-1" }`+sampleDataSource(1), `(?s)region = "mars-1".*Attribute region value must be one of: \["cn-north-1" "ap-southeast-1"\], got:\s+"mars-1"`),
		step(`provider "volcrtc" { endpoint = "ftp://127.0.0.1" }`+sampleDataSource(1), `(?s)Invalid endpoint.*must start with https:// or http://`),
		step(`provider "volcrtc" { endpoint = "127.0.0.1:8080" }`+sampleDataSource(1), `Invalid endpoint`),
		step(`provider "volcrtc" { access_key = "" }`+sampleDataSource(1), `Attribute access_key string length must be at least 1, got: 0`),
		step(`provider "volcrtc" { secret_key = "" }`+sampleDataSource(1), `Attribute secret_key string length must be at least 1, got: 0`),
		step(`provider "volcrtc" { session_token = "" }`+sampleDataSource(1), `Attribute session_token string length must be at least 1, got: 0`),
	}
	const groups = 3
	for g := 0; g < groups; g++ {
		t.Run(fmt.Sprint("group ", g+1), func(t *testing.T) {
			emu, url := newEmulator(t, emulator.Options{})
			var steps []resource.TestStep
			for i := g; i < len(cases); i += groups {
				steps = append(steps, resource.TestStep{Config: cases[i].config, ExpectError: wrapped(cases[i].want), PreConfig: expectNoRequest(t, emu)})
			}
			last := lastGood()
			last.PreConfig = expectNoRequest(t, emu)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: factories(sampleEnv(url)),
				Steps:                    append(steps, last),
			})
		})
	}
}

// longListWithRepeat is 10,000 IDs whose last one repeats the first.
func longListWithRepeat() []int64 {
	ids := make([]int64, 10000)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	ids[len(ids)-1] = 1
	return ids
}

// Without credentials, the error names the attribute and the variable.
func TestAccConversationParticipants_missingCredentials(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(map[string]string{EnvEndpoint: url}),
		Steps: []resource.TestStep{
			{
				Config:      sampleDataSource(1),
				ExpectError: wrapped(`(?s)Missing Volcengine credential: access_key.*VOLCENGINE_ACCESS_KEY.*Missing Volcengine credential: secret_key.*VOLCENGINE_SECRET_KEY`),
			},
			{
				Config:      `provider "volcrtc" { access_key = "` + emulator.SampleAccessKey + `" }` + sampleDataSource(1),
				ExpectError: wrapped(`(?s)Missing Volcengine credential: secret_key.*Set "secret_key" in the provider "volcrtc" block or the\s+VOLCENGINE_SECRET_KEY environment variable`),
			},
			{
				Config: `provider "volcrtc" {
  access_key = "` + emulator.SampleAccessKey + `"
  secret_key = "` + emulator.SampleSecretKey + `"
}` + sampleDataSource(10001),
			},
		},
	})
}

// Environment values are checked like the block's.
func TestAccConversationParticipants_badEnvironment(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	badRegion := sampleEnv(url)
	badRegion[EnvRegion] = "us-east-1"
	badEndpoint := sampleEnv(url)
	badEndpoint[EnvEndpoint] = "not a url"
	// One t.Parallel for the test: the second case runs after the first.
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(badRegion),
		Steps: []resource.TestStep{
			{Config: sampleDataSource(1), ExpectError: wrapped(`(?s)Unsupported region.*"us-east-1" \(from VOLCENGINE_REGION\)`)},
			// The block wins, so the bad environment value is never used.
			{Config: `provider "volcrtc" { region = "cn-north-1" }` + sampleDataSource(10001)},
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(badEndpoint),
		Steps: []resource.TestStep{
			{Config: sampleDataSource(1), ExpectError: wrapped(`(?s)Invalid endpoint.*VOLCENGINE_ENDPOINT`)},
			{Config: `provider "volcrtc" { endpoint = "` + url + `" }` + sampleDataSource(10001)},
		},
	})
}

// API errors become diagnostics with Code, Message, RequestId and a hint.
func TestAccConversationParticipants_apiErrors(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	wrongSecret := `provider "volcrtc" { secret_key = "wrong-secret" }`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config:      wrongSecret + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Volcengine IM OpenAPI error: SignatureDoesNotMatch.*Code: SignatureDoesNotMatch.*HTTP status: 401.*RequestId: emu-\d+-\d+.*CodeN: 100010.*Check secret_key`),
			},
			{
				Config:      `provider "volcrtc" { access_key = "AKLTNOBODY" }` + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)InvalidAccessKey.*HTTP status: 401.*RequestId: emu-.*Check access_key`),
			},
			{
				Config:      dataSourceConfig("100001", "43", 1),
				ExpectError: wrapped(`(?s)ConversationNotFound.*Message: conversation 43 not found.*HTTP status: 400.*RequestId: emu-.*Check conversation_short_id`),
			},
			{
				Config:      dataSourceConfig("99", "43", 1),
				ExpectError: wrapped(`(?s)AppNotFound.*Check app_id`),
			},
			{
				// The SDK would return this as an empty success.
				PreConfig:   func() { emu.SetErrorsAsHTTP200(true) },
				Config:      dataSourceConfig("100001", "43", 1),
				ExpectError: wrapped(`(?s)Volcengine IM OpenAPI error: ConversationNotFound.*HTTP status: 200.*RequestId: emu-`),
			},
			{
				Config:      wrongSecret + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)SignatureDoesNotMatch.*HTTP status: 200.*RequestId: emu-`),
			},
			{
				PreConfig: func() {
					emu.SetErrorsAsHTTP200(false)
					emu.SetFault(&emulator.Fault{Status: 403, Code: "AccessDenied", CodeN: 100013,
						Message: "User is not authorized to perform: rtc:BatchGetConversationParticipant"})
				},
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)AccessDenied.*not authorized.*HTTP status: 403.*lack permission`),
			},
			func() resource.TestStep {
				s := lastGood()
				s.PreConfig = func() { emu.SetFault(nil) }
				return s
			}(),
		},
	})
}

// A machine clock far off gets a hint about the clock.
func TestAccConversationParticipants_clockSkew(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{Now: func() time.Time { return time.Now().Add(-time.Hour) }})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)InvalidTimestamp.*CodeN: 100006.*Check this machine's clock`),
			},
			{Config: `provider "volcrtc" {}`},
		},
	})
}

// Nothing listening: a transport error, not an API error.
func TestAccConversationParticipants_unreachable(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config:      `provider "volcrtc" { endpoint = "http://127.0.0.1:1" }` + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Cannot reach the Volcengine IM OpenAPI.*127.0.0.1:1.*Check endpoint`),
			},
			lastGood(),
		},
	})
}
