// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// A bad budget_redis_url, from the block or the environment, is an error
// that names the attribute and never quotes it (it holds the password),
// on no attribute path: Terraform would print the path's source line.
func TestBudgetRedisURLIsNotPrinted(t *testing.T) {
	for _, u := range []string{"http://user:s3cretpw@127.0.0.1:1", "redis://user:s3cretpw@host:1/notadb", "redis://:s3cretpw@[::1"} {
		for _, fromEnv := range []bool{false, true} {
			env := map[string]string{EnvAccessKey: "a", EnvSecretKey: "b"}
			attrs := map[string]tftypes.Value{}
			if fromEnv {
				env[EnvBudgetRedisURL] = u
			} else {
				attrs["budget_redis_url"] = str(u)
			}
			p := newProtocol(t, env)
			diags := append(p.validateProvider(attrs), p.configure(attrs)...)
			text := diagText(diags)
			if countSeverity(diags, tfprotov6.DiagnosticSeverityError) == 0 || strings.Contains(text, "s3cretpw") ||
				!strings.Contains(text, "budget_redis_url") {
				t.Errorf("URL %q (env %v):\n%s", u, fromEnv, text)
			}
			for _, d := range diags {
				if d.Attribute != nil {
					t.Errorf("URL %q (env %v): %q on %v, whose source line Terraform prints", u, fromEnv, d.Summary, d.Attribute)
				}
			}
		}
	}
}

// budget_share outside (0, 1] is an error on the attribute.
func TestBudgetShareRange(t *testing.T) {
	for _, v := range []float64{0, -0.5, 1.5} {
		p := newProtocol(t, map[string]string{EnvAccessKey: "a", EnvSecretKey: "b"})
		diags := p.validateProvider(map[string]tftypes.Value{"budget_share": tftypes.NewValue(tftypes.Number, big.NewFloat(v))})
		if text := diagText(diags); countSeverity(diags, tfprotov6.DiagnosticSeverityError) != 1 ||
			!strings.Contains(text, "budget_share") || !strings.Contains(text, "greater than 0 and at most 1") {
			t.Errorf("budget_share %v:\n%s", v, text)
		}
	}
	p := newProtocol(t, map[string]string{EnvAccessKey: "a", EnvSecretKey: "b"})
	if diags := p.validateProvider(map[string]tftypes.Value{"budget_share": tftypes.NewValue(tftypes.Number, big.NewFloat(0.6))}); len(diags) != 0 {
		t.Errorf("budget_share 0.6: %s", diagText(diags))
	}
}
