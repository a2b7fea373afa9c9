// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// readState builds the state for one requested user from a member record
// written as the API's JSON, and returns its participants and missing IDs.
func readState(t *testing.T, record string) (participants []tftypes.Value, missing []tftypes.Value) {
	t.Helper()
	var p imclient.Participant
	if err := json.Unmarshal([]byte(record), &p); err != nil {
		t.Fatal(err)
	}
	in := imclient.BatchGetParticipantsInput{AppID: 1, ConversationShortID: 7, UserIDs: []int64{5}}
	v := decodeState(t, conversationParticipantsSpec, byRequest(in, map[int64]imclient.Participant{5: p}).state())
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	if err := attrs["participants"].As(&participants); err != nil {
		t.Fatal(err)
	}
	if err := attrs["missing_user_ids"].As(&missing); err != nil {
		t.Fatal(err)
	}
	return participants, missing
}

const fullRecord = `{"ConversationShortId":7,"ParticipantUserId":5,"Operator":9,"Role":1,"BlockTime":1893456000,
"CreateTime":1700000000,"Ext":{"k":"v"},"Level":3,"NickName":"Ada","Status":0,
"AvatarUrl":"https://a/b.png","Marks":["m"],"ParticipantUserIdStr":"five","OperatorStr":"nine"}`

// Each field the API leaves out is null in state, with the attributes
// derived from it; every other attribute keeps its value.
func TestOmittedFieldsAreNull(t *testing.T) {
	cases := map[string][]string{
		"ConversationShortId":  {"conversation_short_id"},
		"Operator":             {"operator"},
		"Role":                 {"role", "role_name"},
		"BlockTime":            {"block_time", "block_time_rfc3339"},
		"CreateTime":           {"create_time", "create_time_rfc3339"},
		"Ext":                  {"ext"},
		"Level":                {"level"},
		"NickName":             {"nick_name"},
		"Status":               {"status"},
		"AvatarUrl":            {"avatar_url"},
		"Marks":                {"marks"},
		"ParticipantUserIdStr": {"participant_user_id_str"},
		"OperatorStr":          {"operator_str"},
	}
	for field, attrs := range cases {
		t.Run(field, func(t *testing.T) {
			var rec map[string]any
			if err := json.Unmarshal([]byte(fullRecord), &rec); err != nil {
				t.Fatal(err)
			}
			delete(rec, field)
			b, _ := json.Marshal(rec)
			parts, _ := readState(t, string(b))
			if len(parts) != 1 {
				t.Fatalf("%d participants", len(parts))
			}
			var got map[string]tftypes.Value
			if err := parts[0].As(&got); err != nil {
				t.Fatal(err)
			}
			null := map[string]bool{}
			for _, a := range attrs {
				null[a] = true
			}
			for name, v := range got {
				if v.IsNull() != null[name] {
					t.Errorf("%s omitted: %s is null=%v, want %v", field, name, v.IsNull(), null[name])
				}
			}
		})
	}
}

// A user who left stays in participants with status 1 and is listed in
// missing_user_ids, so the documented membership check fails on them.
func TestLeftMemberIsMissing(t *testing.T) {
	parts, missing := readState(t, strings.Replace(fullRecord, `"Status":0`, `"Status":1`, 1))
	if len(parts) != 1 || len(missing) != 1 || !missing[0].Equal(tftypes.NewValue(tftypes.Number, big.NewFloat(5))) {
		t.Fatalf("participants %v, missing %v", parts, missing)
	}
	_, missing = readState(t, fullRecord)
	if len(missing) != 0 {
		t.Fatalf("a current member is missing: %v", missing)
	}
}

// Times RFC 3339 cannot write (years beyond 9999, before 0000) are null.
func TestRFC3339Range(t *testing.T) {
	for sec, want := range map[int64]string{
		0:             "1970-01-01T00:00:00Z",
		253402300799:  "9999-12-31T23:59:59Z",
		253402300800:  "",
		-62167219200:  "0000-01-01T00:00:00Z",
		-62167219201:  "",
		1<<62 + 12345: "",
	} {
		got := rfc3339(&sec, false)
		if (want == "" && got != nil) || (want != "" && got != want) {
			t.Errorf("rfc3339(%d) = %v, want %q", sec, got, want)
		}
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
