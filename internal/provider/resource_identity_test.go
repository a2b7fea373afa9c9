// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// The identity each resource declares: exactly these attributes, each a
// number (Int64) required for an import by identity, in a version 0
// schema.
func TestIdentitySchemas(t *testing.T) {
	p := newProtocol(t, nil)
	resp, err := p.srv.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil || len(resp.Diagnostics) != 0 {
		t.Fatalf("%v %s", err, diagText(resp.Diagnostics))
	}
	want := map[string]string{
		"volcrtc_conversation":            "app_id conversation_short_id",
		"volcrtc_conversation_members":    "app_id conversation_short_id",
		"volcrtc_conversation_member":     "app_id conversation_short_id user_id",
		"volcrtc_user":                    "app_id user_id",
		"volcrtc_conversation_block_list": "app_id conversation_short_id list",
		"volcrtc_conversation_whitelist":  "app_id conversation_short_id",
	}
	if len(resp.IdentitySchemas) != len(want) {
		t.Errorf("identity schemas for %d resources, want %d", len(resp.IdentitySchemas), len(want))
	}
	for name, attrs := range want {
		s := resp.IdentitySchemas[name]
		if s == nil {
			t.Errorf("%s has no identity schema", name)
			continue
		}
		var got []string
		for _, a := range s.IdentityAttributes {
			got = append(got, a.Name)
			typ := tftypes.Number
			if a.Name == "list" {
				typ = tftypes.String // muted or blocked
			}
			if !a.Type.Is(typ) || !a.RequiredForImport || a.OptionalForImport || a.Description == "" {
				t.Errorf("%s.%s: type %s, required %v, optional %v, description %q", name, a.Name, a.Type,
					a.RequiredForImport, a.OptionalForImport, a.Description)
			}
		}
		if strings.Join(got, " ") != attrs || s.Version != 0 {
			t.Errorf("%s: identity attributes %v, version %d; want %s, version 0", name, got, s.Version, attrs)
		}
	}
}

// identityCase is one resource with a state whose object is gone from the
// emulator (conversation 999 does not exist), and its identity.
type identityCase struct {
	typ      string
	state    map[string]tftypes.Value
	identity map[string]tftypes.Value
}

func identityCases() map[string]identityCase {
	const gone = 999
	return map[string]identityCase{
		"conversation": {"volcrtc_conversation",
			map[string]tftypes.Value{"id": str("100001/999"), "app_id": num(100001), "conversation_short_id": num(gone),
				"owner_user_id": num(10001), "type": str("group"), "inbox_type": num(0),
				"deletion_protection": tftypes.NewValue(tftypes.Bool, true)},
			map[string]tftypes.Value{"app_id": num(100001), "conversation_short_id": num(gone)}},
		"members": {"volcrtc_conversation_members",
			map[string]tftypes.Value{"id": str("100001/999"), "app_id": num(100001), "conversation_short_id": num(gone)},
			map[string]tftypes.Value{"app_id": num(100001), "conversation_short_id": num(gone)}},
		"member": {"volcrtc_conversation_member",
			map[string]tftypes.Value{"id": str("100001/999/10001"), "app_id": num(100001), "conversation_short_id": num(gone),
				"user_id": num(10001)},
			map[string]tftypes.Value{"app_id": num(100001), "conversation_short_id": num(gone), "user_id": num(10001)}},
	}
}

// identityProtocol is a configured provider on the sample emulator, with
// the identity schemas.
type identityProtocol struct {
	*protocol
	identities map[string]*tfprotov6.ResourceIdentitySchema
}

