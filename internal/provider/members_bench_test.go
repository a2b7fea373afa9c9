// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
)

// The plugin's own share of a plan and an apply of a 2,000-member
// volcrtc_conversation_members, driven through the protocol server as
// Terraform drives it, against an emulator without latency or rate limit
// (the request budget still paces the reads). For profiles:
//
//	go test ./internal/provider -run '^$' -bench BenchmarkMembers -cpuprofile cpu.out

const (
	benchMembersConv  = 8200000000000000001
	benchMembersCount = 2000
	benchMembersType  = "volcrtc_conversation_members"
)

// benchMembers is a protocol server configured against an emulator whose
// group holds its owner and, with full, the 2,000 members.
type benchMembers struct {
	p   *protocol
	emu *emulator.Server
	typ tftypes.Object
}

func newBenchMembers(b *testing.B, full bool) *benchMembers {
	b.Helper()
	typ, owner := int64(2), int64(1)
	conv := emulator.Conversation{ConversationShortID: benchMembersConv, ConversationType: &typ, OwnerUserID: &owner,
		Participants: []emulator.Participant{{ParticipantUserID: 1, Role: 1}}}
	if full {
		for i := int64(2); i < 2+benchMembersCount; i++ {
			nick := fmt.Sprintf("member-%d", i)
			conv.Participants = append(conv.Participants, emulator.Participant{ParticipantUserID: i, NickName: &nick})
		}
	}
	fx := emulator.Fixtures{Credentials: []emulator.Credential{{AccessKey: emulator.SampleAccessKey,
		SecretKey: emulator.SampleSecretKey}}, Apps: []emulator.App{{AppID: emulator.SampleAppID,
		Conversations: []emulator.Conversation{conv}}}}
	emu, url := emulatortest.Start(b, fx, emulator.Options{RateLimit: -1, MaxMembers: 3000, NoRecord: true})
	p := newProtocol(b, sampleEnv(url))
	if d := p.configure(map[string]tftypes.Value{"max_qps": num(100)}); len(d) > 0 {
		b.Fatal(diagText(d))
	}
	obj, ok := p.schema.ResourceSchemas[benchMembersType].ValueType().(tftypes.Object)
	if !ok {
		b.Fatal("the members schema is not an object")
	}
	return &benchMembers{p: p, emu: emu, typ: obj}
}

// value is the resource's value with members 2..2,001 each with a
// nickname; role is "member" in a state, null in a configuration.
func (m *benchMembers) value(state bool) tftypes.Value {
	memberType := membersElementType(m.p.t, m.typ)
	role := tftypes.NewValue(tftypes.String, nil)
	if state {
		role = str("member")
	}
	members := make(map[string]tftypes.Value, benchMembersCount)
	for i := int64(2); i < 2+benchMembersCount; i++ {
		members[fmt.Sprint(i)] = tftypes.NewValue(memberType, map[string]tftypes.Value{
			"role": role, "nick_name": str(fmt.Sprintf("member-%d", i)),
			"level": tftypes.NewValue(tftypes.Number, nil), "ext": tftypes.NewValue(memberType.AttributeTypes["ext"], nil)})
	}
	id := tftypes.NewValue(tftypes.String, nil)
	if state {
		id = str(fmt.Sprintf("%d/%d", emulator.SampleAppID, int64(benchMembersConv)))
	}
	return tftypes.NewValue(m.typ, map[string]tftypes.Value{
		"id": id, "app_id": num(emulator.SampleAppID), "conversation_short_id": num(benchMembersConv),
		"operator_user_id": tftypes.NewValue(tftypes.Number, nil),
		"members":          tftypes.NewValue(m.typ.AttributeTypes["members"], members),
	})
}

func (m *benchMembers) dynamic(v tftypes.Value) *tfprotov6.DynamicValue {
	dv, err := tfprotov6.NewDynamicValue(m.typ, v)
	if err != nil {
		m.p.t.Fatal(err)
	}
	return &dv
}

