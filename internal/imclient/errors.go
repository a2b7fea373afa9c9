// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// APIError is every failure the API answered: a non-2xx status, or a 2xx
// body whose ResponseMetadata.Error is set.
type APIError struct {
	Action     string
	HTTPStatus int
	Code       string
	CodeN      int64
	Message    string
	RequestID  string
	// Unreadable is set when the answer was not the API's envelope (a
	// gateway page, broken or oversized JSON): nothing rejected the call,
	// its response could not be read.
	Unreadable bool
	// Set by the layers above one attempt.
	RetryAfter time.Duration // from the Retry-After header
	Attempts   int           // how many attempts were made
	BatchSize  int           // how many user IDs the failing call sent
}

var listSizeMessage = regexp.MustCompile(`(?i)ParticipantUserIds|too many|more than|exceed|limit`)

// TooManyIDs reports whether the API refused the call's list of IDs as too long.
func (e *APIError) TooManyIDs() bool {
	return e.Code == "ConversationParticipantsMoreThanLimit" ||
		(e.Code == "InvalidParam" && listSizeMessage.MatchString(e.Message))
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s failed", e.Action)
	if e.Code != "" {
		fmt.Fprintf(&b, ": %s", e.Code)
		if e.CodeN != 0 {
			fmt.Fprintf(&b, " (%d)", e.CodeN)
		}
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	fmt.Fprintf(&b, " [HTTP %d", e.HTTPStatus)
	if e.RequestID != "" {
		fmt.Fprintf(&b, ", RequestId %s", e.RequestID)
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, ", gave up after %d attempts", e.Attempts)
	}
	b.WriteString("]")
	return printable(b.String())
}

// Hint tells a user what to check for the common codes, or "".
func (e *APIError) Hint() string {
	if e.BatchSize > 0 && e.TooManyIDs() {
		return fmt.Sprintf("The API refused %d user ID(s) in one call, even after splitting larger calls: "+
			"check app_id and conversation_short_id, and the API's message above.", e.BatchSize)
	}
	switch e.Code {
	case "InvalidAccessKey":
		return "Check access_key (or VOLCENGINE_ACCESS_KEY): the key is unknown or disabled."
	case "SignatureDoesNotMatch":
		return "Check secret_key (or VOLCENGINE_SECRET_KEY) and region: the request was signed with a secret or region the API does not accept."
	case "MissingAuthenticationToken", "MissingSignature":
		return "Check that access_key and secret_key are set, and session_token when using STS credentials."
	case "InvalidTimestamp":
		return "Check this machine's clock: a signature is valid for 15 minutes and the clock seems to be off."
	case "AccessDenied", "NoAuth":
		return "The credentials are valid but lack permission for the RTC IM OpenAPI or for this app_id."
	case "InvalidActionOrVersion":
		return "The endpoint does not serve BatchGetConversationParticipant 2020-12-01: check endpoint and region."
	case "FlowLimitExceeded":
		return "The account's request budget (100 per second for this action) is exhausted. Lower max_qps, or raise max_retries to wait longer."
	case "AppNotFound":
		return "Check app_id: no such RTC application for these credentials."
	case "ConversationNotFound":
		return "Check conversation_short_id: no such conversation in this application."
	}
	return ""
}
