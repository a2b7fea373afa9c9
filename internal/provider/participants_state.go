// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// The data source's state is built as a raw tftypes.Value: conversations
// can have tens of thousands of members, and reflecting a Go struct per
// member into state costs seconds at that size.

// stateValue builds the whole state of one read. stateType is the schema's
// object type.
func stateValue(stateType tftypes.Type, in imclient.BatchGetParticipantsInput, found map[int64]imclient.Participant) (tftypes.Value, error) {
	obj, ok := stateType.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("state type is %T, not an object", stateType)
	}
	partsType, ok := obj.AttributeTypes["participants"].(tftypes.List)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("participants type is %T, not a list", obj.AttributeTypes["participants"])
	}
	elemType, ok := partsType.ElementType.(tftypes.Object)
	if !ok {
		return tftypes.Value{}, fmt.Errorf("participant type is %T, not an object", partsType.ElementType)
	}
	requested := make([]tftypes.Value, len(in.UserIDs))
	var parts, missing []tftypes.Value
	for i, id := range in.UserIDs {
		requested[i] = number(id)
		p, ok := found[id]
		if ok {
			parts = append(parts, participantValue(elemType, p))
		}
		// A user who left is no member: the documented membership check,
		// length(missing_user_ids) == 0, must not pass on them.
		if !ok || (p.Status != nil && *p.Status == statusLeft) {
			missing = append(missing, number(id))
		}
	}
	numbers := tftypes.List{ElementType: tftypes.Number}
	return tftypes.NewValue(obj, map[string]tftypes.Value{
		"app_id":                number(int64(in.AppID)),
		"conversation_short_id": number(in.ConversationShortID),
		"participant_user_ids":  tftypes.NewValue(numbers, requested),
		"participants":          tftypes.NewValue(partsType, nonNil(parts)),
		"missing_user_ids":      tftypes.NewValue(numbers, nonNil(missing)),
	}), nil
}

// statusLeft is the Status of a user who left the conversation.
const statusLeft = 1

// participantValue flattens one member; every field the API left out is
// null.
func participantValue(t tftypes.Object, p imclient.Participant) tftypes.Value {
	ext := tftypes.NewValue(t.AttributeTypes["ext"], nil)
	if p.Ext != nil {
		m := make(map[string]tftypes.Value, len(p.Ext))
		for k, v := range p.Ext {
			m[k] = tftypes.NewValue(tftypes.String, v)
		}
		ext = tftypes.NewValue(t.AttributeTypes["ext"], m)
	}
	return tftypes.NewValue(t, map[string]tftypes.Value{
		"conversation_short_id": optionalNumber(p.ConversationShortID),
		"participant_user_id":   optionalNumber(p.ParticipantUserID),
		"operator":              optionalNumber(p.Operator),
		"role":                  optionalNumber(p.Role),
		"role_name":             roleName(p.Role),
		"level":                 optionalNumber(p.Level),
		"nick_name":             tftypes.NewValue(tftypes.String, p.NickName),
		"status":                optionalNumber(p.Status),
		"create_time":           optionalNumber(p.CreateTime),
		"create_time_rfc3339":   rfc3339(p.CreateTime, false),
		"block_time":            optionalNumber(p.BlockTime),
		"block_time_rfc3339":    rfc3339(p.BlockTime, true),
		"ext":                   ext,
	})
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

// rfc3339 formats Unix seconds; zeroIsNull treats 0 as "not set". RFC 3339
// has four-digit years: a time outside 0000-9999 is null, not a malformed
// string.
func rfc3339(sec *int64, zeroIsNull bool) tftypes.Value {
	if sec == nil || (zeroIsNull && *sec == 0) {
		return tftypes.NewValue(tftypes.String, nil)
	}
	t := time.Unix(*sec, 0).UTC()
	if t.Year() < 0 || t.Year() > 9999 {
		return tftypes.NewValue(tftypes.String, nil)
	}
	return tftypes.NewValue(tftypes.String, t.Format(time.RFC3339))
}

func roleName(role *int64) tftypes.Value {
	if role == nil {
		return tftypes.NewValue(tftypes.String, nil)
	}
	name := "unknown"
	switch *role {
	case 0:
		name = "member"
	case 1:
		name = "owner"
	case 2:
		name = "admin"
	}
	return tftypes.NewValue(tftypes.String, name)
}

// nonNil makes an empty list rather than a null one.
func nonNil(v []tftypes.Value) []tftypes.Value {
	if v == nil {
		return []tftypes.Value{}
	}
	return v
}
