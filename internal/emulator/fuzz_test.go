// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/volcengine/volc-sdk-golang/base"
)

// signedSeed is one request signed by the vendor SDK, and the emulator
// whose clock matches its X-Date.
func signedSeed(tb testing.TB) (*http.Request, *Server) {
	r := httptest.NewRequest(http.MethodPost, "http://rtc.test/?Action=BatchGetConversationParticipant&Version=2020-12-01",
		strings.NewReader(seedBody))
	r.Header.Set("Content-Type", "application/json")
	base.Credentials{AccessKeyID: SampleAccessKey, SecretAccessKey: SampleSecretKey, Region: "cn-north-1", Service: "rtc"}.Sign(r)
	signedAt, err := time.Parse(dateLayout, r.Header.Get("X-Date"))
	if err != nil {
		tb.Fatal(err)
	}
	emu, err := New(Sample(), Options{RateLimit: -1, Now: func() time.Time { return signedAt }})
	if err != nil {
		tb.Fatal(err)
	}
	return r, emu
}

const seedBody = `{"AppId":100001,"ConversationShortId":42,"ParticipantUserIds":[1]}`

// verifyInput rebuilds a request from fuzzed parts, keeping the seed's
// other signed headers, and asks the verifier.
func verifyInput(emu *Server, seed *http.Request, auth, xDate, query, body string) *apiError {
	r := httptest.NewRequest(http.MethodPost, "http://rtc.test/", bytes.NewReader([]byte(body)))
	r.URL.RawQuery = query
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", auth)
	r.Header.Set("X-Date", xDate)
	r.Header.Set("X-Content-Sha256", seed.Header.Get("X-Content-Sha256"))
	rec := Request{Action: r.URL.Query().Get("Action"), Version: r.URL.Query().Get("Version")}
	return emu.authenticate(r, []byte(body), &rec)
}

// The fuzz harness is not vacuous: the SDK-signed seed passes it.
func TestVerifyInputAcceptsTheSignedSeed(t *testing.T) {
	seed, emu := signedSeed(t)
	if aerr := verifyInput(emu, seed, seed.Header.Get("Authorization"), seed.Header.Get("X-Date"), seed.URL.RawQuery, seedBody); aerr != nil {
		t.Fatalf("rejected: %+v", aerr)
	}
	if aerr := verifyInput(emu, seed, seed.Header.Get("Authorization"), seed.Header.Get("X-Date"), seed.URL.RawQuery, seedBody+" "); aerr == nil {
		t.Fatal("accepted a changed body")
	}
}

// Any Authorization header, date, query and body gets a typed answer from
// the verifier, never a panic, and only the request the SDK signed passes.
func FuzzVerifier(f *testing.F) {
	seed, emu := signedSeed(f)
	f.Add(seed.Header.Get("Authorization"), seed.Header.Get("X-Date"), seed.URL.RawQuery, seedBody)
	f.Add("HMAC-SHA256 Credential=AK/20240619/cn-north-1/rtc/request, SignedHeaders=host;x-date, Signature=00", "20240619T071306Z",
		"Action=BatchGetConversationParticipant&Version=2020-12-01", "{}")
	f.Add("HMAC-SHA256 Credential=/////, SignedHeaders=;;, Signature=", "garbage", "Action=%zz", "\x00")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, auth, xDate, query, body string) {
		aerr := verifyInput(emu, seed, auth, xDate, query, body)
		if aerr == nil {
			if auth != seed.Header.Get("Authorization") || xDate != seed.Header.Get("X-Date") || HexSHA256([]byte(body)) != seed.Header.Get("X-Content-Sha256") {
				t.Fatalf("accepted a request the SDK did not sign: %q %q %q %q", auth, xDate, query, body)
			}
			return
		}
		if aerr.code == "" || aerr.status < 400 || aerr.message == "" {
			t.Fatalf("untyped rejection %+v", aerr)
		}
	})
}
