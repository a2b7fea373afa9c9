// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// Credentials that come from a resource are unknown during the first plan.
// Configure must accept that; a data source that depends on the resource
// is read at apply time, and one that does not gets an actionable error.
func TestAccProvider_unknownCredentialsAtPlan(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	keyFromResource := `
resource "terraform_data" "key" {
  input = "` + emulator.SampleAccessKey + `"
}
provider "volcrtc" {
  access_key = terraform_data.key.output
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(map[string]string{EnvEndpoint: url, EnvSecretKey: emulator.SampleSecretKey}),
		Steps: []resource.TestStep{
			{
				Config:      keyFromResource + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Provider configuration is not known yet.*access_key.*depends_on = \[<that resource>\]`),
			},
			{
				Config: keyFromResource + `
data "volcrtc_conversation_participants" "test" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [10001]
  depends_on            = [terraform_data.key]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants").AtSliceIndex(0).AtMapKey("nick_name"), knownvalue.StringExact("Grace")),
				},
			},
		},
	})
}

// volc-sdk-golang's own variables and ~/.volc/config are never read.
func TestAccProvider_ignoresSDKCredentialSources(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".volc"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := `{"ak":"` + emulator.SampleAccessKey + `","sk":"` + emulator.SampleSecretKey + `"}`
	if err := os.WriteFile(filepath.Join(home, ".volc", "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("VOLC_ACCESSKEY", emulator.SampleAccessKey)
	t.Setenv("VOLC_SECRETKEY", emulator.SampleSecretKey)
	for _, k := range []string{EnvAccessKey, EnvSecretKey, EnvSessionToken, EnvRegion} {
		t.Setenv(k, "")
	}
	t.Setenv(EnvEndpoint, url)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: realFactories(), // the process environment
		Steps: []resource.TestStep{
			{
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Missing Volcengine credential: access_key.*Missing Volcengine credential: secret_key`),
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
