// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

func stateType(t *testing.T, ds datasource.DataSource) tftypes.Type {
	t.Helper()
	var resp datasource.SchemaResponse
	ds.Schema(context.Background(), datasource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	return resp.Schema.Type().TerraformType(context.Background())
}

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

// The state of every data source, built from a full record and from an
// empty one, decodes with the schema's type, and every field of the table
// is written, set or null as the record says: the field tables, the state
// writer and the schema cannot drift apart.
func TestStateMatchesSchema(t *testing.T) {
	for _, rec := range []string{fullRecord, `{}`} {
		var p imclient.Participant
		if err := json.Unmarshal([]byte(rec), &p); err != nil {
			t.Fatal(err)
		}
		typ := stateType(t, newConversationParticipantsDataSource())
		in := imclient.BatchGetParticipantsInput{AppID: 1, ConversationShortID: 7, UserIDs: []int64{5, 6}}
		scanned := participantsState{appID: 1, conversation: 7, userIDs: []int64{5}, members: []imclient.Participant{p}}
		for _, write := range []func(*stateWriter){byRequest(in, map[int64]imclient.Participant{5: p}).write, scanned.write} {
			objs := nestedFields(t, decodeState(t, typ, write), "participants")
			if len(objs) != 1 {
				t.Fatalf("%d participants from %s", len(objs), rec)
			}
			assertFields(t, participantFields, objs[0], rec != `{}`)
		}
	}
	for _, rec := range []string{fullConversation, `{}`} {
		var c imclient.Conversation
		if err := json.Unmarshal([]byte(rec), &c); err != nil {
			t.Fatal(err)
		}
		typ := stateType(t, newConversationsDataSource())
		in := imclient.BatchGetConversationsInput{AppID: 1, ConversationShortIDs: []int64{7, 8}, IncludeMemberCount: true}
		v := decodeState(t, typ, conversationsState{in: in, include: types.BoolValue(true), byID: map[int64]imclient.Conversation{7: c}}.write)
		objs := nestedFields(t, v, "conversations")
		if len(objs) != 1 {
			t.Fatalf("%d conversations from %s", len(objs), rec)
		}
		assertFields(t, conversationFields, objs[0], rec != `{}`)
	}
}

// A count the API sends although it was not asked for is left out: it may
// be stale or made up, and the docs say null.
func TestMemberCountOnlyWhenAsked(t *testing.T) {
	var c imclient.Conversation
	if err := json.Unmarshal([]byte(fullConversation), &c); err != nil {
		t.Fatal(err)
	}
	typ := stateType(t, newConversationsDataSource())
	in := imclient.BatchGetConversationsInput{AppID: 1, ConversationShortIDs: []int64{7}}
	objs := nestedFields(t, decodeState(t, typ, conversationsState{in: in, include: types.BoolNull(), byID: map[int64]imclient.Conversation{7: c}}.write), "conversations")
	if !objs[0]["member_count"].IsNull() || objs[0]["name"].IsNull() {
		t.Fatalf("member_count %v", objs[0]["member_count"])
	}
}
