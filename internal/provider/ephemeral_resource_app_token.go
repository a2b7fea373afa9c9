// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"math"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/ephemeralvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

const (
	defaultTokenValidity = time.Hour
	// minTokenValidity: ExpireTime is in whole seconds, and a token must
	// not be born expired.
	minTokenValidity = time.Second
	maxTokenValidity = 30 * 24 * time.Hour
)

var (
	_ ephemeral.EphemeralResource                     = (*appTokenResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigure        = (*appTokenResource)(nil)
	_ ephemeral.EphemeralResourceWithConfigValidators = (*appTokenResource)(nil)
)

func newAppTokenResource() ephemeral.EphemeralResource { return &appTokenResource{now: time.Now} }

// appTokenResource issues a login token for a user. As an ephemeral
// resource its result is never written to the plan or the state.
type appTokenResource struct {
	data *providerData
	now  func() time.Time
}

type appTokenModel struct {
	AppID     types.Number `tfsdk:"app_id"`
	UserID    types.Number `tfsdk:"user_id"`
	UserIDStr types.String `tfsdk:"user_id_str"`
	ValidFor  types.String `tfsdk:"valid_for"`
	Token     types.String `tfsdk:"token"`
	ExpiresAt types.String `tfsdk:"expires_at"`
}

func (r *appTokenResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_app_token"
}

func (r *appTokenResource) Schema(_ context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues a login token for one user of an RTC application with the OpenAPI action `GetAppToken`, " +
			"for example for a test user in an acceptance test. An ephemeral resource: the token is never written to " +
			"the plan or the state. Needs Terraform 1.10 or later, or OpenTofu 1.11 or later.",
		Attributes: map[string]schema.Attribute{
			"app_id": schema.NumberAttribute{
				MarkdownDescription: "ID of the RTC application (a whole number, 1 to 2147483647).",
				Required:            true,
				Validators:          []validator.Number{wholeNumber{1, math.MaxInt32}},
			},
			"user_id": schema.NumberAttribute{
				MarkdownDescription: "User the token is for (a positive 64-bit whole number). Exactly one of `user_id` and `user_id_str`.",
				Optional:            true,
				Validators:          []validator.Number{wholeNumber{1, math.MaxInt64}},
			},
			"user_id_str": schema.StringAttribute{
				MarkdownDescription: "User the token is for, for apps that use string user IDs. Exactly one of `user_id` and `user_id_str`.",
				Optional:            true,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"valid_for": schema.StringAttribute{
				MarkdownDescription: "How long the token is valid, as a duration such as `\"30m\"` or `\"12h\"` (default `\"1h\"`; " +
					"at least `\"1s\"`, at most `\"720h\"`, 30 days). The expiry is rounded up to a whole second.",
				Optional:   true,
				Validators: []validator.String{durationValidator{min: minTokenValidity, max: maxTokenValidity}},
			},
			"token": schema.StringAttribute{
				MarkdownDescription: "The login token. Sensitive; never in the plan or the state.",
				Computed:            true,
				Sensitive:           true,
			},
			"expires_at": schema.StringAttribute{
				MarkdownDescription: "When the token expires, as an RFC 3339 timestamp in UTC.",
				Computed:            true,
			},
		},
	}
}

func (r *appTokenResource) ConfigValidators(context.Context) []ephemeral.ConfigValidator {
	return []ephemeral.ConfigValidator{
		ephemeralvalidator.ExactlyOneOf(path.MatchRoot("user_id"), path.MatchRoot("user_id_str")),
	}
}

func (r *appTokenResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	r.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (r *appTokenResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	c, deferred, diags := r.data.prepare(ctx, req.ClientCapabilities.DeferralAllowed, "opening volcrtc_app_token", adviceDependsOn)
	if deferred {
		resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonProviderConfigUnknown}
		return
	}
	if resp.Diagnostics.Append(diags...); c == nil {
		return
	}
	defer c.stop()
	client, ctx := c.client, c.ctx
	if !req.Config.Raw.IsFullyKnown() {
		if req.ClientCapabilities.DeferralAllowed {
			resp.Deferred = &ephemeral.Deferred{Reason: ephemeral.DeferredReasonEphemeralResourceConfigUnknown}
			return
		}
		resp.Diagnostics.Append(unknownArguments(req.Config.Raw)...)
		return
	}
	var m appTokenModel
	if resp.Diagnostics.Append(req.Config.Get(ctx, &m)...); resp.Diagnostics.HasError() {
		return
	}
	validFor := defaultTokenValidity
	if !m.ValidFor.IsNull() {
		validFor, _ = time.ParseDuration(m.ValidFor.ValueString()) // the validator ran
	}
	in := imclient.AppTokenInput{AppID: int32Of(m.AppID), ExpiresAt: tokenExpiry(r.now(), validFor)}
	if m.UserIDStr.IsNull() {
		in.UserID = int64Of(m.UserID)
	} else {
		s := m.UserIDStr.ValueString()
		in.UserIDStr = &s
	}
	token, err := client.GetAppToken(ctx, in)
	if err != nil {
		resp.Diagnostics.Append(errorDiagnostic(err))
		return
	}
	m.Token = types.StringValue(token)
	m.ExpiresAt = types.StringValue(in.ExpiresAt.UTC().Format(time.RFC3339))
	resp.Diagnostics.Append(resp.Result.Set(ctx, m)...)
}

// tokenExpiry is validFor after now, rounded up to the whole second the
// API's ExpireTime and expires_at carry: rounded down, a token of one
// second was sent an ExpireTime before the request arrived.
func tokenExpiry(now time.Time, validFor time.Duration) time.Time {
	t := now.Add(validFor)
	if whole := t.Truncate(time.Second); whole.Before(t) {
		return whole.Add(time.Second)
	}
	return t
}
