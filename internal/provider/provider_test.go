// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// A credential with a stray newline or control character is refused at
// configuration, before any request, on the attribute or naming the
// environment variable, without quoting the value.
func TestCredentialTypos(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	cases := []struct {
		name  string
		env   map[string]string
		attrs map[string]tftypes.Value
		want  string
		path  string
	}{
		{"access_key from file()", nil, map[string]tftypes.Value{"access_key": str(emulator.SampleAccessKey + "\n")},
			"The value of access_key has white space at its start or end (often the newline at the end of a file read with file()). Remove it, for example with trimspace(", `AttributeName("access_key")`},
		{"secret_key with a tab inside", nil, map[string]tftypes.Value{"secret_key": str("abc\tdef")},
			"The value of secret_key contains a control character (U+0009) at byte 4", `AttributeName("secret_key")`},
		{"session token with CRLF", nil, map[string]tftypes.Value{"session_token": str(emulator.SampleSTSToken + "\r\n")},
			"The value of session_token has white space at its start or end", `AttributeName("session_token")`},
		{"secret from the environment", map[string]string{EnvSecretKey: emulator.SampleSecretKey + "\r\n"}, nil,
			"The environment variable VOLCENGINE_SECRET_KEY, read because secret_key is not set in the provider block, has white space", ""},
		{"token from the environment", map[string]string{EnvSessionToken: "\x1b[2Jtok"}, nil,
			"The environment variable VOLCENGINE_SESSION_TOKEN, read because session_token is not set in the provider block, contains a control character (U+001B) at byte 1", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := sampleEnv(url)
			for k, v := range tc.env {
				env[k] = v
			}
			p := newProtocol(t, env)
			diags := p.configure(tc.attrs)
			text := diagText(diags)
			if countSeverity(diags, tfprotov6.DiagnosticSeverityError) != 1 || !strings.Contains(text, tc.want) {
				t.Fatalf("diagnostics:\n%s\nwant one error saying %q", text, tc.want)
			}
			if got := ""; diags[0].Attribute != nil {
				got = diags[0].Attribute.String()
				if got != tc.path {
					t.Fatalf("error on %s, want %q", got, tc.path)
				}
			} else if tc.path != "" {
				t.Fatalf("error on no attribute, want %s", tc.path)
			}
			for _, secret := range []string{emulator.SampleSecretKey, emulator.SampleSTSToken, "abc\tdef", "\x1b"} {
				if strings.Contains(text, secret) {
					t.Fatalf("the value is quoted:\n%s", text)
				}
			}
		})
	}
	if n := len(emu.Requests()); n != 0 {
		t.Fatalf("%d requests reached the API", n)
	}
}

// The endpoint's user info is never printed, also when the URL cannot be
// parsed.
func TestEndpointUserInfoIsNotPrinted(t *testing.T) {
	for _, endpoint := range []string{"http://user:s3cretpw@127.0.0.1:1/", "https://user:s3cretpw@host/%zz", "http://s3cretpw@[::1"} {
		for _, fromEnv := range []bool{false, true} {
			env := map[string]string{EnvAccessKey: "a", EnvSecretKey: "b"}
			attrs := map[string]tftypes.Value{}
			if fromEnv {
				env[EnvEndpoint] = endpoint
			} else {
				attrs["endpoint"] = str(endpoint)
			}
			p := newProtocol(t, env)
			diags := append(p.validateProvider(attrs), p.configure(attrs)...)
			text := diagText(diags)
			if countSeverity(diags, tfprotov6.DiagnosticSeverityError) == 0 || strings.Contains(text, "s3cretpw") {
				t.Errorf("endpoint %q (env %v):\n%s", endpoint, fromEnv, text)
			}
		}
	}
}

func userIDs(ids ...int64) knownvalue.Check {
	var checks []knownvalue.Check
	for _, id := range ids {
		checks = append(checks, knownvalue.ObjectPartial(map[string]knownvalue.Check{"participant_user_id": knownvalue.Int64Exact(id)}))
	}
	return knownvalue.ListExact(checks)
}

