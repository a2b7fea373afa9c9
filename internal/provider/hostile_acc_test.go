// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

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

// Control characters from the API are shown escaped; a gateway page is
// "could not be read", not "rejected".
func TestAccHostile_untrustedText(t *testing.T) {
	emu, url := newEmulator(t, emulator.Options{})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factories(sampleEnv(url)),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					emu.SetFault(&emulator.Fault{Status: 400, Code: "Bad\x1b[2J", Message: "\r\x1b]0;owned\x07Apply complete!"})
				},
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Code: Bad\\x1b\[2J.*Message: \\x0d\\x1b\]0;owned\\x07Apply complete!`),
			},
			{
				PreConfig:   func() { emu.SetFault(&emulator.Fault{Status: 200, RawBody: "<html>\x1b[31mgateway</html>"}) },
				Config:      sampleDataSource(10001),
				ExpectError: wrapped(`(?s)Unreadable response from the Volcengine IM OpenAPI.*The response to BatchGetConversationParticipant could not be read: response is not valid JSON: <html>\\x1b\[31mgateway</html>`),
			},
			func() resource.TestStep {
				s := lastGood()
				s.PreConfig = func() { emu.SetFault(nil) }
				return s
			}(),
		},
	})
}
