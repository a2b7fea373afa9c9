// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// errorDiagnostic explains a failed call to a user. Every text that came
// from the API was made printable by the client.
func errorDiagnostic(err error) diag.Diagnostic {
	if errors.Is(err, context.Canceled) {
		return diag.NewErrorDiagnostic("Read canceled", "The read was canceled before it finished; nothing was saved.")
	}
	var scan *imclient.ScanError
	if errors.As(err, &scan) {
		action, noun := scan.What()
		progress := fmt.Sprintf("Reading every %s stopped after %d page(s) and %d %s(s); none of them were saved, "+
			"because a partial list would look complete.", noun, scan.Pages, scan.Members, noun)
		if scan.Err == nil {
			advice := "Try again later; if it persists, report it to Volcengine support."
			if action == imclient.ActionScanParticipants {
				advice = "Try again later; if it persists, report the conversation to Volcengine support, or list the " +
					"members in participant_user_ids."
			}
			return diag.NewErrorDiagnostic("The "+noun+" list did not end", progress+"\n\n"+
				action+" could not be followed to its end: "+scan.Reason+". "+advice)
		}
		var big *imclient.TooLargeError
		if errors.As(scan.Err, &big) {
			return tooMuchData(fmt.Sprintf("Reading every %s stopped after %d page(s) and %d %s(s), as soon as their state "+
				"could no longer fit.", noun, scan.Pages, scan.Members, noun), readLessOf[action])
		}
		inner := errorDiagnostic(scan.Err)
		return diag.NewErrorDiagnostic(inner.Summary(), progress+"\n\n"+inner.Detail())
	}
	var (
		apiErr   *imclient.APIError
		redirect *imclient.RedirectError
		te       *imclient.TransportError
	)
	switch {
	case errors.As(err, &redirect):
		return diag.NewErrorDiagnostic("The endpoint answered with a redirect",
			redirect.Error()+".\n\nNothing was sent to the new location: it would have received the request's signature "+
				"and session token. Set endpoint (or "+EnvEndpoint+") to the API's own address, or to the final "+
				"address of your proxy or gateway.")
	case errors.As(err, &te) && te.Permanent:
		return diag.NewErrorDiagnostic("Cannot call the Volcengine IM OpenAPI",
			err.Error()+"\n\nThis would fail the same way again, so it was not retried. If the message is about a "+
				"certificate, the endpoint's TLS certificate is not trusted by this machine: check endpoint, or add its "+
				"CA to the system's trust store. If it is about a header, a credential holds a character that HTTP "+
				"cannot carry.")
	case !errors.As(err, &apiErr):
		return diag.NewErrorDiagnostic("Cannot reach the Volcengine IM OpenAPI",
			err.Error()+"\n\nCheck endpoint, region, network access and any HTTP(S) proxy settings; "+
				"raise request_timeout_seconds or max_retries if the API is slow.")
	case apiErr.Unreadable:
		detail := fmt.Sprintf("The response to %s could not be read: %s\nHTTP status: %d\nRequestId: %s",
			apiErr.Action, apiErr.Message, apiErr.HTTPStatus, orNone(apiErr.RequestID))
		if apiErr.Attempts > 1 {
			detail += fmt.Sprintf("\nAttempts: %d (retries exhausted; see max_retries)", apiErr.Attempts)
		}
		if apiErr.Envelope {
			return diag.NewErrorDiagnostic("Unreadable response from the Volcengine IM OpenAPI", detail+
				"\n\nThe answer came from the API (its envelope was intact), but its Result was not what "+apiErr.Action+
				" returns, so nothing of it was used. Try again; if it persists, report it to Volcengine support with the RequestId.")
		}
		return diag.NewErrorDiagnostic("Unreadable response from the Volcengine IM OpenAPI", detail+
			"\n\nThe answer was not the API's JSON: check that endpoint points at the API and not at a proxy's or gateway's page.")
	}
	summary := "Volcengine IM OpenAPI error"
	if apiErr.Code != "" {
		summary += ": " + apiErr.Code
	}
	detail := fmt.Sprintf("%s was rejected.\n\nCode: %s\nMessage: %s\nHTTP status: %d\nRequestId: %s",
		apiErr.Action, orNone(apiErr.Code), orNone(apiErr.Message), apiErr.HTTPStatus, orNone(apiErr.RequestID))
	if apiErr.CodeN != 0 {
		detail += fmt.Sprintf("\nCodeN: %d", apiErr.CodeN)
	}
	if apiErr.Attempts > 1 {
		detail += fmt.Sprintf("\nAttempts: %d (retries exhausted; see max_retries)", apiErr.Attempts)
	}
	if hint := hint(apiErr); hint != "" {
		detail += "\n\n" + hint
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// readLess says how to read less in one data source.
const readLess = "Read less in one data source: list the members you need in participant_user_ids, or split the IDs " +
	"over several data sources (for example with for_each over chunklist())."

// readLessOf says it for each paged read.
var readLessOf = map[string]string{
	imclient.ActionScanParticipants: readLess,
	imclient.ActionGetUserConversations: "Read them in parts: one data source per inbox_type, or volcrtc_conversations " +
		"for the conversations you need.",
	imclient.ActionBatchGetBlockParticipants: "This list cannot be read in parts; if it is not expected to be this large, " +
		"report the conversation to Volcengine support.",
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// bugDiagnostic is an error only a defect of this provider can cause: the
// one way every such failure is reported.
func bugDiagnostic(summary string, err error) diag.Diagnostic {
	return diag.NewErrorDiagnostic(summary, err.Error()+"\n\nThis is a bug in the provider; please report it.")
}

// ignoredCount is how many records of the API's answer a read left out,
// and why, as {2, "repeated"} or {1, "of another app"}.
type ignoredCount struct {
	n    int
	what string
}

// warnIgnored is the one warning, in the diagnostics and the log, about
// records of the API's answer a read left out of its result; noun is what
// they are ("users", "participants"). Nothing when every count is zero.
func warnIgnored(ctx context.Context, diags *diag.Diagnostics, noun string, counts ...ignoredCount) {
	detail := describeIgnored(counts...)
	if detail == "" {
		return
	}
	tflog.Warn(ctx, "ignored unexpected "+noun, map[string]any{"detail": detail})
	diags.AddWarning("Unexpected "+noun+" ignored",
		"The API's answer held "+noun+" that do not belong in this read's result; they were left out of it: "+detail+".")
}

// describeIgnored describes what a read left out, as "2 repeated, 1 not
// requested", or "".
func describeIgnored(counts ...ignoredCount) string {
	var parts []string
	for _, c := range counts {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return strings.Join(parts, ", ")
}
