// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// Every call of the protocol that may spend the request budget ends with
// its one warning when the budget could not be shared (budgetWarnings):
// the data sources' reads give it in runRead; the resources' and the
// ephemeral resource's calls, served by the framework, get it here, in one
// place rather than in each of their operations.

// withBudgetWarnings appends the budget's once-per-process warnings, if
// any are due, to diags.
func (s *server) withBudgetWarnings(ctx context.Context, diags []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	data := s.p.data.Load()
	if data == nil || data.client == nil {
		return diags
	}
	return append(diags, protoDiagnostics(ctx, budgetWarnings(data.client))...)
}

func (s *server) ReadResource(ctx context.Context, req *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	resp, err := s.frameworkServer.ReadResource(ctx, req)
	if resp != nil {
		resp.Diagnostics = s.withBudgetWarnings(ctx, resp.Diagnostics)
	}
	return resp, err
}

func (s *server) PlanResourceChange(ctx context.Context, req *tfprotov6.PlanResourceChangeRequest) (*tfprotov6.PlanResourceChangeResponse, error) {
	resp, err := s.frameworkServer.PlanResourceChange(ctx, req)
	if resp != nil {
		resp.Diagnostics = s.withBudgetWarnings(ctx, resp.Diagnostics)
	}
	return resp, err
}

func (s *server) ApplyResourceChange(ctx context.Context, req *tfprotov6.ApplyResourceChangeRequest) (*tfprotov6.ApplyResourceChangeResponse, error) {
	resp, err := s.frameworkServer.ApplyResourceChange(ctx, req)
	if resp != nil {
		resp.Diagnostics = s.withBudgetWarnings(ctx, resp.Diagnostics)
	}
	return resp, err
}

func (s *server) ImportResourceState(ctx context.Context, req *tfprotov6.ImportResourceStateRequest) (*tfprotov6.ImportResourceStateResponse, error) {
	resp, err := s.frameworkServer.ImportResourceState(ctx, req)
	if resp != nil {
		resp.Diagnostics = s.withBudgetWarnings(ctx, resp.Diagnostics)
	}
	return resp, err
}

func (s *server) OpenEphemeralResource(ctx context.Context, req *tfprotov6.OpenEphemeralResourceRequest) (*tfprotov6.OpenEphemeralResourceResponse, error) {
	resp, err := s.frameworkServer.OpenEphemeralResource(ctx, req)
	if resp != nil {
		resp.Diagnostics = s.withBudgetWarnings(ctx, resp.Diagnostics)
	}
	return resp, err
}
