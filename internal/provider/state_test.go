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

// The state of every data source, built from a full record and from an
// empty one, decodes with exactly the schema's type: the field tables, the
// state writer and the schema cannot drift apart.
func TestStateMatchesSchema(t *testing.T) {
	for _, rec := range []string{fullRecord, `{}`} {
		var p imclient.Participant
		if err := json.Unmarshal([]byte(rec), &p); err != nil {
			t.Fatal(err)
		}
		typ := stateType(t, newConversationParticipantsDataSource())
		in := imclient.BatchGetParticipantsInput{AppID: 1, ConversationShortID: 7, UserIDs: []int64{5, 6}}
		if v := decodeState(t, typ, byRequest(in, map[int64]imclient.Participant{5: p}).write); !v.Type().Equal(typ) {
			t.Fatalf("participants state from %s: type %s", rec, v.Type())
		}
		scanned := participantsState{appID: 1, conversation: 7, userIDs: []int64{5}, members: []imclient.Participant{p}}
		if v := decodeState(t, typ, scanned.write); !v.Type().Equal(typ) {
			t.Fatalf("scanned participants state from %s: type %s", rec, v.Type())
		}
	}
	for _, rec := range []string{fullConversation, `{}`} {
		var c imclient.Conversation
		if err := json.Unmarshal([]byte(rec), &c); err != nil {
			t.Fatal(err)
		}
		typ := stateType(t, newConversationsDataSource())
		in := imclient.BatchGetConversationsInput{AppID: 1, ConversationShortIDs: []int64{7, 8}}
		v := decodeState(t, typ, conversationsState{in: in, include: types.BoolNull(), byID: map[int64]imclient.Conversation{7: c}}.write)
		if !v.Type().Equal(typ) {
			t.Fatalf("conversations state from %s: type %s", rec, v.Type())
		}
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			t.Fatal(err)
		}
		var convs []tftypes.Value
		if err := attrs["conversations"].As(&convs); err != nil || len(convs) != 1 {
			t.Fatalf("conversations %v %v", convs, err)
		}
		var fields map[string]tftypes.Value
		if err := convs[0].As(&fields); err != nil {
			t.Fatal(err)
		}
		for name, f := range fields {
			if f.IsNull() != (rec == `{}`) {
				t.Errorf("record %s: %s null=%v", rec, name, f.IsNull())
			}
		}
	}
}
