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

// nestedObjects decodes a state and returns, for each of its attributes
// that is a list of objects, the attributes of each object.
func nestedObjects(t *testing.T, v tftypes.Value) map[string][]map[string]tftypes.Value {
	t.Helper()
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	out := map[string][]map[string]tftypes.Value{}
	for name, a := range attrs {
		l, ok := a.Type().(tftypes.List)
		if _, isObject := l.ElementType.(tftypes.Object); !ok || !isObject || a.IsNull() {
			continue
		}
		var elems []tftypes.Value
		if err := a.As(&elems); err != nil {
			t.Fatal(err)
		}
		for _, e := range elems {
			var obj map[string]tftypes.Value
			if err := e.As(&obj); err != nil {
				t.Fatal(err)
			}
			out[name] = append(out[name], obj)
		}
	}
	return out
}

func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatal(err)
	}
}

// The state of every data source, built as its read builds it from its
// sample's full record and from an empty one, decodes with the schema's
// type, and every field of the nested objects is written, set from the
// full record and null from the empty one: the field tables, the state
// writer and the schema cannot drift apart, and a value of a Go type the
// writer does not take (an int32 for an int64) fails here.
func TestStateMatchesSchema(t *testing.T) {
	for _, s := range specs {
		t.Run(s.name, func(t *testing.T) {
			sm := sampleFor(t, s)
			for _, rec := range []string{sm.full, `{}`} {
				full := rec != `{}`
				states := sm.states(t, rec)
				if len(states) == 0 {
					t.Fatal("the sample builds no state")
				}
				for i, st := range states {
					v := decodeState(t, s, st)
					var attrs map[string]tftypes.Value
					if err := v.As(&attrs); err != nil {
						t.Fatal(err)
					}
					if len(attrs) != len(s.attributes) || len(st) != len(s.attributes) {
						t.Fatalf("state %d: %d attributes written, %d set, the schema has %d", i, len(attrs), len(st), len(s.attributes))
					}
					for name, a := range attrs {
						if a.IsNull() != (st[name] == nil) {
							t.Errorf("state %d: attribute %s null=%v", i, name, a.IsNull())
						}
					}
					lists := nestedObjects(t, v)
					if len(lists) == 0 {
						t.Fatalf("state %d: no list of objects", i)
					}
					for list, objs := range lists {
						if len(objs) != 1 {
							t.Fatalf("state %d: %d objects in %s, want the sample's one record", i, len(objs), list)
						}
						for name, f := range objs[0] {
							if f.IsNull() == full {
								t.Errorf("state %d: %s.%s null=%v from the %s record", i, list, name, f.IsNull(),
									map[bool]string{true: "full", false: "empty"}[full])
							}
						}
					}
				}
			}
		})
	}
}

// A count the API sends although it was not asked for is left out: it may
// be stale or made up, and the docs say null.
func TestMemberCountOnlyWhenAsked(t *testing.T) {
	var c imclient.Conversation
	decodeJSON(t, fullConversation, &c)
	objs := nestedObjects(t, decodeState(t, userConversationsSpec, state{"conversations": listOf(conversationFields, memberCounts([]imclient.Conversation{c}, false))}))["conversations"]
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

// stateLimit measures each record as the state writer writes it, so a read
// stops when its state could not fit, not sooner and not later: the
// records' sizes add up to the state, less what the state holds besides
// them (within stateSlack).
func TestStateLimitMeasuresTheState(t *testing.T) {
	var full imclient.Participant
	if err := json.Unmarshal([]byte(fullRecord), &full); err != nil {
		t.Fatal(err)
	}
	members := make([]imclient.Participant, 300)
	ids := make([]int64, len(members))
	limit := stateLimit(participantFields, 9)
	sum := 0
	for i := range members {
		members[i] = full
		if i%2 == 1 {
			members[i] = imclient.Participant{} // every field null
		}
		id := int64(i+1) << 40 // written in 9 bytes, as stateLimit counts
		members[i].ParticipantUserID, ids[i] = &id, id
		sum += limit.Size(&members[i])
	}
	st := participantsState{appID: 1, conversation: 7, userIDs: ids, members: members}
	var diags diag.Diagnostics
	b := encodeStateWithin(maxStateBytes, conversationParticipantsSpec.names(), st.state(), &diags)
	if diags.HasError() || len(b) < sum || len(b) > sum+stateSlack || limit.Bytes != maxStateBytes-stateSlack {
		t.Fatalf("records measured at %d bytes, state %d bytes (%v)", sum, len(b), diags)
	}
}