// A list longer than max_batch_size is read in exactly ceil(n/size) calls
// per read, and members keep the request order across batches.
func TestAccScale_batches(t *testing.T) {
	t.Parallel() // its own emulator, so its own endpoint and budget
	emu, url := newEmulator(t, emulator.Options{})
	prefix := `{"AppId":100001,"ConversationShortId":7000000000000000001,"ParticipantUserIds":`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{{
			Config: `provider "volcrtc" { max_batch_size = 2 }` + sampleDataSource(10003, 404, bigID, 10001, 10002),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), userIDs(10003, bigID, 10001, 10002)),
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("missing_user_ids"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.Int64Exact(10003), knownvalue.Int64Exact(404)})),
			},
			Check: func(*terraform.State) error {
				counts := map[string]int{}
				for _, r := range emu.Requests() {
					counts[strings.TrimPrefix(r.RawBody, prefix)]++
				}
				want := []string{"[10003,404]}", "[9007199254740993,10001]}", "[10002]}"}
				reads := counts[want[0]]
				if reads == 0 || len(counts) != 3 || counts[want[1]] != reads || counts[want[2]] != reads {
					return fmt.Errorf("want each of %v once per read, got %v", want, counts)
				}
				return nil
			},
		}},
	})
}

// Throttling and 503s are retried until the read succeeds.
func TestAccScale_retriesThenSuccess(t *testing.T) {
	t.Parallel() // its own emulator, so its own endpoint and budget
	emu, url := newEmulator(t, emulator.Options{})
	step := func(f emulator.Fault) resource.TestStep {
		return resource.TestStep{
			PreConfig: func() { emu.ResetRequests(); emu.FailNext(2, f) },
			Config:    sampleDataSource(10001, bigID),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), userIDs(10001, bigID)),
			},
			Check: func(*terraform.State) error {
				reqs := emu.Requests()
				if len(reqs) < 3 || reqs[0].Code != f.Code || reqs[1].Code != f.Code || reqs[2].Status != 200 {
					return fmt.Errorf("want two faults then success, got %+v", reqs)
				}
				return nil
			},
		}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps:                    []resource.TestStep{step(emulator.FaultThrottled), step(emulator.FaultUnavailable)},
	})
}

// Retries run out: the diagnostic gives the attempts and the last error;
// an auth error is not retried at all.
func TestAccScale_retriesExhaustedAndAuthNotRetried(t *testing.T) {
	t.Parallel() // its own emulator, so its own endpoint and budget
	emu, url := newEmulator(t, emulator.Options{})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				PreConfig:   func() { emu.FailNext(3, emulator.FaultUnavailable) },
				Config:      `provider "volcrtc" { max_retries = 2 }` + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)ServiceUnavailable.*Message: service temporarily unavailable.*HTTP status: 503.*RequestId: emu-.*Attempts: 3 \(retries exhausted; see max_retries\)`),
			},
			{
				PreConfig: func() {
					if st := emu.Stats(); st.Faults != 3 || st.OK != 0 {
						t.Errorf("want exactly 3 attempts, got %+v", st)
					}
					emu.ResetRequests()
				},
				Config: `provider "volcrtc" {
  max_retries = 5
  secret_key  = "wrong"
}` + sampleDataSource(10001),
				ExpectError: wrapped(`SignatureDoesNotMatch`),
			},
			func() resource.TestStep {
				s := lastGood()
				s.PreConfig = func() {
					if n := len(emu.Requests()); n != 1 {
						t.Errorf("an auth error was retried: %d requests", n)
					}
				}
				return s
			}(),
		},
	})
}

// Ten data sources of three calls each share one budget: a server that
// allows 25 requests a second sees no 429 when max_qps is 19 (ten separate
// budgets would send ten times that).
func TestAccScale_sharedBudget(t *testing.T) {
	t.Parallel() // its own emulator, so its own endpoint and budget
	emu, url := newEmulator(t, emulator.Options{RateLimit: 25})
	var config strings.Builder
	config.WriteString(`provider "volcrtc" {
  max_qps        = 19
  max_batch_size = 1
}
`)
	for i := 0; i < 10; i++ {
		fmt.Fprintf(&config, `
