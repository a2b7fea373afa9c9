// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// args are a data source's configured arguments, read from the raw
// configuration value, which both ways into a read have (readInto and
// server.ReadDataSource). The schema's validators have run already: the
// checks here guard the conversion, on the argument's path. A value of a
// shape the schema does not allow is a bug, reported as one. Each getter
// returns its diagnostics; the read collects them.
type args struct {
	values map[string]tftypes.Value
}

func arguments(config tftypes.Value) (args, diag.Diagnostics) {
	var a map[string]tftypes.Value
	if err := config.As(&a); err != nil {
		return args{}, diag.Diagnostics{bugDiagnostic("Cannot read the configuration", fmt.Errorf("configuration: %w", err))}
	}
	return args{values: a}, nil
}

func argBug(name string, err error) diag.Diagnostics {
	return diag.Diagnostics{bugDiagnostic("Cannot read the configuration", fmt.Errorf("%s: %w", name, err))}
}

// number is a number argument; null when absent.
func (a args) number(name string) types.Number {
	var f *big.Float
	if err := a.values[name].As(&f); err != nil || f == nil {
		return types.NumberNull()
	}
	return types.NumberValue(f)
}

// whole is a whole-number argument within [lo, hi]; 0 when null.
func (a args) whole(name string, lo, hi int64) (int64, diag.Diagnostics) {
	n := a.number(name)
	if n.IsNull() {
		return 0, nil
	}
	var diags diag.Diagnostics
	wholeNumber{lo, hi}.validate(path.Root(name), n, &diags)
	return int64Of(n), diags
}

// appID is the app_id argument.
func (a args) appID() (int32, diag.Diagnostics) {
	n, diags := a.whole("app_id", 1, math.MaxInt32)
	return int32(n), diags
}

// id is a positive 64-bit ID argument.
func (a args) id(name string) (int64, diag.Diagnostics) { return a.whole(name, 1, math.MaxInt64) }

// ids is a list of positive 64-bit IDs; nil when the list is null.
func (a args) ids(name string) ([]int64, diag.Diagnostics) {
	v, ok := a.values[name]
	if !ok || v.IsNull() {
		return nil, nil
	}
	var elems []tftypes.Value
	if err := v.As(&elems); err != nil {
		return nil, argBug(name, err)
	}
	var diags diag.Diagnostics
	out := make([]int64, len(elems))
	for i, e := range elems {
		var f *big.Float
		if err := e.As(&f); err != nil || f == nil {
			diags.Append(argBug(fmt.Sprintf("%s[%d]", name, i), fmt.Errorf("not a number: %v", e))...)
			continue
		}
		n := types.NumberValue(f)
		wholeNumber{1, math.MaxInt64}.validate(path.Root(name).AtListIndex(i), n, &diags)
		out[i] = int64Of(n)
	}
	return out, diags
}

// flag is a bool argument; nil when null.
func (a args) flag(name string) (*bool, diag.Diagnostics) {
	var b *bool
	if err := a.values[name].As(&b); err != nil {
		return nil, argBug(name, err)
	}
	return b, nil
}

// text is a string argument; nil when null.
func (a args) text(name string) (*string, diag.Diagnostics) {
	var s *string
	if err := a.values[name].As(&s); err != nil {
		return nil, argBug(name, err)
	}
	return s, nil
}
