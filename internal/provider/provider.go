// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Package provider implements the volcrtc Terraform provider.
package provider

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// Environment variables read when an attribute is not set in the block.
const (
	EnvAccessKey    = "VOLCENGINE_ACCESS_KEY"
	EnvSecretKey    = "VOLCENGINE_SECRET_KEY"
	EnvSessionToken = "VOLCENGINE_SESSION_TOKEN"
	EnvRegion       = "VOLCENGINE_REGION"
	EnvEndpoint     = "VOLCENGINE_ENDPOINT"
	// EnvBudgetDir moves the directory of machine-wide request budgets.
	EnvBudgetDir = "VOLCRTC_BUDGET_DIR"
)

var (
	_ provider.Provider                       = (*volcrtcProvider)(nil)
	_ provider.ProviderWithEphemeralResources = (*volcrtcProvider)(nil)
)

type volcrtcProvider struct {
	version string
	getenv  func(string) string
	// interrupt is done when the plugin process got an interrupt (Ctrl-C
	// in a terminal reaches the whole process group): reads stop then.
	// Nil for providers made without NewServer.
	interrupt context.Context
	// data is what Configure made, for server.ReadDataSource, which runs
	// in another RPC.
	data atomic.Pointer[providerData]
	// nestedMembers serves volcrtc_conversation_members' members as
	// nested attributes: the schema Terraform is given (members_flat.go).
	nestedMembers bool
}

// NewWithEnv returns a provider factory reading the environment through
// getenv, so tests control it exactly.
func NewWithEnv(version string, getenv func(string) string) func() provider.Provider {
	return func() provider.Provider {
		return &volcrtcProvider{version: version, getenv: getenv}
	}
}

type providerModel struct {
	AccessKey    types.String `tfsdk:"access_key"`
	SecretKey    types.String `tfsdk:"secret_key"`
	SessionToken types.String `tfsdk:"session_token"`
	Region       types.String `tfsdk:"region"`
	Endpoint     types.String `tfsdk:"endpoint"`

	BudgetScope           types.String `tfsdk:"budget_scope"`
	BudgetRedisURL        types.String `tfsdk:"budget_redis_url"`
	BudgetShare           types.Number `tfsdk:"budget_share"`
	MaxBatchSize          types.Number `tfsdk:"max_batch_size"`
	MaxQPS                types.Number `tfsdk:"max_qps"`
	MaxRetries            types.Number `tfsdk:"max_retries"`
	RequestTimeoutSeconds types.Number `tfsdk:"request_timeout_seconds"`
}

func (p *volcrtcProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "volcrtc"
	resp.Version = p.version
}