data "volcrtc_conversation_participants" "d%d" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [10001, 10002, %d]
}
`, i, 20000+i)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{{
			Config: config.String(),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.volcrtc_conversation_participants.d9", tfjsonpath.New("missing_user_ids"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.Int64Exact(20009)})),
			},
			Check: func(*terraform.State) error {
				st := emu.Stats()
				if st.Throttled != 0 || st.OK < 30 || st.OK%30 != 0 {
					return fmt.Errorf("want no throttling and 30 calls per pass, got %+v", st)
				}
				return nil
			},
		}},
	})
}

// A call slower than request_timeout_seconds is abandoned, retried, and
// reported; the emulator sees the client go away each time.
func TestAccScale_slowCallTimesOut(t *testing.T) {
	t.Parallel() // its own emulator, so its own endpoint and budget
	emu, url := newEmulator(t, emulator.Options{Latency: time.Hour})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: `provider "volcrtc" {
  request_timeout_seconds = 1
  max_retries             = 1
}` + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Cannot reach the Volcengine IM OpenAPI.*gave up after 2 attempts.*raise request_timeout_seconds`),
			},
			{Config: `provider "volcrtc" {}`},
		},
	})
	names := func() []string {
		var out []string
		for _, r := range emu.Requests() {
			out = append(out, r.Code)
		}
		sort.Strings(out)
		return out
	}
	if st := emu.Stats(); st.Canceled != 2 || st.Total != 2 {
		t.Fatalf("want two abandoned attempts, got %+v %v", st, names())
	}
}

// An API that refuses the default batch size as too long: the read splits
// the refused call, learns the size that works and reads everything, in
// the same calls on every run. An explicit max_batch_size stays an upper
// bound.
func TestAccScale_batchSizeAdapts(t *testing.T) {
	t.Parallel() // its own emulator, so its own endpoint and budget
	emu, url := newEmulator(t, emulator.Options{MaxIDsPerCall: 30})
	ids := []int64{10001, 10002}
	for i := int64(1); i <= 248; i++ {
		ids = append(ids, i)
	}
	sizes := func() map[string]int {
		n := map[string]int{}
		for _, r := range emu.Requests() {
			n[fmt.Sprintf("%d %d", len(r.Body.ParticipantUserIDs), r.Status)]++
		}
		return n
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: sampleDataSource(ids...),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants"), userIDs(10001, 10002)),
				},
				Check: func(*terraform.State) error {
					// Per read: 100 and 50 refused, 25 taken, then the
					// search for the largest size: 37 and 31 refused, 28,
					// 29 and 30 taken, and the rest in calls of 30.
					n := sizes()
					reads := n["100 400"]
					want := map[string]int{"100 400": reads, "50 400": reads, "25 200": reads, "37 400": reads, "28 200": reads,
						"31 400": reads, "29 200": reads, "30 200": 5 * reads, "18 200": reads}
					if reads == 0 || !maps.Equal(n, want) {
						return fmt.Errorf("calls by size and status: %v, want %v", n, want)
					}
					return nil
				},
			},
			{
				PreConfig: emu.ResetRequests,
				Config:    `provider "volcrtc" { max_batch_size = 20 }` + sampleDataSource(ids...),
				Check: func(*terraform.State) error {
					if n := sizes(); len(n) != 2 || n["20 200"] == 0 || n["10 200"] == 0 || n["20 200"] != 12*n["10 200"] {
						return fmt.Errorf("calls by size and status: %v", n)
					}
					return nil
				},
			},
		},
	})
}

// Without credentials, the error names the attribute and the variable.
func TestAccConversationParticipants_missingCredentials(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(map[string]string{EnvEndpoint: url}),
		Steps: []resource.TestStep{
			{
				Config:      sampleDataSource(1),
				ExpectError: wrapped(`(?s)Missing Volcengine credential: access_key.*VOLCENGINE_ACCESS_KEY.*Missing Volcengine credential: secret_key.*VOLCENGINE_SECRET_KEY`),
			},
			{
				Config:      `provider "volcrtc" { access_key = "` + emulator.SampleAccessKey + `" }` + sampleDataSource(1),
				ExpectError: wrapped(`(?s)Missing Volcengine credential: secret_key.*Set "secret_key" in the provider "volcrtc" block or the\s+VOLCENGINE_SECRET_KEY environment variable`),
			},
			{
				Config: `provider "volcrtc" {
  access_key = "` + emulator.SampleAccessKey + `"
  secret_key = "` + emulator.SampleSecretKey + `"
}` + sampleDataSource(10001),
			},
		},
	})
}

