// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/hex"
	"net/url"
	"testing"
)

// The vendor's published signing walkthrough.
func TestSignatureOfficialVector(t *testing.T) {
	const (
		secret = "WkRZeE1EQmxPVGhsWWpWak5HVmtNbUUxTXpZeU9UVXlOMlE1TmpZeVlqTQ=="
		xDate  = "20240619T071306Z"
		scope  = "20240619/cn-beijing/iam/request"
	)
	q := url.Values{"Action": {"ListUsers"}, "Limit": {"10"}, "Offset": {"0"}, "Version": {"2018-01-01"}}
	headers := map[string]string{"host": "iam.volcengineapi.com", "x-date": xDate}
	creq := CanonicalRequest("GET", "/", q, headers, []string{"x-date", "host"}, HexSHA256(nil))

	if got, want := HexSHA256([]byte(creq)), "5ed5bca3905e1fcbf789abb56a17c2d819674a3bcfa468ae476bd1ea80d135cb"; got != want {
		t.Fatalf("canonical request hash = %s, want %s\n%s", got, want, creq)
	}
	key := SigningKey(secret, "20240619", "cn-beijing", "iam")
	if got, want := hex.EncodeToString(key), "abee62e533a58934c49954459a3c3237d2fccea517c9a7c8a2651d8ea7779826"; got != want {
		t.Fatalf("signing key = %s, want %s", got, want)
	}
	if got, want := Signature(key, StringToSign(xDate, scope, creq)), "e31c4558bcfe08a286001f59cedbf0791ffd0b2362f10e55ee2627467bcdde93"; got != want {
		t.Fatalf("signature = %s, want %s", got, want)
	}
}

func TestParseAuthorization(t *testing.T) {
	a, err := ParseAuthorization("HMAC-SHA256 Credential=AKX/20240619/cn-north-1/rtc/request, SignedHeaders=content-type;host;x-date, Signature=abc")
	if err != nil {
		t.Fatal(err)
	}
	if a.AccessKey != "AKX" || a.Date != "20240619" || a.Region != "cn-north-1" || a.Service != "rtc" ||
		len(a.SignedHeaders) != 3 || a.Signature != "abc" || a.Scope() != "20240619/cn-north-1/rtc/request" {
		t.Fatalf("parsed %+v", a)
	}
	for _, bad := range []string{
		"",
		"AWS4-HMAC-SHA256 Credential=a/b/c/d/request, SignedHeaders=host, Signature=x",
		"HMAC-SHA256 Credential=AK/20240619/cn-north-1/rtc, SignedHeaders=host, Signature=x",
		"HMAC-SHA256 Credential=AK/20240619/cn-north-1/rtc/request, Signature=x",
		"HMAC-SHA256 Credential=AK/20240619/cn-north-1/rtc/request, SignedHeaders=host",
		"HMAC-SHA256 garbage",
	} {
		if _, err := ParseAuthorization(bad); err == nil {
			t.Errorf("ParseAuthorization(%q) accepted", bad)
		}
	}
}

func TestEscape(t *testing.T) {
	if got := escape("a b+c/~*"); got != "a%20b%2Bc%2F~%2A" {
		t.Fatalf("escape = %q", got)
	}
	q := url.Values{"b": {"2", "1"}, "a": {"x y"}}
	if got := canonicalQuery(q); got != "a=x%20y&b=1&b=2" {
		t.Fatalf("canonicalQuery = %q", got)
	}
}
