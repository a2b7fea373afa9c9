// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

// The validators every resource and data source shares, each named for what
// it checks. Those of one domain stay with it: members in
// member_validators.go, the budget's share in budget_settings.go.

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
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

// uniqueIDsValidator rejects a list of numbers with repeats. Unlike
// listvalidator.UniqueValues it runs in linear time, which matters for
// lists of tens of thousands of user IDs.
type uniqueIDsValidator struct {
	what string // what the IDs are, as "user ID"
}

func (uniqueIDsValidator) Description(context.Context) string {
	return "each value must appear only once"
}

func (v uniqueIDsValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (v uniqueIDsValidator) ValidateList(_ context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	seen := make(map[string]int, len(req.ConfigValue.Elements()))
	var repeated []string
	for _, e := range req.ConfigValue.Elements() {
		n, ok := e.(types.Number)
		if !ok || n.IsNull() || n.IsUnknown() {
			continue
		}
		key := numberText(n.ValueBigFloat())
		seen[key]++
		if seen[key] == 2 {
			repeated = append(repeated, key)
		}
	}
	if len(repeated) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Duplicate "+v.what+"s",
			fmt.Sprintf("Each %s may appear only once in %s; repeated: %s.", v.what, req.Path, strings.Join(repeated, ", ")))
	}
}

// durationValidator checks a Go duration ("90m", "12h"): at least min
// (which must be positive), at most max.
type durationValidator struct{ min, max time.Duration }

func (v durationValidator) Description(context.Context) string {
	return fmt.Sprintf("a duration such as \"30m\" or \"12h\", at least %s and at most %s", v.min, v.max)
}

func (v durationValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v durationValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := time.ParseDuration(req.ConfigValue.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid duration",
			fmt.Sprintf("%s must be a duration such as \"30m\" or \"12h\" (units h, m, s), got %q.", req.Path, req.ConfigValue.ValueString()))
	case d < v.min || d > v.max:
		resp.Diagnostics.AddAttributeError(req.Path, "Duration out of range",
			fmt.Sprintf("%s must be at least %s and at most %s (%d days), got %s.", req.Path, v.min, v.max, int(v.max.Hours()/24), d))
	}
}

// endpointValidator accepts an absolute http(s) URL with a host.
type endpointValidator struct{}

func (endpointValidator) Description(context.Context) string {
	return "value must be an absolute http:// or https:// URL with a host"
}

func (v endpointValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (endpointValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := imclient.ParseEndpoint(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid endpoint", err.Error())
	}
}

// notEmptyString refuses "", which the API cannot tell from no value.
type notEmptyString struct{}

func (notEmptyString) Description(context.Context) string {
	return "must not be empty: leave it out for none"
}

func (v notEmptyString) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (notEmptyString) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() != "" {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
		fmt.Sprintf("Attribute %s must not be an empty string: the API does not tell it apart from none. Leave %s out "+
			"(or set it to null) for none.", req.Path, req.Path))
}

// noEmptyKey refuses an ext with an empty key.
type noEmptyKey struct{}

func (noEmptyKey) Description(context.Context) string { return "keys must not be empty" }

func (v noEmptyKey) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (noEmptyKey) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, ok := req.ConfigValue.Elements()[""]; ok {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
			fmt.Sprintf("Attribute %s has an empty key: every extension field needs a name.", req.Path))
	}
}

// maxBytes refuses a string longer than n bytes (the API counts bytes,
// not characters).
type maxBytes struct{ n int }

func (v maxBytes) Description(context.Context) string {
	return fmt.Sprintf("at most %d bytes (UTF-8)", v.n)
}

func (v maxBytes) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v maxBytes) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if !known(req.ConfigValue) {
		return
	}
	if l := len(req.ConfigValue.ValueString()); l > v.n {
		resp.Diagnostics.AddAttributeError(req.Path, "Value too long",
			fmt.Sprintf("%s is %d bytes (UTF-8); the API takes at most %d. Shorten it.", req.Path, l, v.n))
	}
}

// userExtLimits checks a user's ext against the API's documented limits.
type userExtLimits struct{}

func (userExtLimits) Description(context.Context) string {
	return fmt.Sprintf("at most %d keys; keys at most %d bytes, not starting with %q; values at most %d bytes",
		imclient.MaxExtKeys, imclient.MaxExtKeyBytes, imclient.ReservedExtPrefix, imclient.MaxExtValueBytes)
}

func (v userExtLimits) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (userExtLimits) ValidateMap(_ context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if !known(req.ConfigValue) {
		return
	}
	elems := req.ConfigValue.Elements()
	if len(elems) > imclient.MaxExtKeys {
		resp.Diagnostics.AddAttributeError(req.Path, "Too many extension fields",
			fmt.Sprintf("%s has %d keys; the API takes at most %d. Remove some.", req.Path, len(elems), imclient.MaxExtKeys))
	}
	for _, k := range slices.Sorted(maps.Keys(elems)) {
		at := req.Path.AtMapKey(k)
		switch {
		case k == "":
			resp.Diagnostics.AddAttributeError(at, "Invalid extension field", "Every extension field needs a name: the key is empty.")
		case len(k) > imclient.MaxExtKeyBytes:
			resp.Diagnostics.AddAttributeError(at, "Extension field name too long",
				fmt.Sprintf("The key %q is %d bytes (UTF-8); the API takes at most %d.", k, len(k), imclient.MaxExtKeyBytes))
		case strings.HasPrefix(k, imclient.ReservedExtPrefix):
			resp.Diagnostics.AddAttributeError(at, "Reserved extension field name",
				fmt.Sprintf("The key %q starts with %q, which the API keeps for the system's own fields. Choose another name.",
					k, imclient.ReservedExtPrefix))
		}
		if s, ok := elems[k].(types.String); ok && known(s) && len(s.ValueString()) > imclient.MaxExtValueBytes {
			resp.Diagnostics.AddAttributeError(at, "Extension field value too long",
				fmt.Sprintf("The value of %q is %d bytes (UTF-8); the API takes at most %d.", k, len(s.ValueString()), imclient.MaxExtValueBytes))
		}
	}
}
