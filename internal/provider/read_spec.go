// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// The read_ files are the data sources' read machinery, shared by every
// data source: a spec (this file) names a data source's attributes and its
// read; the arguments are read from the raw configuration with path-based
// checks (read_arguments.go); the read runs the same way from the
// framework's Read and from the server's own ReadDataSource (read_run.go,
// read_server.go); the reads by ID share their indexing (read_index.go);
// and the records' field tables (read_fields.go) drive both the schema and
// the state, written as MessagePack straight from the API's records
// (read_state.go). A data source file holds only its spec, its read and
// its field table: spec -> args -> read -> MessagePack state.

// spec is one data source, whole: its name, its attributes (arguments and
// results) and its read. specs is the one list of them: it feeds the
// framework's DataSources and the server's own ReadDataSource, and the
// state a read returns is written in the order its attributes give.
type spec struct {
	name        string // after "volcrtc_"
	description string
	attributes  map[string]schema.Attribute
	read        func(ctx context.Context, client *imclient.Client, a args) (state, diag.Diagnostics)
}

// specs are the provider's data sources.
var specs = []spec{
	conversationParticipantsSpec,
	conversationsSpec,
	usersSpec,
	userConversationsSpec,
	blockListSpec,
	whitelistSpec,
}

// typeName is the data source's full type name.
func (s spec) typeName() string { return "volcrtc_" + s.name }

// names are the spec's attribute names in the order Terraform writes an
// object's attributes: sorted.
func (s spec) names() []string {
	names := make([]string, 0, len(s.attributes))
	for name := range s.attributes {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// specByType finds a spec by its full type name.
func specByType(typeName string) (spec, bool) {
	for _, s := range specs {
		if s.typeName() == typeName {
			return s, true
		}
	}
	return spec{}, false
}

// dataSources are the framework's constructors, one per spec.
func dataSources() []func() datasource.DataSource {
	out := make([]func() datasource.DataSource, len(specs))
	for i, s := range specs {
		out[i] = func() datasource.DataSource { return &specDataSource{spec: s} }
	}
	return out
}

var (
	_ datasource.DataSource              = (*specDataSource)(nil)
	_ datasource.DataSourceWithConfigure = (*specDataSource)(nil)
)

// specDataSource serves a spec through the framework. NewServer's server
// answers ReadDataSource itself; Read is the same read for servers built
// from the framework alone.
type specDataSource struct {
	spec spec
	data *providerData
}

func (d *specDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_" + d.spec.name
}

func (d *specDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{MarkdownDescription: d.spec.description, Attributes: d.spec.attributes}
}

func (d *specDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.data = configuredData(req.ProviderData, &resp.Diagnostics)
}

func (d *specDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	readInto(ctx, d.data, req, resp, d.spec)
}
