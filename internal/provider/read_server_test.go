// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator/emulatortest"
)

// bothServers makes NewServer's server and one built from the framework
// alone, reading env.
func bothServers(env map[string]string) map[string]func() (tfprotov6.ProviderServer, error) {
	getenv := func(k string) string { return env[k] }
	return map[string]func() (tfprotov6.ProviderServer, error){
		"server":    NewServerWithEnv("test", getenv),
		"framework": providerserver.NewProtocol6WithError(NewWithEnv("test", getenv)()),
	}
}

func (p *protocol) readWith(name string, config *tfprotov6.DynamicValue, deferralAllowed bool) *tfprotov6.ReadDataSourceResponse {
	p.t.Helper()
	resp, err := p.srv.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
		TypeName: name, Config: config,
		ClientCapabilities: &tfprotov6.ReadDataSourceClientCapabilities{DeferralAllowed: deferralAllowed}})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

// assertUnknownState checks that a deferred read plans as an unknown value
// of the data source's type, not as null: Terraform shows a null object as
// a data source with nothing in it.
func assertUnknownState(t *testing.T, p *protocol, name string, resp *tfprotov6.ReadDataSourceResponse, reason tfprotov6.DeferredReason) {
	t.Helper()
	if resp.Deferred == nil || resp.Deferred.Reason != reason || len(resp.Diagnostics) != 0 {
		t.Fatalf("deferred %+v, diagnostics:\n%s", resp.Deferred, diagText(resp.Diagnostics))
	}
	if resp.State == nil {
		t.Fatal("no state with the deferral")
	}
	v, err := resp.State.Unmarshal(p.dataSourceType(name))
	if err != nil {
		t.Fatal(err)
	}
	if v.IsKnown() || !v.Type().Equal(p.dataSourceType(name)) {
		t.Fatalf("deferred state %v", v)
	}
}

// An unknown provider configuration defers the read with an unknown state,
// both ways into a read.
func TestDeferredReadIsUnknown(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	for name, newServer := range bothServers(map[string]string{EnvEndpoint: url, EnvSecretKey: emulator.SampleSecretKey}) {
		t.Run(name, func(t *testing.T) {
			p := newProtocolWith(t, newServer)
			if diags := p.configure(map[string]tftypes.Value{"access_key": tftypes.NewValue(tftypes.String, tftypes.UnknownValue)}); len(diags) != 0 {
				t.Fatal(diagText(diags))
			}
			resp := p.readWith(participantsDS, p.dynamic(p.dataSourceType(participantsDS), sampleArgs(num(10001))), true)
			assertUnknownState(t, p, participantsDS, resp, tfprotov6.DeferredReasonProviderConfigUnknown)
		})
	}
}

// Unknown arguments: deferred (unknown state) where Terraform allows it, a
// clear error on the attribute otherwise; never "must be a whole number,
// got: null" or "a bug in the provider". A nil configuration is an error,
// not a panic.
func TestUnknownArguments(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	unknownNum := tftypes.NewValue(tftypes.Number, tftypes.UnknownValue)
	cases := map[string]struct {
		ds   string
		args map[string]tftypes.Value
		attr string
	}{
		"number": {participantsDS, map[string]tftypes.Value{"app_id": unknownNum,
			"conversation_short_id": num(emulator.SampleConversationID), "participant_user_ids": numList(num(10001))}, "app_id"},
		"list": {participantsDS, map[string]tftypes.Value{"app_id": num(emulator.SampleAppID),
			"conversation_short_id": num(emulator.SampleConversationID), "participant_user_ids": numList(num(10001), unknownNum)}, "participant_user_ids"},
		"bool": {conversationsDS, map[string]tftypes.Value{"app_id": num(emulator.SampleAppID),
			"conversation_short_ids": numList(num(emulator.SampleConversationID)), "include_member_count": tftypes.NewValue(tftypes.Bool, tftypes.UnknownValue)}, "include_member_count"},
	}
	for srvName, newServer := range bothServers(sampleEnv(url)) {
		for name, tc := range cases {
			t.Run(srvName+"/"+name, func(t *testing.T) {
				p := newProtocolWith(t, newServer)
				if diags := p.configure(nil); len(diags) != 0 {
					t.Fatal(diagText(diags))
				}
				config := p.dynamic(p.dataSourceType(tc.ds), tc.args)
				assertUnknownState(t, p, tc.ds, p.readWith(tc.ds, config, true), tfprotov6.DeferredReasonResourceConfigUnknown)

				resp := p.readWith(tc.ds, config, false)
				text := diagText(resp.Diagnostics)
				if len(resp.Diagnostics) != 1 || resp.Diagnostics[0].Attribute == nil ||
					!resp.Diagnostics[0].Attribute.Equal(tftypes.NewAttributePath().WithAttributeName(tc.attr)) ||
					!strings.Contains(text, "depends_on") || strings.Contains(text, "bug") || strings.Contains(text, "null") {
					t.Fatalf("diagnostics:\n%s", text)
				}
			})
		}
	}
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	resp := p.readWith(participantsDS, nil, false)
	if countSeverity(resp.Diagnostics, tfprotov6.DiagnosticSeverityError) != 1 || resp.State != nil {
		t.Fatalf("nil config: %s", diagText(resp.Diagnostics))
	}
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("%d requests for reads that could not run", n)
	}
}

