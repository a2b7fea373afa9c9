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
)

// protocol drives the provider server in-process, the way Terraform core
// does, so a test can see every diagnostic, warnings included, without a
// CLI in between.
type protocol struct {
	t      testing.TB
	srv    tfprotov6.ProviderServer
	schema *tfprotov6.GetProviderSchemaResponse
}

func newProtocol(t testing.TB, env map[string]string) *protocol {
	t.Helper()
	return newProtocolWith(t, NewServerWithEnv("test", func(k string) string { return env[k] }))
}

// newProtocolWith drives the server newServer makes.
func newProtocolWith(t testing.TB, newServer func() (tfprotov6.ProviderServer, error)) *protocol {
	t.Helper()
	srv, err := newServer()
	if err != nil {
		t.Fatal(err)
	}
	schema, err := srv.GetProviderSchema(context.Background(), &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return &protocol{t: t, srv: srv, schema: schema}
}

// dynamic builds a config of typ from attrs; attributes not given are null.
func (p *protocol) dynamic(typ tftypes.Type, attrs map[string]tftypes.Value) *tfprotov6.DynamicValue {
	p.t.Helper()
	obj, ok := typ.(tftypes.Object)
	if !ok {
		p.t.Fatalf("schema type %T is not an object", typ)
	}
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		vals[name] = tftypes.NewValue(at, nil)
		if v, ok := attrs[name]; ok {
			vals[name] = v
		}
	}
	dv, err := tfprotov6.NewDynamicValue(obj, tftypes.NewValue(obj, vals))
	if err != nil {
		p.t.Fatal(err)
	}
	return &dv
}

func (p *protocol) providerType() tftypes.Type { return p.schema.Provider.ValueType() }

func (p *protocol) dataSourceType(name string) tftypes.Type {
	return p.schema.DataSourceSchemas[name].ValueType()
}

func (p *protocol) validateProvider(attrs map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	resp, err := p.srv.ValidateProviderConfig(context.Background(), &tfprotov6.ValidateProviderConfigRequest{
		Config: p.dynamic(p.providerType(), attrs)})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

func (p *protocol) configure(attrs map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	resp, err := p.srv.ConfigureProvider(context.Background(), &tfprotov6.ConfigureProviderRequest{
		TerraformVersion: "1.5.7", Config: p.dynamic(p.providerType(), attrs)})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

func (p *protocol) validateDataSource(name string, attrs map[string]tftypes.Value) []*tfprotov6.Diagnostic {
	resp, err := p.srv.ValidateDataResourceConfig(context.Background(), &tfprotov6.ValidateDataResourceConfigRequest{
		TypeName: name, Config: p.dynamic(p.dataSourceType(name), attrs)})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp.Diagnostics
}

func (p *protocol) read(name string, attrs map[string]tftypes.Value) *tfprotov6.ReadDataSourceResponse {
	resp, err := p.srv.ReadDataSource(context.Background(), &tfprotov6.ReadDataSourceRequest{
		TypeName: name, Config: p.dynamic(p.dataSourceType(name), attrs)})
	if err != nil {
		p.t.Fatal(err)
	}
	return resp
}

func num(v int64) tftypes.Value { return tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(v)) }

// numText is a number written as in a configuration.
func numText(t *testing.T, s string) tftypes.Value {
	t.Helper()
	f, _, err := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	if err != nil {
		t.Fatal(err)
	}
	return tftypes.NewValue(tftypes.Number, f)
}

func numList(vals ...tftypes.Value) tftypes.Value {
	return tftypes.NewValue(tftypes.List{ElementType: tftypes.Number}, vals)
}

func str(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

// diagText joins diagnostics for messages and searches.
func diagText(diags []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range diags {
		b.WriteString(d.Severity.String() + ": " + d.Summary + ": " + d.Detail)
		if d.Attribute != nil {
			b.WriteString(" @ " + d.Attribute.String())
		}
		b.WriteString("\n")
	}
	return b.String()
}

func countSeverity(diags []*tfprotov6.Diagnostic, s tfprotov6.DiagnosticSeverity) int {
	n := 0
	for _, d := range diags {
		if d.Severity == s {
			n++
		}
	}
	return n
}
