// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/numberplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// fullResource is what each of the provider's resources implements:
// Configure (from resourceBase), import, a plan checked against the API,
// and an identity (resource_identity.go). One assertion a resource keeps
// the list the same for all.
type fullResource interface {
	resource.ResourceWithConfigure
	resource.ResourceWithImportState
	resource.ResourceWithModifyPlan
	resource.ResourceWithIdentity
}

// resourceBase is what every resource keeps from the provider's
// Configure; embed it to get Configure.
type resourceBase struct {
	data *providerData
}

func (b *resourceBase) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	b.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

// writeCall prepares a Create, Update or Delete. By apply the provider's
// configuration is known, so nil comes only with errors that say why.
// Interrupting (Ctrl-C) cancels the context: a write stops before its
// next call.
func (b *resourceBase) writeCall(ctx context.Context, what string) (*call, diag.Diagnostics) {
	c, _, diags := b.data.prepare(ctx, false, what, adviceApplyFirst)
	return c, diags
}

// startRead reads the state into st and prepares the Read named what.
// nil means the Read ends here: on an error (in resp), or deferred
// (resp.Deferred set) until the provider's configuration is known.
// Otherwise the caller defers stop.
func (b *resourceBase) startRead(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse, st any, what string) *call {
	if resp.Diagnostics.Append(req.State.Get(ctx, st)...); resp.Diagnostics.HasError() {
		return nil
	}
	c, deferred, diags := b.data.prepare(ctx, req.ClientCapabilities.DeferralAllowed, what, adviceApplyFirst)
	resp.Diagnostics.Append(diags...)
	if deferred {
		resp.Deferred = &resource.Deferred{Reason: resource.DeferredReasonProviderConfigUnknown}
		return nil
	}
	return c
}

// startWrite prepares the Create, Update or Delete named what once the
// plan or state is read: got are those reads' diagnostics (req.Plan.Get,
// req.State.Get), so that a failed read stops it before any call. nil,
// with diags saying why, when a read or writeCall failed; otherwise the
// caller defers stop.
func (b *resourceBase) startWrite(ctx context.Context, what string, diags *diag.Diagnostics, got ...diag.Diagnostics) *call {
	for _, d := range got {
		diags.Append(d...)
	}
	if diags.HasError() {
		return nil
	}
	c, d := b.writeCall(ctx, what)
	diags.Append(d...)
	return c
}

// planCall prepares a ModifyPlan's lookups: nil, silently, when the
// provider cannot call the API yet (not configured, or configured with
// values known only at apply), since apply checks the same before any
// write.
func (b *resourceBase) planCall(ctx context.Context) *call {
	c, _, diags := b.data.prepare(ctx, true, "planning", adviceApplyFirst)
	if diags.HasError() {
		return nil
	}
	return c
}

// writeError explains a failed write: what the API said (errorDiagnostic's
// text) under a summary naming what failed, and after it what the state now
// records, so the user knows where the apply stopped. done describes that
// ("Nothing was created." or "The state records ...").
func writeError(err error, failed, done string) diag.Diagnostic {
	if errors.Is(err, context.Canceled) {
		return diag.NewErrorDiagnostic("Interrupted: "+failed,
			"The apply was interrupted (Ctrl-C) before this finished. "+done)
	}
	inner := errorDiagnostic(err)
	summary := "Cannot " + failed
	if code := apiCode(err); code != "" {
		summary += ": " + code
	}
	detail := inner.Detail()
	if done != "" {
		detail += "\n\n" + done
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// apiCode is the API's error code in err, or "".
func apiCode(err error) string {
	var apiErr *imclient.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code
	}
	return ""
}

// isAPICode reports whether err is the API refusing with one of codes.
func isAPICode(err error, codes ...string) bool {
	code := apiCode(err)
	return code != "" && slices.Contains(codes, code)
}

// importPart is one slash-separated part of an import ID: its name in
// the expected form (APP_ID) and its range.
type importPart struct {
	name     string
	min, max int64
}

var (
	importAppID          = importPart{"APP_ID", 1, math.MaxInt32}
	importConversationID = importPart{"CONVERSATION_SHORT_ID", 1, math.MaxInt64}
	importUserID         = importPart{"USER_ID", 1, math.MaxInt64}
)

// parseImportID splits id into the parts, each a whole number in its
// range, or says what form was expected and what is wrong.
func parseImportID(id string, parts ...importPart) ([]int64, diag.Diagnostics) {
	var diags diag.Diagnostics
	names := make([]string, len(parts))
	for i, p := range parts {
		names[i] = p.name
	}
	form := strings.Join(names, "/")
	fields := strings.Split(id, "/")
	if len(fields) != len(parts) {
		diags.AddError("Invalid import ID",
			fmt.Sprintf("Expected an import ID of the form %s (decimal numbers separated by a slash), got %q.", form, id))
		return nil, diags
	}
	out := make([]int64, len(parts))
	for i, f := range fields {
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil || n < parts[i].min || n > parts[i].max || strings.TrimSpace(f) != f {
			diags.AddError("Invalid import ID",
				fmt.Sprintf("Expected an import ID of the form %s; its %s, %q, must be a whole number between %d and %d.",
					form, parts[i].name, f, parts[i].min, parts[i].max))
			return nil, diags
		}
		out[i] = n
	}
	return out, nil
}

// readBackMismatch is the error for a value the API reports after a write
// that differs from the plan. The state then holds the API's value, so the
// next plan shows the difference; Terraform's own "Provider produced
// inconsistent result" would name neither value. why may say what to do.
func readBackMismatch(p path.Path, planned, got, why string) diag.Diagnostic {
	detail := fmt.Sprintf("After the change, the API reports %s = %s, but the plan said %s. The state now holds what the "+
		"API reports, so the next plan shows the difference.", p, got, planned)
	if why != "" {
		detail += " " + why
	}
	return diag.NewAttributeErrorDiagnostic(p, "The API kept a different value than planned", detail)
}

// Arguments the resources share. Each resource keeps its own description
// (what a change does differs between them); the checks and the
// replacement are the same everywhere.

// replacingAppID is a required app_id; changing it replaces the resource.
func replacingAppID(description string) schema.NumberAttribute {
	return schema.NumberAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators:          []validator.Number{wholeNumber{1, math.MaxInt32}},
		PlanModifiers:       []planmodifier.Number{numberplanmodifier.RequiresReplace()},
	}
}

// replacingID is a required positive 64-bit ID (a conversation's or a
// user's); changing it replaces the resource.
func replacingID(description string) schema.NumberAttribute {
	return schema.NumberAttribute{
		MarkdownDescription: description,
		Required:            true,
		Validators:          []validator.Number{wholeNumber{1, math.MaxInt64}},
		PlanModifiers:       []planmodifier.Number{numberplanmodifier.RequiresReplace()},
	}
}

// optionalUserID is an optional positive 64-bit user ID, changed in place.
func optionalUserID(description string) schema.NumberAttribute {
	return schema.NumberAttribute{
		MarkdownDescription: description,
		Optional:            true,
		Validators:          []validator.Number{wholeNumber{1, math.MaxInt64}},
	}
}