func newIdentityProtocol(t *testing.T) *identityProtocol {
	t.Helper()
	_, url := newEmulator(t, emulator.Options{})
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	resp, err := p.srv.GetResourceIdentitySchemas(context.Background(), &tfprotov6.GetResourceIdentitySchemasRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return &identityProtocol{protocol: p, identities: resp.IdentitySchemas}
}

func (p *identityProtocol) state(typ string, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	return p.dynamic(p.schema.ResourceSchemas[typ].ValueType(), attrs)
}

func (p *identityProtocol) identity(typ string, attrs map[string]tftypes.Value) *tfprotov6.ResourceIdentityData {
	return &tfprotov6.ResourceIdentityData{IdentityData: p.dynamic(p.identities[typ].ValueType(), attrs)}
}

// identityOf decodes an answer's identity into its attributes; nil when
// there is none or it is null.
func (p *identityProtocol) identityOf(typ string, d *tfprotov6.ResourceIdentityData) map[string]tftypes.Value {
	p.t.Helper()
	if d == nil || d.IdentityData == nil {
		return nil
	}
	v, err := d.IdentityData.Unmarshal(p.identities[typ].ValueType())
	if err != nil {
		p.t.Fatal(err)
	}
	if v.IsNull() {
		return nil
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		p.t.Fatal(err)
	}
	return attrs
}

func sameIdentity(got, want map[string]tftypes.Value) bool {
	if len(got) != len(want) {
		return false
	}
	for k, w := range want {
		if !got[k].Equal(w) {
			return false
		}
	}
	return true
}

// A Read that finds the resource gone removes it from state with a
// warning, and answers with the identity the prior state names, also for
// a state without an identity (written before identity existed, or by a
// CLI without it): the framework fails such a Read with "Missing Resource
// Identity After Read" otherwise.
func TestIdentityReadOfAResourceGone(t *testing.T) {
	p := newIdentityProtocol(t)
	for name, tc := range identityCases() {
		for _, prior := range []string{"no identity", "with identity"} {
			t.Run(name+", "+prior, func(t *testing.T) {
				req := &tfprotov6.ReadResourceRequest{TypeName: tc.typ, CurrentState: p.state(tc.typ, tc.state)}
				if prior == "with identity" {
					req.CurrentIdentity = p.identity(tc.typ, tc.identity)
				}
				resp, err := p.srv.ReadResource(context.Background(), req)
				if err != nil {
					t.Fatal(err)
				}
				if countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityError) != 0 ||
					countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityWarning) != 1 {
					t.Fatalf("diagnostics:\n%s", diagText(resp.Diagnostics))
				}
				st, err := resp.NewState.Unmarshal(p.schema.ResourceSchemas[tc.typ].ValueType())
				if err != nil || !st.IsNull() {
					t.Fatalf("state %v (%v), want removed", st, err)
				}
				if got := p.identityOf(tc.typ, resp.NewIdentity); !sameIdentity(got, tc.identity) {
					t.Fatalf("identity %v, want %v", got, tc.identity)
				}
			})
		}
	}
}

// A Read of a resource that exists keeps the identity it had, and writes
// one where there was none: never "Unexpected Identity Change".
func TestIdentityReadKeepsIt(t *testing.T) {
	p := newIdentityProtocol(t)
	const typ = "volcrtc_conversation_members"
	conv := map[string]tftypes.Value{"app_id": num(emulator.SampleAppID), "conversation_short_id": num(emulator.SampleConversationID)}
	st := map[string]tftypes.Value{"id": str("100001/7000000000000000001"), "app_id": num(emulator.SampleAppID),
		"conversation_short_id": num(emulator.SampleConversationID)}
	for _, withIdentity := range []bool{false, true} {
		req := &tfprotov6.ReadResourceRequest{TypeName: typ, CurrentState: p.state(typ, st)}
		if withIdentity {
			req.CurrentIdentity = p.identity(typ, conv)
		}
		resp, err := p.srv.ReadResource(context.Background(), req)
		if err != nil || countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityError) != 0 {
			t.Fatalf("%v %s", err, diagText(resp.Diagnostics))
		}
		if got := p.identityOf(typ, resp.NewIdentity); !sameIdentity(got, conv) {
			t.Fatalf("prior identity %v: identity %v, want %v", withIdentity, got, conv)
		}
	}
}

// An update planned without an identity (the state has none, and the plan
// did not refresh: `apply -refresh=false`) answers with one.
func TestIdentityUpdateWithoutPriorIdentity(t *testing.T) {
	p := newIdentityProtocol(t)
	const typ = "volcrtc_conversation"
	prior := map[string]tftypes.Value{"id": str("100001/7000000000000000001"), "app_id": num(emulator.SampleAppID),
		"conversation_short_id": num(emulator.SampleConversationID), "owner_user_id": num(emulator.SampleBigUserID),
		"type": str("group"), "inbox_type": num(0), "name": str("infra-oncall"),
		"deletion_protection": tftypes.NewValue(tftypes.Bool, true)}
	planned := map[string]tftypes.Value{}
	for k, v := range prior {
		planned[k] = v
	}
	planned["deletion_protection"] = tftypes.NewValue(tftypes.Bool, false)
	resp, err := p.srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{TypeName: typ,
		PriorState: p.state(typ, prior), PlannedState: p.state(typ, planned), Config: p.state(typ, planned)})
	if err != nil || len(resp.Diagnostics) != 0 {
		t.Fatalf("%v %s", err, diagText(resp.Diagnostics))
	}
	want := map[string]tftypes.Value{"app_id": num(emulator.SampleAppID), "conversation_short_id": num(emulator.SampleConversationID)}
	if got := p.identityOf(typ, resp.NewIdentity); !sameIdentity(got, want) {
		t.Fatalf("identity %v, want %v", got, want)
	}
}

