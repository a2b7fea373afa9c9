// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// The provider's protocol server: the framework serves every call but
// ReadDataSource of the provider's own data sources, which runs the spec's
// read and returns the state as MessagePack bytes (see read_state.go).

// frameworkServer is every server interface the framework implements.
// terraform-plugin-go finds the optional ones (list resources, actions,
// state stores) by type assertion, so the wrapper must carry them too, or
// anything added later would answer "not implemented".
type frameworkServer interface {
	tfprotov6.ProviderServer
	tfprotov6.ListResourceServer
	tfprotov6.ActionServer
	tfprotov6.StateStoreServer
}

// The wrapper is each ProviderServerWith* interface terraform-plugin-go
// asserts: the provider server plus each optional one.
var (
	_ tfprotov6.ProviderServer     = (*server)(nil)
	_ tfprotov6.ListResourceServer = (*server)(nil)
	_ tfprotov6.ActionServer       = (*server)(nil)
	_ tfprotov6.StateStoreServer   = (*server)(nil)
)

// NewServer returns the provider's protocol 6 server, reading the process
// environment: main.go serves it. Every read stops when interrupt is done
// (main.go: the process got an interrupt).
func NewServer(version string, interrupt context.Context) func() (tfprotov6.ProviderServer, error) {
	return newServer(version, os.Getenv, interrupt)
}

// NewServerWithEnv is NewServer with the environment read through getenv,
// and no interrupt.
func NewServerWithEnv(version string, getenv func(string) string) func() (tfprotov6.ProviderServer, error) {
	return newServer(version, getenv, context.Background())
}

// newServer makes the server. The framework serves every call but one:
// ReadDataSource of this provider's data sources, whose state is written
// as MessagePack straight from the API's records (read_state.go says why).
// Validation, schemas and configuration stay the framework's.
func newServer(version string, getenv func(string) string, interrupt context.Context) func() (tfprotov6.ProviderServer, error) {
	return func() (tfprotov6.ProviderServer, error) {
		p := &volcrtcProvider{version: version, getenv: getenv, interrupt: interrupt}
		fw, err := providerserver.NewProtocol6WithError(p)()
		if err != nil {
			return nil, err
		}
		full, ok := fw.(frameworkServer)
		if !ok {
			return nil, fmt.Errorf("the framework's server %T lacks an optional server interface", fw)
		}
		// The schema Terraform is given: the same provider with the
		// members map as nested attributes (members_flat.go).
		terraformSchema, err := providerserver.NewProtocol6WithError(&volcrtcProvider{version: version, getenv: getenv,
			interrupt: interrupt, nestedMembers: true})()
		if err != nil {
			return nil, err
		}
		return &server{frameworkServer: full, p: p, terraformSchema: terraformSchema}, nil
	}
}

type server struct {
	frameworkServer
	p *volcrtcProvider
	// terraformSchema serves the schemas Terraform is given.
	terraformSchema tfprotov6.ProviderServer

	mu    sync.Mutex
	types map[string]tftypes.Type // data source state types, once known
}

// GetProviderSchema gives Terraform the members map of
// volcrtc_conversation_members as nested attributes, which the framework
// serves as plain objects (members_flat.go); everything else is the same.
func (s *server) GetProviderSchema(ctx context.Context, req *tfprotov6.GetProviderSchemaRequest) (*tfprotov6.GetProviderSchemaResponse, error) {
	return s.terraformSchema.GetProviderSchema(ctx, req)
}

// stateType is a data source's state type from the provider's schema. A
// failure is not kept: the next call asks again.
func (s *server) stateType(ctx context.Context, typeName string) (tftypes.Type, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.types == nil {
		resp, err := s.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
		if err != nil {
			return nil, err
		}
		var msgs []error
		for _, d := range resp.Diagnostics {
			if d.Severity == tfprotov6.DiagnosticSeverityError {
				msgs = append(msgs, fmt.Errorf("%s: %s", d.Summary, d.Detail))
			}
		}
		if len(msgs) > 0 {
			return nil, fmt.Errorf("the provider's schema: %w", errors.Join(msgs...))
		}
		types := map[string]tftypes.Type{}
		for name, sch := range resp.DataSourceSchemas {
			types[name] = sch.ValueType()
		}
		s.types = types
	}
	t, ok := s.types[typeName]
	if !ok {
		return nil, fmt.Errorf("no schema for %s", typeName)
	}
	return t, nil
}

func (s *server) ReadDataSource(ctx context.Context, req *tfprotov6.ReadDataSourceRequest) (*tfprotov6.ReadDataSourceResponse, error) {
	sp, ok := specByType(req.TypeName)
	if !ok {
		return s.frameworkServer.ReadDataSource(ctx, req)
	}
	resp := &tfprotov6.ReadDataSourceResponse{}
	var diags diag.Diagnostics
	defer func() { resp.Diagnostics = protoDiagnostics(ctx, diags) }()

	typ, err := s.stateType(ctx, req.TypeName)
	var config tftypes.Value
	switch {
	case err != nil:
	case req.Config == nil:
		err = errors.New("terraform sent no configuration")
	default:
		config, err = req.Config.Unmarshal(typ)
	}
	if err != nil {
		diags.Append(bugDiagnostic("Cannot read the configuration", err))
		return resp, nil
	}
	out := runRead(ctx, s.p.data.Load(), req.ClientCapabilities != nil && req.ClientCapabilities.DeferralAllowed, config, sp)
	diags = out.diags
	switch {
	case out.deferred != 0:
		resp.Deferred = &tfprotov6.Deferred{Reason: out.deferred}
		v, err := tfprotov6.NewDynamicValue(typ, tftypes.NewValue(typ, tftypes.UnknownValue))
		if err != nil {
			diags.Append(bugDiagnostic("Cannot build the data source's state", err))
			return resp, nil
		}
		resp.State = &v
	case !diags.HasError():
		resp.State = &tfprotov6.DynamicValue{MsgPack: out.state}
	}
	return resp, nil
}

// protoDiagnostics converts diagnostics for the protocol.
func protoDiagnostics(ctx context.Context, diags diag.Diagnostics) []*tfprotov6.Diagnostic {
	out := make([]*tfprotov6.Diagnostic, 0, len(diags))
	for _, d := range diags {
		pd := &tfprotov6.Diagnostic{Severity: tfprotov6.DiagnosticSeverityError, Summary: d.Summary(), Detail: d.Detail()}
		if d.Severity() == diag.SeverityWarning {
			pd.Severity = tfprotov6.DiagnosticSeverityWarning
		}
		if wp, ok := d.(diag.DiagnosticWithPath); ok {
			pd.Attribute = protoPath(ctx, wp.Path())
		}
		out = append(out, pd)
	}
	return out
}

// protoPath converts a path, step by step: attribute names, list indexes,
// map keys and set values. A set value that cannot be converted ends the
// path there, so the diagnostic still points at the set.
func protoPath(ctx context.Context, p path.Path) *tftypes.AttributePath {
	ap := tftypes.NewAttributePath()
	for _, step := range p.Steps() {
		switch s := step.(type) {
		case path.PathStepAttributeName:
			ap = ap.WithAttributeName(string(s))
		case path.PathStepElementKeyInt:
			ap = ap.WithElementKeyInt(int(s))
		case path.PathStepElementKeyString:
			ap = ap.WithElementKeyString(string(s))
		case path.PathStepElementKeyValue:
			v, err := s.ToTerraformValue(ctx)
			if err != nil {
				return ap
			}
			ap = ap.WithElementKeyValue(v)
		}
	}
	return ap
}