// stateJSON is the state as Terraform stores it, for UpgradeResourceState.
func (m *benchMembers) stateJSON() []byte {
	members := map[string]any{}
	for i := int64(2); i < 2+benchMembersCount; i++ {
		members[fmt.Sprint(i)] = map[string]any{"role": "member", "nick_name": fmt.Sprintf("member-%d", i), "level": nil, "ext": nil}
	}
	out, err := json.Marshal(map[string]any{"id": fmt.Sprintf("%d/%d", emulator.SampleAppID, int64(benchMembersConv)),
		"app_id": emulator.SampleAppID, "conversation_short_id": int64(benchMembersConv), "operator_user_id": nil, "members": members})
	if err != nil {
		m.p.t.Fatal(err)
	}
	return out
}

func failOn(b *testing.B, what string, diags []*tfprotov6.Diagnostic, err error) {
	b.Helper()
	if err != nil {
		b.Fatalf("%s: %v", what, err)
	}
	if countSeverity(diags, tfprotov6.DiagnosticSeverityError) > 0 {
		b.Fatalf("%s: %s", what, diagText(diags))
	}
}

// BenchmarkMembersNoOpPlan is the plugin's part of a plan that changes
// nothing: validate, upgrade and read (refresh) the state, plan.
func BenchmarkMembersNoOpPlan(b *testing.B) {
	m := newBenchMembers(b, true)
	ctx := context.Background()
	config, state := m.dynamic(m.value(false)), m.dynamic(m.value(true))
	raw := m.stateJSON()
	b.ResetTimer()
	for range b.N {
		v, err := m.p.srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: benchMembersType, Config: config})
		failOn(b, "validate", v.Diagnostics, err)
		u, err := m.p.srv.UpgradeResourceState(ctx, &tfprotov6.UpgradeResourceStateRequest{TypeName: benchMembersType,
			RawState: &tfprotov6.RawState{JSON: raw}})
		failOn(b, "upgrade", u.Diagnostics, err)
		r, err := m.p.srv.ReadResource(ctx, &tfprotov6.ReadResourceRequest{TypeName: benchMembersType, CurrentState: u.UpgradedState})
		failOn(b, "read", r.Diagnostics, err)
		pl, err := m.p.srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: benchMembersType,
			Config: config, PriorState: r.NewState, ProposedNewState: state})
		failOn(b, "plan", pl.Diagnostics, err)
	}
}

// BenchmarkMembersPlanOnly is PlanResourceChange alone for a plan that
// changes nothing: no call reaches the API.
func BenchmarkMembersPlanOnly(b *testing.B) {
	m := newBenchMembers(b, true)
	ctx := context.Background()
	config, state := m.dynamic(m.value(false)), m.dynamic(m.value(true))
	b.ResetTimer()
	for range b.N {
		pl, err := m.p.srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: benchMembersType,
			Config: config, PriorState: state, ProposedNewState: state})
		failOn(b, "plan", pl.Diagnostics, err)
	}
}

// BenchmarkMembersCreate is the plugin's part of an apply that adds the
// 2,000 to a group of its owner alone: validate, plan, apply.
func BenchmarkMembersCreate(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		m := newBenchMembers(b, false)
		config := m.dynamic(m.value(false))
		null := m.dynamic(tftypes.NewValue(m.typ, nil))
		b.StartTimer()
		v, err := m.p.srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: benchMembersType, Config: config})
		failOn(b, "validate", v.Diagnostics, err)
		pl, err := m.p.srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: benchMembersType,
			Config: config, PriorState: null, ProposedNewState: config})
		failOn(b, "plan", pl.Diagnostics, err)
		a, err := m.p.srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: benchMembersType,
			Config: config, PriorState: null, PlannedState: pl.PlannedState})
		failOn(b, "apply", a.Diagnostics, err)
	}
}
