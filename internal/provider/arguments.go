// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// args are a data source's configured arguments, read from the raw
// configuration value, which both ways into a read have (readInto and
// server.ReadDataSource).
type args map[string]tftypes.Value

func arguments(config tftypes.Value) (args, error) {
	var a map[string]tftypes.Value
	if err := config.As(&a); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return a, nil
}

// number is a number argument; null when absent.
func (a args) number(name string) types.Number {
	var f *big.Float
	if err := a[name].As(&f); err != nil || f == nil {
		return types.NumberNull()
	}
	return types.NumberValue(f)
}

// numbers is a list of numbers; nil when the list is null.
func (a args) numbers(name string) ([]types.Number, error) {
	var elems []tftypes.Value
	if v, ok := a[name]; !ok || v.IsNull() {
		return nil, nil
	}
	if err := a[name].As(&elems); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	out := make([]types.Number, len(elems))
	for i, e := range elems {
		var f *big.Float
		if err := e.As(&f); err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", name, i, err)
		}
		out[i] = types.NumberValue(f)
	}
	return out, nil
}

// boolean is a bool argument; null when absent.
func (a args) boolean(name string) (types.Bool, error) {
	var b *bool
	if err := a[name].As(&b); err != nil {
		return types.BoolNull(), fmt.Errorf("%s: %w", name, err)
	}
	if b == nil {
		return types.BoolNull(), nil
	}
	return types.BoolValue(*b), nil
}

// bytesPerRecord is about what one member or conversation takes in state.
const bytesPerRecord = 320

// reader reads one data source: its configuration in, its state out.
type reader func(ctx context.Context, client *imclient.Client, config tftypes.Value) ([]byte, diag.Diagnostics)

// encodeState runs write on a new state writer, sized for about records
// nested objects, and returns its bytes.
func encodeState(records int, write func(*stateWriter), diags *diag.Diagnostics) []byte {
	w := newStateWriter(512 + records*bytesPerRecord)
	write(w)
	b, err := w.bytes()
	if err != nil {
		diags.AddError("Cannot build the data source's state", err.Error()+" This is a bug in the provider.")
	}
	return b
}

// dataSource is what the data sources share: the provider's data from
// Configure, and a Read through the framework that runs their reader.
type dataSource struct {
	data *providerData
	read reader
}

func (d *dataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req, resp)
}

func (d *dataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readInto(ctx, d.data, req, resp, d.read)
}

// describeIgnored describes what a read left out of the API's answer, as
// "2 repeated, 1 not requested", or "".
func describeIgnored(counts ...ignoredCount) string {
	var parts []string
	for _, c := range counts {
		if c.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", c.n, c.what))
		}
	}
	return strings.Join(parts, ", ")
}

type ignoredCount struct {
	n    int
	what string
}

// readInto is a data source's Read through the framework, for servers
// built without NewServer: the same read, its state decoded for the
// framework. NewServer's server answers ReadDataSource directly.
func readInto(ctx context.Context, data *providerData, req datasource.ReadRequest, resp *datasource.ReadResponse, read reader) {
	client, ctx, deferred, diags := data.readClient(ctx, req.ClientCapabilities.DeferralAllowed)
	if deferred {
		resp.Deferred = &datasource.Deferred{Reason: datasource.DeferredReasonProviderConfigUnknown}
		return
	}
	if resp.Diagnostics.Append(diags...); client == nil {
		return
	}
	b, diags := read(ctx, client, req.Config.Raw)
	if resp.Diagnostics.Append(diags...); diags.HasError() {
		return
	}
	v, err := (&tfprotov6.DynamicValue{MsgPack: b}).Unmarshal(resp.State.Schema.Type().TerraformType(ctx))
	if err != nil {
		resp.Diagnostics.AddError("Cannot build the data source's state", err.Error()+" This is a bug in the provider.")
		return
	}
	resp.State.Raw = v
}
