// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// volcrtc_app_token's arguments are checked on their attribute: exactly
// one of user_id and user_id_str, and a valid_for that is a duration of
// at least a second (a token must not be born expired) and at most 30 days.
func TestAppTokenValidation(t *testing.T) {
	p := newProtocol(t, nil)
	typ := p.schema.EphemeralResourceSchemas["volcrtc_app_token"].ValueType()
	cases := map[string]struct {
		attrs map[string]tftypes.Value
		want  string
	}{
		"fine":           {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "valid_for": str("90m")}, ""},
		"by name":        {map[string]tftypes.Value{"app_id": num(1), "user_id_str": str("bob")}, ""},
		"neither user":   {map[string]tftypes.Value{"app_id": num(1)}, "user_id"},
		"both users":     {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "user_id_str": str("bob")}, "user_id"},
		"not a duration": {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "valid_for": str("2 hours")}, "Invalid duration"},
		"too long":       {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "valid_for": str("721h")}, "at most 720h0m0s (30 days)"},
		"not positive":   {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "valid_for": str("-1h")}, "must be at least 1s"},
		"under a second": {map[string]tftypes.Value{"app_id": num(1), "user_id": num(5), "valid_for": str("500ms")},
			`valid_for must be at least 1s and at most 720h0m0s (30 days), got 500ms. @ AttributeName("valid_for")`},
		"fractional user": {map[string]tftypes.Value{"app_id": num(1), "user_id": numText(t, "1.5")}, "whole number"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			resp, err := p.srv.ValidateEphemeralResourceConfig(context.Background(), &tfprotov6.ValidateEphemeralResourceConfigRequest{
				TypeName: "volcrtc_app_token", Config: p.dynamic(typ, tc.attrs)})
			if err != nil {
				t.Fatal(err)
			}
			text := diagText(resp.Diagnostics)
			if (tc.want == "") != (len(resp.Diagnostics) == 0) || !strings.Contains(text, tc.want) || providerBug.MatchString(text) {
				t.Fatalf("diagnostics:\n%s", text)
			}
		})
	}
}

// Opening it calls GetAppToken with the expiry in Unix milliseconds, and
// returns the token and when it expires.
func TestAppTokenOpen(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	typ := p.schema.EphemeralResourceSchemas["volcrtc_app_token"].ValueType()
	resp, err := p.srv.OpenEphemeralResource(context.Background(), &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "volcrtc_app_token", Config: p.dynamic(typ, map[string]tftypes.Value{
			"app_id": num(emulator.SampleAppID), "user_id": num(10001), "valid_for": str("2h")})})
	if err != nil || len(resp.Diagnostics) != 0 {
		t.Fatalf("%v %s", err, diagText(resp.Diagnostics))
	}
	v, err := resp.Result.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	_ = v.As(&attrs)
	var token, expires string
	_ = attrs["token"].As(&token)
	_ = attrs["expires_at"].As(&expires)
	if tokens := emu.Tokens(); len(tokens) != 1 || token != tokens[0] || expires == "" {
		t.Fatalf("token %q expires %q, issued %v", token, expires, tokens)
	}
	var body struct{ ExpireTime int64 }
	if err := json.Unmarshal([]byte(emu.Requests()[0].RawBody), &body); err != nil {
		t.Fatal(err)
	}
	want := time.Now().Add(2 * time.Hour)
	if got := time.UnixMilli(body.ExpireTime); got.Before(want.Add(-time.Minute)) || got.After(want.Add(time.Minute)) {
		t.Fatalf("ExpireTime %d is %v, not two hours from now in Unix milliseconds", body.ExpireTime, got)
	}
	if exp, err := time.Parse(time.RFC3339, expires); err != nil || exp.Unix() != body.ExpireTime/1000 {
		t.Fatalf("expires_at %q for ExpireTime %d", expires, body.ExpireTime)
	}
}

// The expiry is rounded up to the whole second ExpireTime carries, never
// down: a token asked for one second lives at least one second.
func TestTokenExpiry(t *testing.T) {
	base := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		now      time.Duration // after base
		validFor time.Duration
		want     time.Duration // after base
	}{
		{900 * time.Millisecond, time.Second, 2 * time.Second},
		{0, time.Second, time.Second},
		{0, 1500 * time.Millisecond, 2 * time.Second},
		{time.Nanosecond, time.Hour, time.Hour + time.Second},
	} {
		if got := tokenExpiry(base.Add(tc.now), tc.validFor); !got.Equal(base.Add(tc.want)) {
			t.Errorf("%v after %v: %v, want %v", tc.validFor, tc.now, got.Sub(base), tc.want)
		}
	}
}

// A token of valid_for = "1s" is sent an ExpireTime at least a second
// after the request was made, in whole seconds, and expires_at says the
// same instant: it is never born expired.
func TestAppTokenOneSecond(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	p := newProtocol(t, sampleEnv(url))
	if diags := p.configure(nil); len(diags) != 0 {
		t.Fatal(diagText(diags))
	}
	typ := p.schema.EphemeralResourceSchemas["volcrtc_app_token"].ValueType()
	before := time.Now()
	resp, err := p.srv.OpenEphemeralResource(context.Background(), &tfprotov6.OpenEphemeralResourceRequest{
		TypeName: "volcrtc_app_token", Config: p.dynamic(typ, map[string]tftypes.Value{
			"app_id": num(emulator.SampleAppID), "user_id": num(10001), "valid_for": str("1s")})})
	if err != nil || len(resp.Diagnostics) != 0 {
		t.Fatalf("%v %s", err, diagText(resp.Diagnostics))
	}
	var body struct{ ExpireTime int64 }
	if err := json.Unmarshal([]byte(emu.Requests()[0].RawBody), &body); err != nil {
		t.Fatal(err)
	}
	if body.ExpireTime < before.Add(time.Second).UnixMilli() || body.ExpireTime%1000 != 0 {
		t.Fatalf("ExpireTime %d for a request made at %d with valid_for 1s", body.ExpireTime, before.UnixMilli())
	}
	v, err := resp.Result.Unmarshal(typ)
	if err != nil {
		t.Fatal(err)
	}
	var attrs map[string]tftypes.Value
	_ = v.As(&attrs)
	var expires string
	_ = attrs["expires_at"].As(&expires)
	if exp, err := time.Parse(time.RFC3339, expires); err != nil || exp.UnixMilli() != body.ExpireTime {
		t.Fatalf("expires_at %q for ExpireTime %d", expires, body.ExpireTime)
	}
}
