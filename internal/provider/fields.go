// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// State is written as raw tftypes values: conversations can have tens of
// thousands of members, and reflecting a Go struct per member into state
// costs seconds at that size. A table of fields per object type drives
// both the schema and the state, so the two cannot disagree.

// field is one computed attribute of a nested object: its name, type and
// description, and how its value is read from a record of type T.
type field[T any] struct {
	name  string
	typ   tftypes.Type // tftypes.Number, tftypes.String, stringMap or stringList
	desc  string
	value func(T) tftypes.Value
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
	case t.Is(stringMap):
		return "Map of String"
	case t.Is(stringList):
		return "List of String"
	}
	return t.String()
}

// objectType is the object's tftypes type.
func (o object[T]) objectType() tftypes.Object {
	types := make(map[string]tftypes.Type, len(o))
	for _, f := range o {
		types[f.name] = f.typ
	}
	return tftypes.Object{AttributeTypes: types}
}

// value flattens one record.
func (o object[T]) value(t tftypes.Object, rec T) tftypes.Value {
	vals := make(map[string]tftypes.Value, len(o))
	for _, f := range o {
		vals[f.name] = f.value(rec)
	}
	return tftypes.NewValue(t, vals)
}

func number(v int64) tftypes.Value {
	return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(v))
}

func optionalNumber(v *int64) tftypes.Value {
	if v == nil {
		return tftypes.NewValue(tftypes.Number, nil)
	}
	return number(*v)
}

func optionalString(v *string) tftypes.Value { return tftypes.NewValue(tftypes.String, v) }

func optionalStringMap(m map[string]string) tftypes.Value {
	if m == nil {
		return tftypes.NewValue(stringMap, nil)
	}
	vals := make(map[string]tftypes.Value, len(m))
	for k, v := range m {
		vals[k] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(stringMap, vals)
}

func optionalStringList(l []string) tftypes.Value {
	if l == nil {
		return tftypes.NewValue(stringList, nil)
	}
	vals := make([]tftypes.Value, len(l))
	for i, v := range l {
		vals[i] = tftypes.NewValue(tftypes.String, v)
	}
	return tftypes.NewValue(stringList, vals)
}

// codeName names a code from names, "unknown" for others, null with it.
func codeName(code *int64, names map[int64]string) tftypes.Value {
	if code == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	name, ok := names[*code]
	if !ok {
		name = "unknown"
	}
	return tftypes.NewValue(tftypes.String, name)
}

// numberList is a list of numbers, empty rather than null.
func numberList(ids []int64) tftypes.Value {
	vals := make([]tftypes.Value, len(ids))
	for i, id := range ids {
		vals[i] = number(id)
	}
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.Number}, vals)
}
