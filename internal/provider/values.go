// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

// Conversions between Terraform's values and Go's, shared by every
// resource: numbers held as types.Number (whole, validated by wholeNumber)
// and the API's IDs, strings and maps.

import (
	"maps"
	"math/big"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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

// int32Of returns a validated number's value as the API's 32-bit field
// (an app ID, a conversation's inbox type); wholeNumber bounds it.
func int32Of(n types.Number) int32 { return int32(int64Of(n)) }

// numberOr returns n's value, or def when n is null or unknown.
func numberOr(n types.Number, def int64) int64 {
	if n.IsNull() || n.IsUnknown() {
		return def
	}
	return int64Of(n)
}

// numberOf is v as a Terraform number.
func numberOf(v int64) types.Number { return types.NumberValue(new(big.Float).SetInt64(v)) }

// numberOrNull is *n as a Terraform number, null when n is nil.
func numberOrNull(n *int64) types.Number {
	if n == nil {
		return types.NumberNull()
	}
	return numberOf(*n)
}

// extMap is a configured ext for the API; nil when null.
func extMap(m types.Map) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	out := make(map[string]string, len(m.Elements()))
	for k, v := range m.Elements() {
		if s, ok := v.(types.String); ok {
			out[k] = s.ValueString()
		}
	}
	return out
}

// stringPtr is a configured string for the API; nil when null or unknown.
func stringPtr(s types.String) *string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	v := s.ValueString()
	return &v
}

// hclText prints a value as the configuration would write it.
func hclText(v attr.Value) string {
	switch v := v.(type) {
	case types.String:
		if v.IsNull() {
			return "null"
		}
		return strconv.Quote(v.ValueString())
	case types.Number:
		if v.IsNull() {
			return "null"
		}
		return numberText(v.ValueBigFloat())
	case types.Map:
		if v.IsNull() {
			return "null"
		}
		keys := slices.Sorted(maps.Keys(v.Elements()))
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = strconv.Quote(k) + " = " + hclText(v.Elements()[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	return v.String()
}

// known reports whether v holds a value: neither null nor unknown.
func known(v attr.Value) bool { return !v.IsNull() && !v.IsUnknown() }

// deref is *s, or "" when s is nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
