// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// `make demo` as a new user runs it, without Volcengine credentials: after
// the reads it creates a group and its members in the emulator, user 4242
// joins outside Terraform, and the plan shows 4242 removed by user ID;
// the apply removes them and the destroy removes what the demo made.
func TestAccDemo(t *testing.T) {
	bin := requireCLI(t)
	cmd := exec.Command("bash", "../../scripts/demo.sh")
	cmd.Env = []string{"TF_ACC_TERRAFORM_PATH=" + bin, "VOLCRTC_BUDGET_DIR=" + t.TempDir()}
	for _, kv := range os.Environ() {
		// Never the real API: no credentials, no endpoint, no other CLI.
		if !strings.HasPrefix(kv, "VOLCENGINE_") && !strings.HasPrefix(kv, "TF_") && !strings.HasPrefix(kv, "VOLCRTC_BUDGET_DIR=") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	b, err := cmd.CombinedOutput()
	out := string(b)
	if err != nil {
		t.Fatalf("demo.sh: %v\n%s", err, out)
	}
	_, plan, ok := strings.Cut(out, "plan: refresh finds 4242, and the plan removes them by user ID")
	plan, _, ok2 := strings.Cut(plan, "==> ")
	if !ok || !ok2 {
		t.Fatalf("the demo printed no plan after the join:\n%s", out)
	}
	flat := strings.Join(strings.Fields(plan), " ")
	for _, want := range []string{
		`# volcrtc_conversation_members.demo will be updated in-place`,
		`- "4242" = { - role = "member" -> null }`,
		`Plan: 0 to add, 1 to change, 0 to destroy.`,
	} {
		if !strings.Contains(flat, want) {
			t.Errorf("the demo's plan lacks %s:\n%s", want, plan)
		}
	}
	for _, want := range []string{"Apply complete! Resources: 0 added, 1 changed, 0 destroyed.", "Destroy complete! Resources: 2 destroyed."} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo's output lacks %q:\n%s", want, out)
		}
	}
}
