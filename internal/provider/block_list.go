// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// untilType is the string type of a ban's end (RFC 3339). Two ends are
// the same when they are within the API's own drift of each other
// (blockLate): the API takes a duration and answers an absolute end, so
// the end it records is the one asked for, give or take the call's delay.
// Terraform then keeps the prior value, and a plan never shows a change
// just because the call took time.
type untilType struct{ basetypes.StringType }

var _ basetypes.StringTypable = untilType{}

func (t untilType) Equal(o attr.Type) bool { _, ok := o.(untilType); return ok }
func (t untilType) String() string         { return "untilType" }
func (t untilType) ValueType(context.Context) attr.Value {
	return untilValue{}
}

func (t untilType) ValueFromString(_ context.Context, in basetypes.StringValue) (basetypes.StringValuable, diag.Diagnostics) {
	return untilValue{in}, nil
}

func (t untilType) ValueFromTerraform(ctx context.Context, in tftypes.Value) (attr.Value, error) {
	v, err := t.StringType.ValueFromTerraform(ctx, in)
	if err != nil {
		return nil, err
	}
	s, ok := v.(basetypes.StringValue)
	if !ok {
		return nil, fmt.Errorf("unexpected value type %T", v)
	}
	return untilValue{s}, nil
}

// untilValue is a value of untilType.
type untilValue struct{ basetypes.StringValue }

var _ basetypes.StringValuableWithSemanticEquals = untilValue{}

func (v untilValue) Type(context.Context) attr.Type { return untilType{} }

func (v untilValue) Equal(o attr.Value) bool {
	other, ok := o.(untilValue)
	return ok && v.StringValue.Equal(other.StringValue)
}

// StringSemanticEquals reports whether two ends are within blockLate of
// each other; a text that is not a time equals only itself.
func (v untilValue) StringSemanticEquals(_ context.Context, prior basetypes.StringValuable) (bool, diag.Diagnostics) {
	p, ok := prior.(untilValue)
	if !ok || v.IsNull() || v.IsUnknown() || p.IsNull() || p.IsUnknown() {
		return false, nil
	}
	a, err1 := time.Parse(time.RFC3339, v.ValueString())
	b, err2 := time.Parse(time.RFC3339, p.ValueString())
	if err1 != nil || err2 != nil {
		return v.ValueString() == p.ValueString(), nil
	}
	d := a.Sub(b)
	return d >= -blockLate && d <= blockLate, nil
}

func untilOf(s string) untilValue { return untilValue{basetypes.NewStringValue(s)} }

func untilNull() untilValue { return untilValue{basetypes.NewStringNull()} }

// blockLists maps list to BatchGetBlockParticipants' BlockAction.
var blockLists = map[string]int32{"muted": imclient.BlockListMuted, "blocked": imclient.BlockListBlocked}

// The API takes a duration and answers an absolute end: the end it
// records is the one asked for plus the call's own delay (its retries and
// throttled waits, at most imclient.ThrottleDeadline) and minus any skew
// between this machine's clock and the API's. A listed end within these
// bounds of until is until.
const (
	blockEarly = 60 * time.Second
	blockLate  = imclient.ThrottleDeadline + 3*time.Minute
)
