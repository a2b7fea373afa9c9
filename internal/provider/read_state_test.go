// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

const fullConversation = `{"AppId":1,"ConversationShortId":7,"ConversationId":"c","ConversationType":2,"Name":"n",
"Description":"d","Notice":"no","AvatarUrl":"a","OwnerUserId":1,"OwnerUserIdStr":"1","CreatorUserId":2,"CreatorUserIdStr":"2",
"OtherUserId":3,"OtherUserIdStr":"3","InboxType":0,"CreateTime":1,"ModifyTime":2,"Status":0,"MemberCount":5,"OnlineCount":1,"Ext":{"k":"v"}}`

// nestedFields decodes a state and returns the fields of each object in
// its list attribute name.
func nestedFields(t *testing.T, v tftypes.Value, name string) []map[string]tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	var elems []tftypes.Value
	if err := attrs[name].As(&elems); err != nil {
		t.Fatal(err)
	}
	out := make([]map[string]tftypes.Value, len(elems))
	for i, e := range elems {
		if err := e.As(&out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// assertFields checks that an object has a value for every field of the
// table (and nothing else), all set from a full record, all null from an
// empty one.
func assertFields[T any](t *testing.T, o object[T], got map[string]tftypes.Value, full bool) {
	t.Helper()
	if len(got) != len(o) {
		t.Fatalf("%d attributes, the table has %d", len(got), len(o))
	}
	for _, f := range o {
		v, ok := got[f.name]
		if !ok || v.IsNull() == full {
			t.Errorf("%s: present %v, null %v (full record %v)", f.name, ok, v.IsNull(), full)
		}
	}
}

// stateSamples are, per data source, the state a read writes from full
// records and from empty ones, with the nested list to check and the
// field table it follows. Every spec must have one.
type stateSample struct {
	st    state
	list  string // the nested list to check
	full  bool   // built from a full record, not an empty one
	check func(t *testing.T, obj map[string]tftypes.Value, full bool)
}

func stateSamples(t *testing.T) map[string][]stateSample {
	t.Helper()
	out := map[string][]stateSample{}
	for _, rec := range []string{fullRecord, `{}`} {
		var p imclient.Participant
		decodeJSON(t, rec, &p)
		in := imclient.BatchGetParticipantsInput{AppID: 1, ConversationShortID: 7, UserIDs: []int64{5, 6}}
		scanned := participantsState{appID: 1, conversation: 7, userIDs: []int64{5}, members: []imclient.Participant{p}}
		check := func(t *testing.T, obj map[string]tftypes.Value, full bool) {
			assertFields(t, participantFields, obj, full)
		}
		out["conversation_participants"] = append(out["conversation_participants"],
			stateSample{byRequest(in, map[int64]imclient.Participant{5: p}).state(), "participants", rec != `{}`, check},
			stateSample{scanned.state(), "participants", rec != `{}`, check})
	}
	for _, rec := range []string{fullConversation, `{}`} {
		var c imclient.Conversation
		decodeJSON(t, rec, &c)
		out["conversations"] = append(out["conversations"], stateSample{state{
			"app_id": int64(1), "conversation_short_ids": []int64{7, 8}, "include_member_count": true,
			"conversations": listOf(conversationFields, []imclient.Conversation{c}), "missing_conversation_short_ids": []int64{8},
		}, "conversations", rec != `{}`, func(t *testing.T, obj map[string]tftypes.Value, full bool) {
			assertFields(t, conversationFields, obj, full)
		}})
	}
	for _, rec := range []string{fullUser, `{}`} {
		var u imclient.User
		decodeJSON(t, rec, &u)
		out["users"] = append(out["users"], stateSample{state{
			"app_id": int64(1), "user_ids": []int64{5, 6}, "users": listOf(userFields, []imclient.User{u}), "missing_user_ids": []int64{6},
		}, "users", rec != `{}`, func(t *testing.T, obj map[string]tftypes.Value, full bool) { assertFields(t, userFields, obj, full) }})
	}
	for _, rec := range []string{fullConversation, `{}`} {
		var c imclient.Conversation
		decodeJSON(t, rec, &c)
		out["user_conversations"] = append(out["user_conversations"], stateSample{state{
			"app_id": int64(1), "participant_user_id": int64(5), "source": "all", "inbox_type": int64(0), "include_member_count": true,
			"conversations": listOf(conversationFields, []imclient.Conversation{c}),
		}, "conversations", rec != `{}`, func(t *testing.T, obj map[string]tftypes.Value, full bool) {
			assertFields(t, conversationFields, obj, full)
		}})
	}
	for _, rec := range []string{fullListed, `{}`} {
		var p imclient.BlockedParticipant
		decodeJSON(t, rec, &p)
		out["conversation_block_list"] = append(out["conversation_block_list"], stateSample{state{
			"app_id": int64(1), "conversation_short_id": int64(7), "list": "muted", "participants": listOf(listedFields, []listed{p}),
		}, "participants", rec != `{}`, func(t *testing.T, obj map[string]tftypes.Value, full bool) { assertFields(t, listedFields, obj, full) }})
	}
	return out
}

const fullListed = `{"ParticipantUserId":5,"ParticipantUserIdStr":"five","NickName":"n","AvatarUrl":"a","Marks":["m"],
"Ext":{"k":"v"},"BlockTime":1893456000,"CreateTime":1700000000}`

const fullUser = `{"AppId":1,"UserId":5,"NickName":"n","Portrait":"p","Tags":["t"],"Ext":{"k":"v"},"IsRobot":true,
"CreateTime":1669694619123,"ModifyTime":1669694619123}`

func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatal(err)
	}
}

