// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A table of fields per object type drives both the schema and the state
// (read_state.go), so the two cannot disagree.

// field is one computed attribute of a nested object: its name, type and
// description, and how its value is read from a record of type T. The
// value is nil (null), an int64, a string, a bool, a []string or a
// map[string]string, matching typ; read_state.go writes it.
type field[T any] struct {
	name  string
	typ   tftypes.Type // tftypes.Number, tftypes.String, tftypes.Bool, stringMap or stringList
	desc  string
	value func(T) any
}

var (
	stringMap  = tftypes.Map{ElementType: tftypes.String}
	stringList = tftypes.List{ElementType: tftypes.String}
)

// object is the fields of one nested object type, in schema order.
type object[T any] []field[T]

// list is a computed list of these objects, declared by type (a
// ListAttribute of an ObjectType) rather than as a nested attribute, for
// two reasons. Terraform's mock_provider, mock_data and override_data
// cannot convert values for nested attributes (hashicorp/terraform issues
// 38369 and 37939), so module authors could not mock them. And the
// framework walks the schema for every value it writes to state, which
// for nested attributes rebuilds their types each time: at 20,000 members
// that doubled the read. Each field's description goes into the list's
// own, so the docs still describe every field.
func (o object[T]) list(desc string) schema.ListAttribute {
	var b strings.Builder
	b.WriteString(desc)
	b.WriteString("\n\nEach element is an object with these attributes:\n")
	for _, f := range o {
		fmt.Fprintf(&b, "\n  - `%s` (%s) %s", f.name, typeName(f.typ), f.desc)
	}
	return schema.ListAttribute{
		Computed:            true,
		ElementType:         o.attrType(),
		MarkdownDescription: b.String(),
	}
}

// attrType is the object's framework type.
func (o object[T]) attrType() types.ObjectType {
	attrs := make(map[string]attr.Type, len(o))
	for _, f := range o {
		switch {
		case f.typ.Is(tftypes.Number):
			attrs[f.name] = types.NumberType
		case f.typ.Is(tftypes.String):
			attrs[f.name] = types.StringType
		case f.typ.Is(tftypes.Bool):
			attrs[f.name] = types.BoolType
		case f.typ.Is(stringMap):
			attrs[f.name] = types.MapType{ElemType: types.StringType}
		case f.typ.Is(stringList):
			attrs[f.name] = types.ListType{ElemType: types.StringType}
		default:
			panic(fmt.Sprintf("field %s: no framework type for %s", f.name, f.typ))
		}
	}
	return types.ObjectType{AttrTypes: attrs}
}

// typeName names a field's type as the docs do.
func typeName(t tftypes.Type) string {
	switch {
	case t.Is(tftypes.Number):
		return "Number"
	case t.Is(tftypes.String):
		return "String"
	case t.Is(tftypes.Bool):
		return "Boolean"
	case t.Is(stringMap):
		return "Map of String"
	case t.Is(stringList):
		return "List of String"
	}
	return t.String()
}

// orNull is a value for state: *v, or null.
func orNull[T any](v *T) any {
	if v == nil {
		return nil
	}
	return *v
}

func optionalStringMap(m map[string]string) any {
	if m == nil {
		return nil
	}
	return m
}

func optionalStringList(l []string) any {
	if l == nil {
		return nil
	}
	return l
}

// codeName names a code from names, "unknown" for others, null with it.
func codeName(code *int64, names map[int64]string) any {
	if code == nil {
		return nil
	}
	if name, ok := names[*code]; ok {
		return name
	}
	return "unknown"
}

// rfc3339 formats Unix seconds; zeroIsNull treats 0 as "not set". RFC 3339
// has four-digit years: a time outside 0000-9999 is null, not a malformed
// string.
func rfc3339(sec *int64, zeroIsNull bool) any {
	if sec == nil || (zeroIsNull && *sec == 0) {
		return nil
	}
	t := time.Unix(*sec, 0).UTC()
	if t.Year() < 0 || t.Year() > 9999 {
		return nil
	}
	return t.Format(time.RFC3339)
}

// rfc3339Millis formats Unix milliseconds, as rfc3339 does seconds.
func rfc3339Millis(ms *int64) any {
	if ms == nil {
		return nil
	}
	sec := *ms / 1000
	if *ms < 0 && *ms%1000 != 0 {
		sec-- // floor, not toward zero
	}
	return rfc3339(&sec, false)
}
