// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// hint tells a user what to check for the common codes, naming the
// provider's attributes and environment variables, or "".
func hint(e *imclient.APIError) string {
	if e.BatchSize > 0 && e.TooManyIDs() {
		what, check := "user ID(s)", "app_id and conversation_short_id"
		switch e.Action {
		case imclient.ActionBatchGetConversations:
			what, check = "conversation ID(s)", "app_id"
		case imclient.ActionBatchGetUser:
			check = "app_id and user_ids"
		}
		return fmt.Sprintf("The API refused %d %s in one call, even after splitting larger calls: "+
			"check %s, and the API's message above.", e.BatchSize, what, check)
	}
	switch e.Code {
	case "InvalidAccessKey":
		return "Check access_key (or " + EnvAccessKey + "): the key is unknown or disabled."
	case "SignatureDoesNotMatch":
		return "Check secret_key (or " + EnvSecretKey + ") and region: the request was signed with a secret or region the API does not accept."
	case "MissingAuthenticationToken", "MissingSignature":
		return "Check that access_key and secret_key are set, and session_token when using STS credentials."
	case "InvalidTimestamp":
		return "Check this machine's clock: a signature is valid for 15 minutes and the clock seems to be off."
	case "AccessDenied", "NoAuth":
		return "The credentials are valid but lack permission for the RTC IM OpenAPI or for this app_id."
	case "InvalidActionOrVersion":
		return "The endpoint does not serve " + e.Action + " " + imclient.APIVersion + ": check endpoint and region."
	case "FlowLimitExceeded":
		return "The account's request budget (100 per second for this action) is exhausted. Lower max_qps, or raise max_retries to wait longer."
	case "AppNotFound":
		return "Check app_id: no such RTC application for these credentials."
	case imclient.CodeConversationNotFound:
		return "Check conversation_short_id: no such conversation in this application."
	}
	return ""
}