// The state of every data source, built from a full record and from an
// empty one, decodes with the schema's type, and every field of the table
// is written, set or null as the record says: the field tables, the state
// writer and the schema cannot drift apart.
func TestStateMatchesSchema(t *testing.T) {
	samples := stateSamples(t)
	for _, s := range specs {
		t.Run(s.name, func(t *testing.T) {
			if len(samples[s.name]) == 0 {
				t.Fatalf("no state sample for %s", s.typeName())
			}
			for i, sm := range samples[s.name] {
				v := decodeState(t, s, sm.st)
				var attrs map[string]tftypes.Value
				if err := v.As(&attrs); err != nil {
					t.Fatal(err)
				}
				if len(attrs) != len(s.attributes) {
					t.Fatalf("sample %d: %d attributes, the schema has %d", i, len(attrs), len(s.attributes))
				}
				for name, a := range attrs {
					if a.IsNull() != (sm.st[name] == nil) {
						t.Errorf("sample %d: attribute %s null=%v", i, name, a.IsNull())
					}
				}
				objs := nestedFields(t, v, sm.list)
				if len(objs) != 1 {
					t.Fatalf("sample %d: %d objects in %s", i, len(objs), sm.list)
				}
				sm.check(t, objs[0], sm.full)
			}
		})
	}
}

// A count the API sends although it was not asked for is left out: it may
// be stale or made up, and the docs say null.
func TestMemberCountOnlyWhenAsked(t *testing.T) {
	var c imclient.Conversation
	if err := json.Unmarshal([]byte(fullConversation), &c); err != nil {
		t.Fatal(err)
	}
	objs := nestedFields(t, decodeState(t, conversationsSpec, state{"conversations": listOf(conversationFields, memberCounts([]imclient.Conversation{c}, false))}), "conversations")
	if !objs[0]["member_count"].IsNull() || objs[0]["name"].IsNull() {
		t.Fatalf("member_count %v", objs[0]["member_count"])
	}
}

// specType is a spec's state type, from its schema.
func specType(s spec) tftypes.Type {
	var resp datasource.SchemaResponse
	(&specDataSource{spec: s}).Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	return resp.Schema.Type().TerraformType(context.Background())
}

// decodeState encodes st as s's state and decodes it as Terraform would,
// with the schema's type: a value that does not fit fails here.
func decodeState(t *testing.T, s spec, st state) tftypes.Value {
	t.Helper()
	var diags diag.Diagnostics
	b := encodeState(s, st, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	v, err := (&tfprotov6.DynamicValue{MsgPack: b}).Unmarshal(specType(s))
	if err != nil {
		t.Fatalf("state does not decode as the schema's type: %v", err)
	}
	return v
}

// A state Terraform would refuse (over its 256 MiB message limit) is an
// error that says what to do, before the raw gRPC one.
func TestStateTooLarge(t *testing.T) {
	members := make([]imclient.Participant, 5000)
	ids := make([]int64, len(members))
	for i := range members {
		id := int64(i + 1)
		members[i].ParticipantUserID, ids[i] = &id, id
	}
	st := participantsState{appID: 1, conversation: 7, userIDs: ids, members: members}
	var diags diag.Diagnostics
	names := conversationParticipantsSpec.names()
	if b := encodeStateWithin(64<<10, names, st.state(), &diags); b != nil || !diags.HasError() {
		t.Fatalf("%d bytes, diagnostics %v", len(b), diags)
	}
	d := diags[0]
	if d.Summary() != "Too much data for one data source" || !strings.Contains(d.Detail(), "participant_user_ids") ||
		strings.Contains(d.Detail(), "bug") {
		t.Fatalf("%s: %s", d.Summary(), d.Detail())
	}
	diags = nil
	if b := encodeStateWithin(64<<20, names, st.state(), &diags); diags.HasError() || len(b) == 0 {
		t.Fatalf("within the limit: %v", diags)
	}
}
