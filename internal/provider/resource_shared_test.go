// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

func TestParseImportID(t *testing.T) {
	got, diags := parseImportID("100001/9007199254740993", importAppID, importConversationID)
	if diags.HasError() || len(got) != 2 || got[0] != 100001 || got[1] != 9007199254740993 {
		t.Fatalf("got %v, %v", got, diags)
	}
	for id, want := range map[string]string{
		"100001":                  `of the form APP_ID/CONVERSATION_SHORT_ID (decimal numbers separated by a slash), got "100001"`,
		"100001/7/8":              `got "100001/7/8"`,
		"0/7":                     `its APP_ID, "0", must be a whole number between 1 and 2147483647`,
		"2147483648/7":            `its APP_ID, "2147483648"`,
		"100001/abc":              `its CONVERSATION_SHORT_ID, "abc", must be a whole number between 1 and 9223372036854775807`,
		"100001/-7":               `its CONVERSATION_SHORT_ID, "-7"`,
		"100001/ 7":               `its CONVERSATION_SHORT_ID, " 7"`,
		"100001/":                 `its CONVERSATION_SHORT_ID, ""`,
		"100001/1.5":              `its CONVERSATION_SHORT_ID, "1.5"`,
		"1/9223372036854775808":   `its CONVERSATION_SHORT_ID, "9223372036854775808"`,
		"100001/7000000000000001": "",
	} {
		_, diags := parseImportID(id, importAppID, importConversationID)
		if want == "" {
			if diags.HasError() {
				t.Errorf("%q: %v", id, diags)
			}
			continue
		}
		if !diags.HasError() || !strings.Contains(diags[0].Detail(), want) || diags[0].Summary() != "Invalid import ID" {
			t.Errorf("%q: got %v, want an error containing %q", id, diags, want)
		}
	}
	if _, diags := parseImportID("1/2/3", importAppID, importConversationID, importUserID); diags.HasError() {
		t.Errorf("three parts: %v", diags)
	}
}

func TestWriteError(t *testing.T) {
	apiErr := &imclient.APIError{Action: "CreateConversation", HTTPStatus: 200, Code: "OnlyOwnerCanOperator",
		Message: "only the owner", RequestID: "req-1"}
	d := writeError(fmt.Errorf("wrapped: %w", apiErr), "destroy the conversation", "The conversation is still in state.")
	if d.Summary() != "Cannot destroy the conversation: OnlyOwnerCanOperator" {
		t.Errorf("summary %q", d.Summary())
	}
	for _, want := range []string{"CreateConversation was rejected.", "RequestId: req-1", "\n\nThe conversation is still in state."} {
		if !strings.Contains(d.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, d.Detail())
		}
	}
	d = writeError(fmt.Errorf("call: %w", context.Canceled), "create the conversation", "Nothing was saved.")
	if d.Summary() != "Interrupted: create the conversation" || !strings.HasSuffix(d.Detail(), "Nothing was saved.") {
		t.Errorf("canceled: %q / %q", d.Summary(), d.Detail())
	}
	if !isAPICode(apiErr, "ConversationNotFound", "OnlyOwnerCanOperator") || isAPICode(context.Canceled, "") {
		t.Error("isAPICode")
	}
}

func TestReadBackMismatch(t *testing.T) {
	d := readBackMismatch(path.Root("ext"), `{"a" = "1"}`, `{"a" = "1", "b" = "2"}`, "The API merges ext.")
	want := `After the change, the API reports ext = {"a" = "1", "b" = "2"}, but the plan said {"a" = "1"}.`
	if !strings.HasPrefix(d.Detail(), want) || !strings.HasSuffix(d.Detail(), "The API merges ext.") {
		t.Errorf("detail %q", d.Detail())
	}
}

// A resource without a client says why, in the words of the operation.
func TestResourceCallWithoutClient(t *testing.T) {
	var none resourceBase
	if _, diags := none.writeCall(context.Background(), "creating a conversation"); !diags.HasError() ||
		diags[0].Detail() != "The volcrtc provider was not configured before creating a conversation." {
		t.Errorf("unconfigured: %v", diags)
	}
	missing := resourceBase{data: &providerData{missing: []missingCredential{{"secret_key", EnvSecretKey}}}}
	if _, diags := missing.writeCall(context.Background(), "creating a conversation"); !diags.HasError() ||
		!strings.Contains(diags[0].Detail(), "needs secret_key for creating a conversation") ||
		!strings.Contains(diags[0].Detail(), EnvSecretKey) {
		t.Errorf("missing: %v", diags)
	}
	unknown := resourceBase{data: &providerData{unknown: []string{"endpoint"}}}
	if _, deferred, diags := unknown.data.prepare(context.Background(), true, "reading a conversation", adviceApplyFirst); !deferred || diags.HasError() {
		t.Errorf("deferral allowed: %v %v", deferred, diags)
	}
	if _, _, diags := unknown.data.prepare(context.Background(), false, "reading a conversation", adviceApplyFirst); !diags.HasError() ||
		!strings.Contains(diags[0].Detail(), "endpoint depend on values known only after apply") {
		t.Errorf("deferral not allowed: %v", diags)
	}
}
