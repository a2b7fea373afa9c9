// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// What a user sees when an apply repeated after a crash finds the
// conversation the first one made (its idempotency_key answers Exist):
// the warning, through a real CLI, and one conversation.
func TestAccConversationExistWarning(t *testing.T) {
	src := t.TempDir()
	const config = `terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}

resource "volcrtc_conversation" "incident" {
  app_id              = 100001
  owner_user_id       = 10001
  name                = "incident-room"
  idempotency_key     = "incident-2026-12-01"
  deletion_protection = false
}
`
	if err := os.WriteFile(filepath.Join(src, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCLI(t, src, emulator.Options{})
	// The first apply's create, made before it crashed: nothing in state.
	client, err := imclient.New(imclient.Config{AccessKey: demoAccessKey, SecretKey: demoSecretKey, Endpoint: c.emuURL,
		BudgetScope: imclient.ScopeProcess})
	if err != nil {
		t.Fatal(err)
	}
	first, err := client.CreateConversation(t.Context(), imclient.CreateConversationInput{AppID: 100001, OwnerUserID: 10001,
		Type: imclient.ConversationTypeGroup, Name: ptr("incident-room"), IdempotentID: "incident-2026-12-01"})
	if err != nil {
		t.Fatal(err)
	}
	out := strings.Join(strings.Fields(c.run("apply", "-auto-approve", "-input=false", "-no-color")), " ")
	for _, want := range []string{
		"Warning: The conversation already existed",
		fmt.Sprintf(`CreateConversation found conversation 100001/%d, created earlier with IdempotentId "incident-2026-12-01", `+
			"exactly as this configuration describes it, so nothing was created: this resource now manages 100001/%d.",
			first.ConversationShortID, first.ConversationShortID),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("apply output lacks %q:\n%s", want, out)
		}
	}
	if ids := c.emu.CreatedConversations(100001); len(ids) != 1 || ids[0] != first.ConversationShortID {
		t.Errorf("created %v, want only %d", ids, first.ConversationShortID)
	}
	if plan := c.run("plan", "-detailed-exitcode", "-input=false", "-no-color"); !strings.Contains(plan, "No changes.") {
		t.Errorf("the plan after adopting it is not empty:\n%s", plan)
	}
}

func ptr[T any](v T) *T { return &v }
