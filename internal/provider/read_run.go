// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Running a spec's read: the one path both ways into a read take (the
// framework's Read through readInto, the server's own ReadDataSource
// through runRead): configured and deferral checks, the read, the state
// encoded within Terraform's message limit.

// bytesPerRecord is about what one member or conversation takes in state.
const bytesPerRecord = 320

// encodeState writes st with the spec's attributes, and returns its bytes.
func encodeState(s spec, st state, diags *diag.Diagnostics) []byte {
	return encodeStateWithin(maxStateBytes, s.names(), st, diags)
}

func encodeStateWithin(limit int, names []string, st state, diags *diag.Diagnostics) []byte {
	n := 0
	for _, v := range st {
		if r, ok := v.(records); ok {
			n += r.count()
		}
	}
	w := newStateWriter(512+n*bytesPerRecord, limit)
	w.writeState(names, st)
	b, err := w.bytes()
	var big *stateTooLargeError
	switch {
	case errors.As(err, &big):
		diags.Append(tooMuchData(fmt.Sprintf("The API's answer was read in full (%d records; %s).", n, big), readLess))
	case err != nil:
		diags.Append(bugDiagnostic("Cannot build the data source's state", fmt.Errorf("encoding state: %w", err)))
	}
	return b
}

// readOutcome is what a read gives either way into it: state, or a
// deferral (the state is then unknown), with diagnostics.
type readOutcome struct {
	state    []byte
	deferred tfprotov6.DeferredReason // DeferredReasonUnknown (0) when not deferred
	diags    diag.Diagnostics
}

// runRead is a data source's read, for both ways into it (readInto and
// server.ReadDataSource): it defers or explains what is not known yet,
// then runs the spec's read and encodes its state.
func runRead(ctx context.Context, data *providerData, deferralAllowed bool, config tftypes.Value, s spec) readOutcome {
	c, deferred, diags := data.prepare(ctx, deferralAllowed, "reading data sources", adviceDependsOn)
	if deferred {
		return readOutcome{deferred: tfprotov6.DeferredReasonProviderConfigUnknown}
	}
	if c == nil {
		return readOutcome{diags: diags}
	}
	defer c.stop()
	client, ctx := c.client, c.ctx
	if !config.IsFullyKnown() {
		if deferralAllowed {
			return readOutcome{deferred: tfprotov6.DeferredReasonResourceConfigUnknown}
		}
		return readOutcome{diags: unknownArguments(config)}
	}
	a, argDiags := arguments(config)
	if diags.Append(argDiags...); diags.HasError() {
		return readOutcome{diags: diags}
	}
	st, readDiags := s.read(ctx, client, a)
	if diags.Append(readDiags...); diags.HasError() {
		return readOutcome{diags: diags}
	}
	diags.Append(budgetWarnings(client)...)
	b := encodeState(s, st, &diags)
	return readOutcome{state: b, diags: diags}
}

// unknownArguments explains, on each argument not known yet, that the read
// must wait for it. Terraform normally waits by itself; this guards a CLI
// that asks anyway without being able to defer.
func unknownArguments(config tftypes.Value) diag.Diagnostics {
	var diags diag.Diagnostics
	var a map[string]tftypes.Value
	if err := config.As(&a); err != nil || config.IsNull() {
		diags.AddError("Data source configuration is not known yet",
			"The configuration of this data source is not known until apply, and this Terraform version cannot "+
				"defer reading it. Make the data source wait with depends_on = [<the resource that produces its arguments>].")
		return diags
	}
	names := make([]string, 0, len(a))
	for name := range a {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if !a[name].IsFullyKnown() {
			diags.AddAttributeError(path.Root(name), "Argument not known yet",
				fmt.Sprintf("%s depends on a value known only after apply, and this Terraform version cannot defer "+
					"reading the data source. Make the data source wait with depends_on = [<the resource that "+
					"produces it>], so it is read during apply.", name))
		}
	}
	return diags
}

// readInto is a data source's Read through the framework, for servers
// built without NewServer: the same read, its state decoded for the
// framework. NewServer's server answers ReadDataSource directly.
func readInto(ctx context.Context, data *providerData, req datasource.ReadRequest, resp *datasource.ReadResponse, s spec) {
	typ := resp.State.Schema.Type().TerraformType(ctx)
	out := runRead(ctx, data, req.ClientCapabilities.DeferralAllowed, req.Config.Raw, s)
	if resp.Diagnostics.Append(out.diags...); out.deferred != 0 {
		resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReason(out.deferred)}
		resp.State.Raw = tftypes.NewValue(typ, tftypes.UnknownValue)
		return
	}
	if out.diags.HasError() {
		return
	}
	v, err := (&tfprotov6.DynamicValue{MsgPack: out.state}).Unmarshal(typ)
	if err != nil {
		resp.Diagnostics.Append(bugDiagnostic("Cannot build the data source's state", err))
		return
	}
	resp.State.Raw = v
}
