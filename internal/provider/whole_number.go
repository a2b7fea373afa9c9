// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"math"
	"math/big"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Integer arguments are declared as numbers, not Int64: the framework turns
// a fractional value (1.5) or one beyond int64 into a "Configuration Read
// Error" that calls itself a provider bug. wholeNumber reports the typo on
// the attribute instead, in the words int64validator uses for ranges.
type wholeNumber struct{ min, max int64 }

func (v wholeNumber) rangeText() string {
	if v.max == math.MaxInt64 {
		return fmt.Sprintf("at least %d", v.min)
	}
	return fmt.Sprintf("between %d and %d", v.min, v.max)
}

func (v wholeNumber) Description(context.Context) string {
	return "value must be a whole number " + v.rangeText()
}

func (v wholeNumber) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v wholeNumber) ValidateNumber(_ context.Context, req validator.NumberRequest, resp *validator.NumberResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	v.validate(req.Path, req.ConfigValue, &resp.Diagnostics)
}

// validate adds an error on p when n is not a whole number in range.
func (v wholeNumber) validate(p path.Path, n types.Number, diags *diag.Diagnostics) {
	if msg := v.check(n.ValueBigFloat()); msg != "" {
		diags.AddAttributeError(p, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s value %s, got: %s", p, msg, numberText(n.ValueBigFloat())))
	}
}

// check returns what is wrong with f, or "".
func (v wholeNumber) check(f *big.Float) string {
	if f == nil || f.IsInf() {
		return "must be a whole number " + v.rangeText()
	}
	if !f.IsInt() {
		return "must be a whole number " + v.rangeText() + " (no fraction)"
	}
	i, _ := f.Int(nil)
	switch {
	case i.Cmp(big.NewInt(v.min)) < 0:
		return "must be " + v.rangeText()
	case i.Cmp(big.NewInt(v.max)) > 0 && v.max == math.MaxInt64:
		return fmt.Sprintf("must be at most %d, the largest 64-bit ID", int64(math.MaxInt64))
	case i.Cmp(big.NewInt(v.max)) > 0:
		return "must be " + v.rangeText()
	}
	return ""
}

// numberText prints a whole number in full and any other in short form.
func numberText(f *big.Float) string {
	if f == nil {
		return "null"
	}
	if f.IsInt() {
		i, _ := f.Int(nil)
		return i.String()
	}
	return f.Text('g', 10)
}

// int64Of returns a validated number's value.
func int64Of(n types.Number) int64 {
	i, _ := n.ValueBigFloat().Int64()
	return i
}

// numberOr returns n's value, or def when n is null or unknown.
func numberOr(n types.Number, def int64) int64 {
	if n.IsNull() || n.IsUnknown() {
		return def
	}
	return int64Of(n)
}