func (p *volcrtcProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	nonEmpty := []validator.String{stringvalidator.LengthAtLeast(1)}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Manages Volcengine RTC instant-messaging (IM) conversations and their members, and " +
			"reads through the IM OpenAPI conversations and every member, users' profiles, a user's conversations, " +
			"and a conversation's mute and block lists; issues users' login tokens as an ephemeral resource. Every " +
			"argument falls back to an environment variable; a value in the provider block wins over the environment.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				MarkdownDescription: "Volcengine access key ID. Falls back to `" + EnvAccessKey + "`. " +
					"Leading or trailing white space (a newline from `file()`) is an error: use `trimspace()`. " +
					"Needed (here or in the environment) before a data source is read; `terraform validate` works without it.",
				Optional:   true,
				Validators: nonEmpty,
			},
			"secret_key": schema.StringAttribute{
				MarkdownDescription: "Volcengine secret access key. Falls back to `" + EnvSecretKey + "`. " +
					"Never written to logs or state.",
				Optional:   true,
				Sensitive:  true,
				Validators: nonEmpty,
			},
			"session_token": schema.StringAttribute{
				MarkdownDescription: "Security token of temporary (STS) credentials, sent as `X-Security-Token`. " +
					"Falls back to `" + EnvSessionToken + "`. Never written to logs or state.",
				Optional:   true,
				Sensitive:  true,
				Validators: nonEmpty,
			},
			"region": schema.StringAttribute{
				MarkdownDescription: "API region: `cn-north-1` (default) or `ap-southeast-1`. Chooses the API host " +
					"and the signing region. Falls back to `" + EnvRegion + "`.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(imclient.Regions()...)},
			},
			"endpoint": schema.StringAttribute{
				MarkdownDescription: "Full URL (`https://host[:port][/path]`) that replaces the region's API host, " +
					"for a private endpoint, a proxy or the bundled emulator. Requests are still signed for " +
					"`region`. Falls back to `" + EnvEndpoint + "`.",
				Optional:   true,
				Validators: []validator.String{endpointValidator{}},
			},
			"max_batch_size": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("Most IDs sent in one API call (1 to 1000, default %d): user IDs of "+
					"`volcrtc_conversation_participants` and of `volcrtc_users` (which never sends more than the %d "+
					"`BatchGetUser` documents), conversation IDs of `volcrtc_conversations`, and the users of each member "+
					"write and of its read-back. Longer lists are split into several calls and merged back in order. The "+
					"API does not document its own limit: when it refuses a call as too long "+
					"(`ConversationParticipantsMoreThanLimit`, or `InvalidParam` about the list), the provider sends shorter "+
					"calls, finds the largest size the API takes, keeps it for the rest of the run and warns once, naming "+
					"the value to set here.", imclient.DefaultMaxBatchSize, imclient.MaxUsersPerCall),
				Optional:   true,
				Validators: []validator.Number{wholeNumber{1, 1000}},
			},
			"max_qps": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("Requests per second per API action (1 to 100, default %d), shared by "+
					"every data source and retry in the run and, with `budget_scope = \"machine\"`, by every provider "+
					"process on the machine that uses the same access key and endpoint (aliases, modules with their own "+
					"provider blocks, parallel runs). The API allows 100 per second per account and action (an action "+
					"documented lower keeps its own cap); the default leaves a tenth to the account's other clients. When "+
					"the API throttles anyway, the rate drops and climbs back by itself.", imclient.DefaultMaxQPS),
				Optional:   true,
				Validators: []validator.Number{wholeNumber{1, 100}},
			},
			"max_retries": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("How many times a call is retried after a server error (HTTP 500, 502, "+
					"503, 504, `InternalError`, `InternalServiceTimeout`) or a network error or timeout (0 to 10, default "+
					"%d). Retries back off exponentially with jitter and honour `Retry-After`. A throttled call (HTTP 429, "+
					"`FlowLimitExceeded`) is retried beyond this, paced by the request budget, for up to %d minutes. "+
					"Authentication, validation and not-found errors are never retried.", imclient.DefaultMaxRetries,
					int(imclient.ThrottleDeadline/time.Minute)),
				Optional:   true,
				Validators: []validator.Number{wholeNumber{0, 10}},
			},
			"budget_scope": schema.StringAttribute{
				MarkdownDescription: "Who shares the request budget: `machine` (default), every provider process that " +
					"uses the same access key and endpoint and the same budget directory, through small files in it: the " +
					"user's cache directory, so the processes of one user on one machine (two users, or containers with a " +
					"`HOME` of their own, do not share it; set `" + EnvBudgetDir + "` to one directory they all mount, of " +
					"the user the provider runs as and not writable by others without the sticky bit); or `process`, " +
					"this provider process alone. Use `process` only where nothing else calls with the same key; a " +
					"directory that cannot be used, or a lock held by another process for more than two seconds, falls " +
					"back to it with a warning.",
				Optional:   true,
				Validators: []validator.String{stringvalidator.OneOf(imclient.ScopeMachine, imclient.ScopeProcess)},
			},
			"budget_redis_url": budgetRedisURLAttribute(),
			"budget_share":     budgetShareAttribute(),
			"request_timeout_seconds": schema.NumberAttribute{
				MarkdownDescription: fmt.Sprintf("Time limit of one API call attempt, in seconds (1 to 300, default %d). "+
					"A call that times out is retried like a network error.", int(imclient.DefaultRequestTimeout/time.Second)),
				Optional:   true,
				Validators: []validator.Number{wholeNumber{1, 300}},
			},
		},
	}
}

