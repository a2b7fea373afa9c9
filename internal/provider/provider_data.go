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

// providerData is what Configure hands to data sources: a client, or the
// reason there is none yet.
type providerData struct {
	client  *imclient.Client
	unknown []string // attributes not known until apply
	missing []missingCredential
	secrets []string
	// interrupt, when done, stops every read (see volcrtcProvider).
	interrupt context.Context
	// gone is the conversations a refresh of this run found gone.
	gone goneConversations
	// transfers is what this walk plans and applies of owner transfers
	// beside member changes (owner_transfer.go).
	transfers ownerTransfers
}

type missingCredential struct{ attr, env string }

func (d *providerData) isUnknown(attr string) bool {
	for _, a := range d.unknown {
		if a == attr {
			return true
		}
	}
	return false
}

// logContext masks the secret and the session token in every log line
// written with the returned context.
func (d *providerData) logContext(ctx context.Context) context.Context {
	var s []string
	for _, v := range d.secrets {
		if v != "" {
			s = append(s, v)
		}
	}
	if len(s) == 0 {
		return ctx
	}
	ctx = tflog.MaskMessageStrings(ctx, s...)
	return tflog.MaskAllFieldValuesStrings(ctx, s...)
}

// configuredData takes the provider's data in a data source's or an
// ephemeral resource's Configure.
func configuredData(from any, diags *diag.Diagnostics) *providerData {
	if from == nil {
		return nil
	}
	data, ok := from.(*providerData)
	if !ok {
		diags.Append(bugDiagnostic("Unexpected provider data", fmt.Errorf("expected *providerData, got %T", from)))
	}
	return data
}

// interruptible is ctx, canceled too when the process gets an interrupt:
// during apply Terraform sends no StopProvider while it reads data sources
// or opens ephemeral resources, and its call's context ends only when it
// exits, so the interrupt the process group got is what stops a read
// there. d may be nil.
func (d *providerData) interruptible(ctx context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	if d == nil || d.interrupt == nil {
		return ctx, cancel
	}
	stop := context.AfterFunc(d.interrupt, cancel)
	return ctx, func() { stop(); cancel() }
}

// call is one operation's client, with the context it calls in: secrets
// masked in its logs, canceled on an interrupt. The caller defers stop.
type call struct {
	client *imclient.Client
	ctx    context.Context
	stop   context.CancelFunc
}

// What to do when the provider's configuration is known only at apply
// and Terraform cannot defer: a read can wait for what it comes from, a
// resource needs it applied first.
const (
	adviceDependsOn = "Make it wait for the resource that produces them with depends_on = [<that resource>], so it " +
		"runs during apply."
	adviceApplyFirst = "Give the provider block values known at plan time (variables, not other resources' " +
		"attributes), or apply the resources they come from first with -target."
)

// prepare is the one preamble of everything that calls the API (resource
// operations, ModifyPlan, data sources, the ephemeral resource): the
// client, or deferred (Terraform can wait for a provider configuration
// not known yet), or errors that say what is missing, for what (the
// operation, as "creating a conversation"), and what to do. d may be nil:
// the provider was not configured.
func (d *providerData) prepare(ctx context.Context, deferralAllowed bool, what, advice string) (*call, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	if d == nil {
		diags.AddError("Provider not configured", "The volcrtc provider was not configured before "+what+".")
		return nil, false, diags
	}
	if len(d.unknown) > 0 {
		if deferralAllowed {
			return nil, true, nil
		}
		diags.AddError("Provider configuration is not known yet",
			fmt.Sprintf("The provider attributes %s depend on values known only after apply, so the provider cannot "+
				"call the API for %s yet, and this Terraform version cannot wait. %s",
				strings.Join(d.unknown, ", "), what, advice))
		return nil, false, diags
	}
	if d.client == nil {
		for _, m := range d.missing {
			diags.AddError("Missing Volcengine credential: "+m.attr,
				fmt.Sprintf("The volcrtc provider needs %s for %s. Set %q in the provider \"volcrtc\" block or the %s "+
					"environment variable.", m.attr, what, m.attr, m.env))
		}
		if !diags.HasError() {
			diags.Append(bugDiagnostic("Provider not configured", errors.New("the volcrtc provider has no API client")))
		}
		return nil, false, diags
	}
	ctx, stop := d.interruptible(ctx)
	return &call{client: d.client, ctx: d.logContext(ctx), stop: stop}, false, nil
}

// batchSizeWarning says, once per provider instance and action, that the
// API refused the configured batch size and which one worked.
func batchSizeWarning(client *imclient.Client, action, what string, diags *diag.Diagnostics) {
	if size, ok := client.TakeBatchSizeNotice(action); ok {
		diags.AddWarning("The API refused the batch size; reading in smaller calls",
			fmt.Sprintf("%s refused calls of more %s, so this provider instance now sends at most %d per call and the read "+
				"succeeded. Set max_batch_size = %d in the provider block to skip the refused calls in later runs.", action, what, size, size))
	}
}

// budgetWarnings says, once per provider process, that the request budget
// could not be shared (the machine's file, or Redis) and this process
// paces itself alone. Every operation that calls the API ends with it (see
// server.withBudgetWarnings): a configuration of resources alone, or of
// ephemeral resources, is as blind to the fallback as one of data sources.
func budgetWarnings(client *imclient.Client) diag.Diagnostics {
	var diags diag.Diagnostics
	if client == nil {
		return diags
	}
	if notice, ok := client.TakeBudgetNotice(); ok {
		diags.AddWarning("Request budget not shared",
			"This provider process paces its calls alone: the machine-wide request budget cannot be used ("+notice+"). "+
				"Other provider processes using the same access key (aliases, parallel runs) then spend the API's 100 "+
				"calls per second each, and may be throttled. Set "+EnvBudgetDir+" to a writable directory, or "+
				"budget_scope = \"process\" to say this is intended.")
	}
	if notice, ok := client.TakeRedisNotice(); ok {
		diags.AddWarning("Request budget not shared through Redis",
			"The request budget shared through budget_redis_url could not be used as it stood ("+notice+"). Whenever "+
				"Redis cannot be used, this provider process paces its calls by its own budget (budget_scope) and tries "+
				"Redis again after a backoff; every call still completes, but processes on other machines spend the "+
				"API's calls beside it meanwhile. Check that the server is up and reachable, the password and TLS "+
				"settings, and who else can write to it.")
	}
	return diags
}
