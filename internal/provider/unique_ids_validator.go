// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

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
