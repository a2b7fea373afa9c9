// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"math"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Arguments several data sources share, built in one place so that their
// descriptions and validators cannot drift apart between data sources.

func appIDAttribute(of string) schema.NumberAttribute {
	return schema.NumberAttribute{
		MarkdownDescription: "ID of the RTC application that owns " + of + " (a whole number, 1 to 2147483647).",
		Required:            true,
		Validators:          []validator.Number{wholeNumber{1, math.MaxInt32}},
	}
}

func conversationIDAttribute() schema.NumberAttribute {
	return schema.NumberAttribute{
		MarkdownDescription: "Short ID of the conversation (a positive 64-bit whole number; large IDs are kept exact).",
		Required:            true,
		Validators:          []validator.Number{wholeNumber{1, math.MaxInt64}},
	}
}

// idListValidators check a list of IDs of what: at least one, positive,
// whole, no nulls, no repeats.
func idListValidators(what string) []validator.List {
	return []validator.List{
		listvalidator.SizeAtLeast(1),
		listvalidator.NoNullValues(),
		uniqueIDsValidator{what},
		listvalidator.ValueNumbersAre(wholeNumber{1, math.MaxInt64}),
	}
}

func includeMemberCountAttribute() schema.BoolAttribute {
	return schema.BoolAttribute{
		MarkdownDescription: "Whether to ask the API for each conversation's `member_count` (default `false`; " +
			"the API skips counting unless asked).",
		Optional: true,
	}
}
