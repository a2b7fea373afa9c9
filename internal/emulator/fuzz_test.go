// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/volcengine/volc-sdk-golang/base"
)

// Any Authorization header, date, query and body gets a typed answer from
// the verifier, never a panic, and only a correctly signed request passes.
func FuzzVerifier(f *testing.F) {
	signed := httptest.NewRequest(http.MethodPost, "http://rtc.test/?Action=BatchGetConversationParticipant&Version=2020-12-01",
		strings.NewReader(`{"AppId":100001,"ConversationShortId":42,"ParticipantUserIds":[1]}`))
	signed.Header.Set("Content-Type", "application/json")
	base.Credentials{AccessKeyID: SampleAccessKey, SecretAccessKey: SampleSecretKey, Region: "cn-north-1", Service: "rtc"}.Sign(signed)
	f.Add(signed.Header.Get("Authorization"), signed.Header.Get("X-Date"), "Action=BatchGetConversationParticipant&Version=2020-12-01",
		`{"AppId":100001,"ConversationShortId":42,"ParticipantUserIds":[1]}`)
	f.Add("HMAC-SHA256 Credential=AK/20240619/cn-north-1/rtc/request, SignedHeaders=host;x-date, Signature=00", "20240619T071306Z",
		"Action=BatchGetConversationParticipant&Version=2020-12-01", "{}")
	f.Add("HMAC-SHA256 Credential=/////, SignedHeaders=;;, Signature=", "garbage", "Action=%zz", "\x00")
	f.Add("", "", "", "")

	emu, err := New(Sample(), Options{RateLimit: -1, Now: func() time.Time {
		t, _ := time.Parse(dateLayout, signed.Header.Get("X-Date"))
		return t
	}})
	if err != nil {
		f.Fatal(err)
	}
	var accepted atomic.Int64
	f.Cleanup(func() {
		if accepted.Load() == 0 {
			f.Error("the correctly signed seed was never accepted")
		}
	})
	f.Fuzz(func(t *testing.T, auth, xDate, query, body string) {
		r := httptest.NewRequest(http.MethodPost, "http://rtc.test/", bytes.NewReader([]byte(body)))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", auth)
		r.Header.Set("X-Date", xDate)
		r.Header.Set("X-Content-Sha256", signed.Header.Get("X-Content-Sha256"))
		var rec Request
		rec.Action, rec.Version = r.URL.Query().Get("Action"), r.URL.Query().Get("Version")
		aerr := emu.authenticate(r, []byte(body), &rec)
		if aerr == nil {
			// Only the request the SDK signed can pass.
			if auth != signed.Header.Get("Authorization") || xDate != signed.Header.Get("X-Date") || HexSHA256([]byte(body)) != signed.Header.Get("X-Content-Sha256") {
				t.Fatalf("accepted a request the SDK did not sign: %q %q %q %q", auth, xDate, query, body)
			}
			accepted.Add(1)
			return
		}
		if aerr.code == "" || aerr.status < 400 || aerr.message == "" {
			t.Fatalf("untyped rejection %+v", aerr)
		}
	})
}
