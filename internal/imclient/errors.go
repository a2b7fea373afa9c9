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
	// Envelope is set on an Unreadable answer that was the API's envelope
	// but whose Result was not what the action returns.
	Envelope bool
	// Set by the layers above one attempt.
	RetryAfter time.Duration // from the Retry-After header
	Attempts   int           // how many attempts were made
	BatchSize  int           // how many user IDs the failing call sent
}

var listSizeMessage = regexp.MustCompile(`(?i)ParticipantUserIds|too many|more than|exceed|limit`)

// TooManyIDs reports whether the API refused the call's list of IDs as too long.
func (e *APIError) TooManyIDs() bool {
	return e.Code == CodeParticipantsMoreThanLimit ||
		(e.Code == CodeInvalidParam && listSizeMessage.MatchString(e.Message))
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

// TransportError is a call that got no HTTP answer: connection refused,
// a timeout, a broken connection.
type TransportError struct {
	Action string
	Host   string
	Err    error
	// Permanent failures would fail the same way again and are not retried.
	Permanent bool
	Attempts  int
}

func (e *TransportError) Error() string {
	s := printable(fmt.Sprintf("calling %s at %s: %v", e.Action, e.Host, e.Err))
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (gave up after %d attempts)", e.Attempts)
	}
	return s
}

func (e *TransportError) Unwrap() error { return e.Err }

// RedirectError is a 3xx answer. A signed call never follows one: the
// target would receive the signature, the session token and the body.
type RedirectError struct {
	Action string
	Status int
	// Target is the Location's scheme and host, or a word saying it is
	// missing or unreadable; never its path or query.
	Target string
}

func (e *RedirectError) Error() string {
	return fmt.Sprintf("%s: the endpoint answered HTTP %d, a redirect to %s; signed API calls never follow redirects",
		e.Action, e.Status, e.Target)
}
