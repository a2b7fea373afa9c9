// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// Hints name the provider's attributes and environment variables.
func TestHints(t *testing.T) {
	for _, tc := range []struct {
		err  imclient.APIError
		want string
	}{
		{imclient.APIError{Code: "SignatureDoesNotMatch"}, "Check secret_key (or VOLCENGINE_SECRET_KEY) and region"},
		{imclient.APIError{Code: "InvalidAccessKey"}, "Check access_key (or VOLCENGINE_ACCESS_KEY)"},
		{imclient.APIError{Code: "InvalidTimestamp"}, "Check this machine's clock"},
		{imclient.APIError{Code: "InvalidActionOrVersion", Action: "BatchGetConversations"}, "does not serve BatchGetConversations 2020-12-01"},
		{imclient.APIError{Code: "ConversationParticipantsMoreThanLimit", BatchSize: 1}, "refused 1 user ID(s) in one call, even after splitting"},
		{imclient.APIError{Code: "InvalidParam", Message: "UserIds has 10 IDs, more than the limit of 5", BatchSize: 1,
			Action: imclient.ActionBatchGetUser}, "refused 1 user ID(s) in one call, even after splitting larger calls: check app_id and user_ids,"},
		{imclient.APIError{Code: "InvalidParam", Message: "too many IDs", BatchSize: 2, Action: imclient.ActionBatchGetConversations},
			"refused 2 conversation ID(s) in one call, even after splitting larger calls: check app_id,"},
		{imclient.APIError{Code: "Whatever"}, ""},
	} {
		if got := hint(&tc.err); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%s: hint %q, want %q", tc.err.Code, got, tc.want)
		}
	}
}