func (p *volcrtcProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{interrupt: p.interrupt}
	// orEnv is a setting as configured, else from its environment variable
	// (an unknown one is noted: the configuration is known only at apply).
	orEnv := func(name string, v types.String, env string) string {
		if v.IsUnknown() {
			data.unknown = append(data.unknown, name)
			return ""
		}
		if !v.IsNull() {
			return v.ValueString()
		}
		return p.getenv(env)
	}
	cfg := imclient.Config{
		AccessKey:    orEnv("access_key", m.AccessKey, EnvAccessKey),
		SecretKey:    orEnv("secret_key", m.SecretKey, EnvSecretKey),
		SessionToken: orEnv("session_token", m.SessionToken, EnvSessionToken),
		Region:       orEnv("region", m.Region, EnvRegion),
		Endpoint:     orEnv("endpoint", m.Endpoint, EnvEndpoint),
		UserAgent:    userAgent(p.version, req.TerraformVersion),

		MaxBatchSize:   int(numberOr(m.MaxBatchSize, imclient.DefaultMaxBatchSize)),
		TrustBatchSize: !m.MaxBatchSize.IsNull() && !m.MaxBatchSize.IsUnknown(),
		MaxQPS:         float64(numberOr(m.MaxQPS, imclient.DefaultMaxQPS)),
		MaxRetries:     int(numberOr(m.MaxRetries, imclient.DefaultMaxRetries)),
		BudgetScope:    m.BudgetScope.ValueString(),
		BudgetDir:      p.getenv(EnvBudgetDir),
		BudgetRedisURL: orEnv("budget_redis_url", m.BudgetRedisURL, EnvBudgetRedisURL),
		BudgetShare:    budgetShare(m.BudgetShare),
		RequestTimeout: time.Duration(numberOr(m.RequestTimeoutSeconds, int64(imclient.DefaultRequestTimeout/time.Second))) * time.Second,
	}
	// In schema order, so that a diagnostic lists them the same way each run.
	for _, v := range []struct {
		name string
		n    types.Number
	}{{"max_batch_size", m.MaxBatchSize}, {"max_qps", m.MaxQPS}, {"max_retries", m.MaxRetries}, {"request_timeout_seconds", m.RequestTimeoutSeconds}} {
		if v.n.IsUnknown() {
			data.unknown = append(data.unknown, v.name)
		}
	}
	if m.BudgetScope.IsUnknown() {
		data.unknown = append(data.unknown, "budget_scope")
	}
	if m.BudgetShare.IsUnknown() {
		data.unknown = append(data.unknown, "budget_share")
	}
	data.secrets = append([]string{cfg.SecretKey, cfg.SessionToken}, imclient.RedisSecrets(cfg.BudgetRedisURL)...)
	ctx = data.logContext(ctx)

	if cfg.Region == "" {
		cfg.Region = imclient.DefaultRegion
	}
	resp.Diagnostics.Append(checkCredentials(m, p.getenv)...)
	resp.Diagnostics.Append(checkResolved(cfg)...)
	resp.Diagnostics.Append(checkBudgetRedisURL(cfg.BudgetRedisURL)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if cfg.AccessKey == "" && !data.isUnknown("access_key") {
		data.missing = append(data.missing, missingCredential{"access_key", EnvAccessKey})
	}
	if cfg.SecretKey == "" && !data.isUnknown("secret_key") {
		data.missing = append(data.missing, missingCredential{"secret_key", EnvSecretKey})
	}
	if len(data.unknown) == 0 && len(data.missing) == 0 {
		client, err := imclient.New(cfg)
		if err != nil {
			resp.Diagnostics.AddError("Cannot configure the volcrtc provider", err.Error())
			return
		}
		data.client = client
		tflog.Debug(ctx, "volcrtc provider configured", map[string]any{
			"region": cfg.Region, "endpoint": client.Endpoint(), "access_key": cfg.AccessKey,
			"session_token_set": cfg.SessionToken != "", "max_batch_size": cfg.MaxBatchSize, "max_qps": cfg.MaxQPS,
			"max_retries": cfg.MaxRetries, "request_timeout": cfg.RequestTimeout.String(), "budget_scope": cfg.BudgetScope,
			"budget_redis_url_set": cfg.BudgetRedisURL != "", "budget_share": cfg.BudgetShare,
		})
	}
	resp.DataSourceData = data
	resp.EphemeralResourceData = data
	resp.ResourceData = data
	p.data.Store(data)
}

func (p *volcrtcProvider) DataSources(context.Context) []func() datasource.DataSource {
	return dataSources()
}

func (p *volcrtcProvider) EphemeralResources(context.Context) []func() ephemeral.EphemeralResource {
	return []func() ephemeral.EphemeralResource{newAppTokenResource}
}

func (p *volcrtcProvider) Resources(context.Context) []func() resource.Resource {
	members := func() resource.Resource { return &membersResource{nested: p.nestedMembers} }
	return []func() resource.Resource{newConversationResource, members, newMemberResource, newUserResource,
		newBlockListResource, newWhitelistResource}
}

func userAgent(version, terraformVersion string) string {
	ua := "terraform-provider-volcrtc/" + version
	if terraformVersion != "" {
		ua += " Terraform/" + terraformVersion
	}
	return ua
}

// checkResolved checks what the schema validators could not: values from
// the environment, and an endpoint that would send requests unencrypted.
func checkResolved(cfg imclient.Config) diag.Diagnostics {
	var diags diag.Diagnostics
	if !slices.Contains(imclient.Regions(), cfg.Region) {
		diags.AddAttributeError(path.Root("region"), "Unsupported region",
			fmt.Sprintf("Region %q (from %s) is not supported. Use one of: %s.", cfg.Region, EnvRegion, strings.Join(imclient.Regions(), ", ")))
	}
	if cfg.Endpoint == "" {
		return diags
	}
	u, err := imclient.ParseEndpoint(cfg.Endpoint)
	switch {
	case err != nil:
		diags.AddAttributeError(path.Root("endpoint"), "Invalid endpoint", err.Error()+" (from "+EnvEndpoint+")")
	case u.Scheme == "http" && !isLoopback(u.Hostname()):
		diags.AddAttributeWarning(path.Root("endpoint"), "Endpoint is not encrypted",
			fmt.Sprintf("Requests to %s travel unencrypted: anyone on the network path can read the signed "+
				"requests, the session token and the members returned. Use https:// unless this is a trusted "+
				"local emulator or proxy.", u.Host))
	}
	return diags
}

// isLoopback reports whether host names this machine.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
