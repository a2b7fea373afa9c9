// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// HTTP_PROXY from the environment is used: the endpoint's host name exists
// only for the proxy, which forwards to the emulator and counts requests.
// The plain-http endpoint on another host also draws a warning.
func TestAccProxyFromEnvironment(t *testing.T) {
	c := newCLI(t, "../../examples/env-credentials", emulator.Options{})
	target, err := url.Parse(c.emuURL)
	if err != nil {
		t.Fatal(err)
	}
	var proxied atomic.Int64
	forward := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.Out.URL.Scheme, r.Out.URL.Host = "http", target.Host
		r.Out.Host = r.In.Host // the signed host
	}}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Host != "emulator.volcrtc.test:8443" {
			http.Error(w, "unexpected proxy target "+r.URL.Host, http.StatusBadGateway)
			return
		}
		proxied.Add(1)
		forward.ServeHTTP(w, r)
	}))
	t.Cleanup(proxy.Close)

	c.setenv("VOLCENGINE_ENDPOINT", "http://emulator.volcrtc.test:8443/")
	c.setenv("HTTP_PROXY", proxy.URL)
	c.setenv("NO_PROXY", "")
	c.setenv("no_proxy", "")
	out := c.run("plan", "-input=false", "-no-color")

	st := c.emu.Stats()
	if n := proxied.Load(); n == 0 || int(n) != st.Total || st.OK != st.Total {
		t.Fatalf("proxy forwarded %d requests, emulator saw %+v", n, st)
	}
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, "Warning: Endpoint is not encrypted") || !strings.Contains(flat, "emulator.volcrtc.test:8443 travel unencrypted") {
		t.Errorf("no warning about the unencrypted endpoint:\n%s", out)
	}
	if !strings.Contains(flat, `nick_name = "NickName1"`) {
		t.Errorf("plan does not show the member read through the proxy:\n%s", out)
	}
}
