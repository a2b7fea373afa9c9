// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"fmt"
	"math/big"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/provider"
)

// readInProcess times validate + configure + read of one data source of n
// IDs through the provider's gRPC-level server, without Terraform: the
// provider's own share of a run.
func readInProcess(url string, n int) (validate, read time.Duration) {
	ctx := context.Background()
	srv, err := provider.NewServerWithEnv("bench", func(string) string { return "" })()
	check(err)
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	check(err)

	pt, ok := sch.Provider.ValueType().(tftypes.Object)
	if !ok {
		check(fmt.Errorf("provider schema is not an object"))
	}
	pv := map[string]tftypes.Value{}
	for k, t := range pt.AttributeTypes {
		pv[k] = tftypes.NewValue(t, nil)
	}
	pv["access_key"] = tftypes.NewValue(tftypes.String, ak)
	pv["secret_key"] = tftypes.NewValue(tftypes.String, sk)
	pv["endpoint"] = tftypes.NewValue(tftypes.String, url)
	pcfg, err := tfprotov6.NewDynamicValue(pt, tftypes.NewValue(pt, pv))
	check(err)
	cr, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &pcfg})
	check(err)
	check(diagErr(cr.Diagnostics))

	dt, ok := sch.DataSourceSchemas["volcrtc_conversation_participants"].ValueType().(tftypes.Object)
	if !ok {
		check(fmt.Errorf("data source schema is not an object"))
	}
	idVals := make([]tftypes.Value, n)
	for i := range idVals {
		idVals[i] = tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(int64(i+1)))
	}
	dv := map[string]tftypes.Value{}
	for k, t := range dt.AttributeTypes {
		dv[k] = tftypes.NewValue(t, nil)
	}
	dv["app_id"] = tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(appID))
	dv["conversation_short_id"] = tftypes.NewValue(tftypes.Number, new(big.Float).SetInt64(convID))
	dv["participant_user_ids"] = tftypes.NewValue(tftypes.List{ElementType: tftypes.Number}, idVals)
	cfg, err := tfprotov6.NewDynamicValue(dt, tftypes.NewValue(dt, dv))
	check(err)

	start := time.Now()
	vr, err := srv.ValidateDataResourceConfig(ctx, &tfprotov6.ValidateDataResourceConfigRequest{TypeName: "volcrtc_conversation_participants", Config: &cfg})
	check(err)
	check(diagErr(vr.Diagnostics))
	validate = time.Since(start)
	start = time.Now()
	rr, err := srv.ReadDataSource(ctx, &tfprotov6.ReadDataSourceRequest{TypeName: "volcrtc_conversation_participants", Config: &cfg})
	check(err)
	check(diagErr(rr.Diagnostics))
	return validate, time.Since(start)
}

func diagErr(diags []*tfprotov6.Diagnostic) error {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return fmt.Errorf("%s: %s", d.Summary, d.Detail)
		}
	}
	return nil
}
