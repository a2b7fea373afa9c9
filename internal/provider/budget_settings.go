// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// The settings of a request budget shared beyond one machine, through
// Redis (see imclient's budget_redis.go).

// EnvBudgetRedisURL is budget_redis_url's environment variable.
const EnvBudgetRedisURL = "VOLCRTC_BUDGET_REDIS_URL"

func budgetRedisURLAttribute() schema.StringAttribute {
	return schema.StringAttribute{
		MarkdownDescription: "A Redis server (`redis://[user:password@]host:port[/db]`, or `rediss://` for TLS) " +
			"through which every provider process that uses the same access key, endpoint and Redis shares one " +
			"request budget per action, on any machine: CI runners, Atlantis or Terraform Cloud agents, Terragrunt " +
			"fleets. Reservations are atomic in Redis, on Redis's clock, and the adaptive rate lives there too. " +
			"When Redis cannot be used (unreachable, slower than 250 ms, full, refusing the password, answering " +
			"nonsense) each process paces itself by its `budget_scope` budget, with one warning, and tries Redis " +
			"again after a backoff; reservations further ahead than any fleet makes (planted there) are ignored " +
			"with the same warning. Unset (the default), nothing connects to Redis. Falls back to `" +
			EnvBudgetRedisURL + "`. A secret: never written to logs, state or diagnostics (they name host and " +
			"port at most). A server certificate from a private CA is trusted through `SSL_CERT_FILE`.",
		Optional:  true,
		Sensitive: true,
	}
}

func budgetShareAttribute() schema.NumberAttribute {
	return schema.NumberAttribute{
		MarkdownDescription: "The fraction of `max_qps` (or of an action's lower documented limit) that the " +
			"budget may use in all, greater than 0 and at most 1 (default 1). With `budget_redis_url`, the whole " +
			"fleet together stays within it: an account whose own servers need 40 calls a second gives Terraform " +
			"60 with `max_qps = 100` and `budget_share = 0.6`, however many runners there are.",
		Optional:   true,
		Validators: []validator.Number{shareValidator{}},
	}
}

// shareValidator accepts numbers in (0, 1].
type shareValidator struct{}

func (shareValidator) Description(context.Context) string {
	return "value must be greater than 0 and at most 1"
}

func (v shareValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (shareValidator) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	f := req.ConfigValue.ValueBigFloat()
	if f.Sign() <= 0 || f.Cmp(big.NewFloat(1)) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s value must be greater than 0 and at most 1, got: %s", req.Path, numberText(f)))
	}
}

// budgetShare is the share set, or 1.
func budgetShare(n types.Number) float64 {
	if n.IsNull() || n.IsUnknown() {
		return 1
	}
	f, _ := n.ValueBigFloat().Float64()
	return f
}

// checkBudgetRedisURL checks the URL, from the block or the environment,
// without quoting it: it holds the password. The error has no attribute
// path on purpose: Terraform prints the source line of the attribute a
// diagnostic names, sensitive or not, and that line holds the URL.
func checkBudgetRedisURL(raw string) diag.Diagnostics {
	var diags diag.Diagnostics
	if raw == "" {
		return diags
	}
	if err := imclient.CheckRedisURL(raw); err != nil {
		diags.AddError("Invalid budget_redis_url",
			"The provider's budget_redis_url (from the provider block, or "+EnvBudgetRedisURL+" when the block has none) "+
				"cannot be used: "+err.Error()+". Its value is not shown, here or in logs: it may hold a password.")
	}
	return diags
}