// failingSchema fails GetProviderSchema until told otherwise.
type failingSchema struct {
	tfprotov6.ProviderServer
	fail bool
}

func (f *failingSchema) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	if f.fail {
		return &tfprotov6.GetProviderSchemaResponse{Diagnostics: []*tfprotov6.Diagnostic{{
			Severity: tfprotov6.DiagnosticSeverityError, Summary: "schema broke", Detail: "for this test"}}}, nil
	}
	return f.ProviderServer.GetProviderSchema(ctx, req)
}

// A schema lookup that fails says why, and is asked again next time.
func TestStateTypeFailureIsNotKept(t *testing.T) {
	srv, err := NewServerWithEnv("test", func(string) string { return "" })()
	if err != nil {
		t.Fatal(err)
	}
	s, ok := srv.(*server)
	if !ok {
		t.Fatalf("server %T", srv)
	}
	// The schemas Terraform is given are the ones whose types the state
	// is written in.
	f := &failingSchema{ProviderServer: s.terraformSchema, fail: true}
	s.terraformSchema = f
	if _, err := s.stateType(context.Background(), participantsDS); err == nil || !strings.Contains(err.Error(), "schema broke: for this test") {
		t.Fatalf("err %v", err)
	}
	f.fail = false
	if typ, err := s.stateType(context.Background(), participantsDS); err != nil || typ == nil {
		t.Fatalf("after the failure: %v", err)
	}
}

// Every kind of path step reaches the protocol.
func TestProtoPathConvertsEveryStep(t *testing.T) {
	p := path.Root("a").AtListIndex(2).AtMapKey("k").AtSetValue(types.StringValue("v")).AtName("b")
	want := tftypes.NewAttributePath().WithAttributeName("a").WithElementKeyInt(2).WithElementKeyString("k").
		WithElementKeyValue(tftypes.NewValue(tftypes.String, "v")).WithAttributeName("b")
	if got := protoPath(context.Background(), p); !got.Equal(want) {
		t.Fatalf("got %s, want %s", got, want)
	}
}

// The wrapper carries the framework's optional server interfaces, which
// terraform-plugin-go finds by type assertion.
func TestServerForwardsOptionalInterfaces(t *testing.T) {
	srv, err := NewServer("test", context.Background())()
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := srv.(tfprotov6.ListResourceServer); !ok {
		t.Error("list resources not forwarded")
	}
	if _, ok := srv.(tfprotov6.StateStoreServer); !ok {
		t.Error("state stores not forwarded")
	}
	actions, ok := srv.(tfprotov6.ActionServer)
	if !ok {
		t.Fatal("actions not forwarded")
	}
	resp, err := actions.ValidateActionConfig(context.Background(),
		&tfprotov6.ValidateActionConfigRequest{ActionType: "volcrtc_none"})
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if resp == nil {
		t.Fatal("no answer from the framework")
	}
}

// Both ways into a read, NewServer's own ReadDataSource and the
// framework's Read, give the same state, for every read of every spec's
// sample (members by ID and every member, conversations, users...).
func TestFrameworkPathGivesTheSameState(t *testing.T) {
	for _, s := range specs {
		for _, rd := range sampleFor(t, s).reads {
			t.Run(s.name+"/"+rd.name, func(t *testing.T) {
				fx := emulator.Sample()
				if rd.fixtures != nil {
					fx = rd.fixtures()
				}
				_, url := emulatortest.Start(t, fx, emulator.Options{})
				env := sampleEnv(url)
				getenv := func(k string) string { return env[k] }
				var states []tftypes.Value
				for _, newServer := range []func() (tfprotov6.ProviderServer, error){
					NewServerWithEnv("test", getenv),
					providerserver.NewProtocol6WithError(NewWithEnv("test", getenv)()),
				} {
					p := newProtocolWith(t, newServer)
					if diags := p.configure(nil); len(diags) != 0 {
						t.Fatal(diagText(diags))
					}
					resp := p.read(s.typeName(), rd.args)
					if len(resp.Diagnostics) != 0 || resp.State == nil {
						t.Fatalf("diagnostics:\n%s", diagText(resp.Diagnostics))
					}
					v, err := resp.State.Unmarshal(p.dataSourceType(s.typeName()))
					if err != nil {
						t.Fatal(err)
					}
					states = append(states, v)
				}
				if !states[0].Equal(states[1]) {
					t.Fatalf("states differ:\n%v\n%v", states[0], states[1])
				}
				if !states[0].IsFullyKnown() || states[0].IsNull() {
					t.Fatalf("state %v", states[0])
				}
				found := 0
				for _, objs := range nestedObjects(t, states[0]) {
					found += len(objs)
				}
				if found == 0 {
					t.Fatal("the sample read found nothing: it would not show the two ways differ")
				}
			})
		}
	}
}
