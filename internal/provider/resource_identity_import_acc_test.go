// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// An import block's identity that is not a whole number in range (a
// fraction, 0, a negative, 2^63) is refused on the attribute with the
// words the configuration's validators use, the same for each, and
// nothing is read or written. Needs a CLI with resource identity
// (Terraform 1.12+, OpenTofu 1.12+): elsewhere it skips, naming it.
func TestAccIdentity_importRefusesWhatIsNotAnID(t *testing.T) {
	t.Parallel()
	emu, url := startGroups(t, emulator.Options{})
	memberImport := func(conv, user string) string {
		return fmt.Sprintf(`
import {
  to = volcrtc_conversation_member.test
  identity = {
    app_id                = %d
    conversation_short_id = %s
    user_id               = %s
  }
}
`, emulator.SampleAppID, conv, user) + memberHCL(groupA, 900005, "")
	}
	membersImport := func(conv string) string {
		return fmt.Sprintf(`
import {
  to = volcrtc_conversation_members.test
  identity = {
    app_id                = %d
    conversation_short_id = %s
  }
}
`, emulator.SampleAppID, conv) + membersHCL(groupA, `{}`)
	}
	step := func(config, attr, got string) resource.TestStep {
		return resource.TestStep{
			Config:   config,
			PlanOnly: true,
			ExpectError: wrapped(`(?s)Invalid import identity .* The import block's identity sets ` + attr + ` = ` +
				regexp.QuoteMeta(got) + `: it must be a whole number between 1 and 9223372036854775807`),
		}
	}
	group := fmt.Sprint(groupA)
	resource.Test(t, resource.TestCase{
		TerraformVersionChecks:   identityCLIs,
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			step(memberImport(group, "900005.5"), "user_id", "900005.5"),
			step(memberImport(group, "0"), "user_id", "0"),
			step(memberImport(group, "-3"), "user_id", "-3"),
			step(memberImport(group, "9223372036854775808"), "user_id", "9223372036854775808"),
			step(memberImport("500.5", "900005"), "conversation_short_id", "500.5"),
			step(membersImport("500.5"), "conversation_short_id", "500.5"),
			step(membersImport("-1"), "conversation_short_id", "-1"),
		},
	})
	for _, r := range emu.Requests() {
		t.Errorf("a refused import called %s: %s", r.Action, r.RawBody)
	}
}
