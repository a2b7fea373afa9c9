// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"os"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// readers are the data sources whose ReadDataSource the server answers
// itself.
var readers = map[string]reader{
	"volcrtc_conversation_participants": readParticipants,
	"volcrtc_conversations":             readConversations,
}

// NewServer returns the provider's protocol 6 server, reading the process
// environment: main.go serves it.
func NewServer(version string) func() (tfprotov6.ProviderServer, error) {
	return NewServerWithEnv(version, os.Getenv)
}

// NewServerWithEnv is NewServer with the environment read through getenv.
// The framework serves every call but one: ReadDataSource of this
// provider's data sources, whose state is written as MessagePack straight
// from the API's records (rawstate.go says why). Validation, schemas and
// configuration stay the framework's.
func NewServerWithEnv(version string, getenv func(string) string) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &volcrtcProvider{version: version, getenv: getenv}
		fw, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		return &server{ProviderServer: fw, p: p}, nil
	}
}

type server struct {
	tfprotov6.ProviderServer
	p *volcrtcProvider

	once   sync.Once
	types  map[string]tftypes.Type // data source state types
	schErr error
}

func (s *server) stateType(ctx context.Context, typeName string) (tftypes.Type, error) {
	s.once.Do(func() {
		resp, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			s.schErr = err
			return
		}
		s.types = map[string]tftypes.Type{}
		for name, sch := range resp.DataSourceSchemas {
			s.types[name] = sch.ValueType()
		}
	})
	if s.schErr != nil {
		return nil, s.schErr
	}
	t, ok := s.types[typeName]
	if !ok {
		return nil, fmt.Errorf("no schema for %s", typeName)
	}
	return t, nil
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	read, ok := readers[req.TypeName]
	if !ok {
		return s.ProviderServer.ReadDataSource(ctx, req)
	}
	resp := &tfprotov6.ReadDataSourceResponse{}
	var diags diag.Diagnostics
	defer func() { resp.Diagnostics = protoDiagnostics(diags) }()

	typ, err := s.stateType(ctx, req.TypeName)
	var config tftypes.Value
	if err == nil {
		config, err = req.Config.Unmarshal(typ)
	}
	if err != nil {
		diags.AddError("Cannot read the configuration", err.Error()+" This is a bug in the provider.")
		return resp, nil
	}
	deferralAllowed := req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed
	client, ctx, deferred, clientDiags := s.p.data.Load().readClient(ctx, deferralAllowed)
	if deferred {
		resp.Deferred = &tfprotov6.Deferred{Reason: tfprotov6.DeferredReasonProviderConfigUnknown}
		return resp, nil
	}
	if diags.Append(clientDiags...); client == nil {
		return resp, nil
	}
	state, readDiags := read(ctx, client, config)
	if diags.Append(readDiags...); diags.HasError() {
		return resp, nil
	}
	resp.State = &tfprotov6.DynamicValue{MsgPack: state}
	return resp, nil
}

// protoDiagnostics converts diagnostics for the protocol.
func protoDiagnostics(diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError, Summary: d.Summary(), Detail: d.Detail()}
		if d.Severity() == diag.SeverityWarning {
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = protoPath(wp.Path())
		}
		out = append(out, pd)
	}
	return out
}

// protoPath converts the paths this provider's reads report on: attribute
// names and list indexes.
func protoPath(p path.Path) *tftypes.AttributePath {
	ap := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(s))
		}
	}
	return ap
}