// Environment values are checked like the block's.
func TestAccConversationParticipants_badEnvironment(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	badRegion := sampleEnv(url)
	badRegion[EnvRegion] = "us-east-1"
	badEndpoint := sampleEnv(url)
	badEndpoint[EnvEndpoint] = "not a url"
	// One t.Parallel for the test: the second case runs after the first.
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(badRegion),
		Steps: []resource.TestStep{
			{Config: sampleDataSource(1), ExpectError: wrapped(`(?s)Unsupported region.*"us-east-1" \(from VOLCENGINE_REGION\)`)},
			// The block wins, so the bad environment value is never used.
			{Config: `provider "volcrtc" { region = "cn-north-1" }` + sampleDataSource(10001)},
		},
	})
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(badEndpoint),
		Steps: []resource.TestStep{
			{Config: sampleDataSource(1), ExpectError: wrapped(`(?s)Invalid endpoint.*VOLCENGINE_ENDPOINT`)},
			{Config: `provider "volcrtc" { endpoint = "` + url + `" }` + sampleDataSource(10001)},
		},
	})
}

// A redirect is an error the user can act on; the new location receives
// no connection.
func TestAccHostile_redirect(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	var conns atomic.Int32
	target := httptest.NewUnstartedServer(http.NotFoundHandler())
	target.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	target.Start()
	defer target.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", target.URL+"/collect?sig=1")
		w.WriteHeader(http.StatusTemporaryRedirect)
	}))
	defer redirector.Close()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				Config: `provider "volcrtc" { endpoint = "` + redirector.URL + `" }` + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)The endpoint answered with a redirect.*HTTP 307, a redirect to ` +
					strings.ReplaceAll(target.URL, ".", `\.`) + `;.*Nothing was sent to the new location`),
			},
			func() resource.TestStep {
				s := lastGood()
				s.PreConfig = func() {
					if n := conns.Load(); n != 0 {
						t.Errorf("the redirect target received %d connection(s)", n)
					}
				}
				return s
			}(),
		},
	})
}

// Credentials that come from a resource are unknown during the first plan.
// Configure must accept that; a data source that depends on the resource
// is read at apply time, and one that does not gets an actionable error.
func TestAccProvider_unknownCredentialsAtPlan(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	keyFromResource := `
resource "terraform_data" "key" {
  input = "` + emulator.SampleAccessKey + `"
}
provider "volcrtc" {
  access_key = terraform_data.key.output
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(map[string]string{EnvEndpoint: url, EnvSecretKey: emulator.SampleSecretKey}),
		Steps: []resource.TestStep{
			{
				Config:      keyFromResource + sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Provider configuration is not known yet.*access_key.*depends_on = \[<that resource>\]`),
			},
			{
				Config: keyFromResource + `
data "volcrtc_conversation_participants" "test" {
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [10001]
  depends_on            = [terraform_data.key]
}
`,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(dsAddr, tfjsonpath.New("participants").AtSliceIndex(0).AtMapKey("nick_name"), knownvalue.StringExact("Grace")),
				},
			},
		},
	})
}

// volc-sdk-golang's own variables and ~/.volc/config are never read.
func TestAccProvider_ignoresSDKCredentialSources(t *testing.T) {
	_, url := newEmulator(t, emulator.Options{})
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".volc"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := `{"ak":"` + emulator.SampleAccessKey + `","sk":"` + emulator.SampleSecretKey + `"}`
	if err := os.WriteFile(filepath.Join(home, ".volc", "config"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("VOLC_ACCESSKEY", emulator.SampleAccessKey)
	t.Setenv("VOLC_SECRETKEY", emulator.SampleSecretKey)
	for _, k := range []string{EnvAccessKey, EnvSecretKey, EnvSessionToken, EnvRegion} {
		t.Setenv(k, "")
	}
	t.Setenv(EnvEndpoint, url)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: realFactories(), // the process environment
		Steps: []resource.TestStep{
			{
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Missing Volcengine credential: access_key.*Missing Volcengine credential: secret_key`),
			},
			{
				Config: `provider "volcrtc" {
  access_key = "` + emulator.SampleAccessKey + `"
  secret_key = "` + emulator.SampleSecretKey + `"
}` + sampleDataSource(10001),
			},
		},
	})
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "127.0.0.1": true, "127.8.9.10": true, "::1": true,
		"rtc.volcengineapi.com": false, "10.0.0.1": false, "192.168.1.1": false, "": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v", host, got)
		}
	}
}