// A state that lacks an ID yields an error naming it, never an identity
// with a null attribute, which a later Read would "change".
func TestIdentityNeverPartial(t *testing.T) {
	p := newIdentityProtocol(t)
	const typ = "volcrtc_conversation_member"
	resp, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: typ,
		CurrentState: p.state(typ, map[string]tftypes.Value{"id": str("100001/999/10001"), "app_id": num(100001),
			"user_id": num(10001)})})
	if err != nil {
		t.Fatal(err)
	}
	if text := diagText(resp.Diagnostics); !strings.Contains(text, "Cannot record the resource identity") ||
		!strings.Contains(text, "conversation_short_id = <null>") {
		t.Fatalf("diagnostics:\n%s", text)
	}
	if got := p.identityOf(typ, resp.NewIdentity); got != nil {
		t.Fatalf("identity %v, want none", got)
	}
}

// An import by identity sets what an import by ID sets, the identity
// included; a missing or out-of-range attribute is an error naming it.
func TestIdentityImport(t *testing.T) {
	p := newIdentityProtocol(t)
	big64 := tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(emulator.SampleConversationID))
	for name, tc := range map[string]struct {
		typ      string
		identity map[string]tftypes.Value
		id, err  string
	}{
		"conversation": {typ: "volcrtc_conversation", id: "100001/7000000000000000001",
			identity: map[string]tftypes.Value{"app_id": num(100001), "conversation_short_id": big64}},
		"members": {typ: "volcrtc_conversation_members", id: "100001/7000000000000000001",
			identity: map[string]tftypes.Value{"app_id": num(100001), "conversation_short_id": big64}},
		"member": {typ: "volcrtc_conversation_member", id: "100001/7000000000000000001/9007199254740993",
			identity: map[string]tftypes.Value{"app_id": num(100001), "conversation_short_id": big64,
				"user_id": num(emulator.SampleBigUserID)}},
		"missing user": {typ: "volcrtc_conversation_member",
			identity: map[string]tftypes.Value{"app_id": num(100001), "conversation_short_id": big64},
			err:      "The import block's identity does not set user_id: it must be a whole number between 1 and 9223372036854775807. @ AttributeName(\"user_id\")"},
		"app out of range": {typ: "volcrtc_conversation",
			identity: map[string]tftypes.Value{"app_id": num(1 << 31), "conversation_short_id": big64},
			err:      "The import block's identity sets app_id = 2147483648: it must be a whole number between 1 and 2147483647. @ AttributeName(\"app_id\")"},
		"fractional user": {typ: "volcrtc_conversation_member",
			identity: map[string]tftypes.Value{"app_id": num(100001), "conversation_short_id": big64,
				"user_id": tftypes.NewValue(tftypes.Number, big.NewFloat(900005.5))},
			err: "The import block's identity sets user_id = 900005.5: it must be a whole number between 1 and 9223372036854775807. @ AttributeName(\"user_id\")"},
		"conversation beyond 64 bits": {typ: "volcrtc_conversation_members",
			identity: map[string]tftypes.Value{"app_id": num(100001),
				"conversation_short_id": tftypes.NewValue(tftypes.Number, new(big.Float).SetUint64(1<<63))},
			err: "The import block's identity sets conversation_short_id = 9223372036854775808: it must be a whole number between 1 and 9223372036854775807. @ AttributeName(\"conversation_short_id\")"},
	} {
		t.Run(name, func(t *testing.T) {
			byIdentity, err := p.srv.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{
				TypeName: tc.typ, Identity: p.identity(tc.typ, tc.identity)})
			if err != nil {
				t.Fatal(err)
			}
			if tc.err != "" {
				if text := diagText(byIdentity.Diagnostics); !strings.Contains(text, tc.err) || len(byIdentity.ImportedResources) != 0 {
					t.Fatalf("diagnostics:\n%s", text)
				}
				return
			}
			byID, err := p.srv.ImportResourceState(context.Background(), &tfprotov6.ImportResourceStateRequest{TypeName: tc.typ, ID: tc.id})
			if err != nil || len(byIdentity.Diagnostics)+len(byID.Diagnostics) != 0 {
				t.Fatalf("%v %s %s", err, diagText(byIdentity.Diagnostics), diagText(byID.Diagnostics))
			}
			a, b := byIdentity.ImportedResources[0], byID.ImportedResources[0]
			typ := p.schema.ResourceSchemas[tc.typ].ValueType()
			sa, _ := a.State.Unmarshal(typ)
			sb, _ := b.State.Unmarshal(typ)
			if !sa.Equal(sb) || !strings.Contains(sa.String(), `"`+tc.id+`"`) {
				t.Fatalf("state by identity %v\nby ID %v", sa, sb)
			}
			for _, got := range []*tfprotov6.ResourceIdentityData{a.Identity, b.Identity} {
				if ids := p.identityOf(tc.typ, got); !sameIdentity(ids, tc.identity) {
					t.Fatalf("identity %v, want %v", ids, tc.identity)
				}
			}
		})
	}
}
