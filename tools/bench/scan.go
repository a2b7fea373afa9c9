// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

const scanConvBase = 8000000000000000000

// scanOffsetOnly skips the page-by-page chain and the look-ahead's waste
// cases (-scan-offset-only), to measure a large conversation quickly.
var scanOffsetOnly bool

// runScans reads every member of conversations of each size with the
// client at max_qps 100 and at the default, against an emulator with 50 ms
// latency and a strict 100-per-second arrival window, once with offset
// cursors (pages requested ahead) and once with opaque ones (the plain
// sequential chain). Then, with a CLI, the plugin's peak RSS for one
// data source reading the largest conversation.
func runScans(sizes []int, cli, pluginDir string) {
	fx := emulator.Fixtures{Credentials: []emulator.Credential{{AccessKey: ak, SecretKey: sk}}, Apps: []emulator.App{{AppID: appID}}}
	for _, n := range sizes {
		fx = emulator.WithMembers(fx, scanConvBase+int64(n), n)
	}
	servers := map[string]*emulator.Server{}
	urls := map[string]string{}
	for _, style := range []string{emulator.CursorOffset, emulator.CursorOpaque} {
		emu, err := emulator.New(fx, emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, NoRecord: true, CursorStyle: style})
		check(err)
		srv := httptest.NewServer(emu)
		defer srv.Close()
		servers[style], urls[style] = emu, srv.URL
	}
	fmt.Println("every member (ScanConversationParticipantList, 20 per page); emulator: 50 ms latency, 100 requests/s per key")
	fmt.Printf("%8s | %9s | %7s | %9s %6s %5s | %9s %8s | %9s | %9s\n", "members", "max_qps", "cursor", "time", "calls", "429s", "floor", "x floor", "vs chain", "peak heap")
	for _, n := range sizes {
		var opaque time.Duration
		for _, style := range []string{emulator.CursorOpaque, emulator.CursorOffset} {
			for _, qps := range []int{100, imclient.DefaultMaxQPS} {
				if style == emulator.CursorOpaque && (qps != 100 || scanOffsetOnly) {
					continue // latency-bound: the budget does not matter
				}
				pause()
				emu := servers[style]
				before := emu.Stats()
				d, peak := scanOnce(urls[style], scanConvBase+int64(n), n, qps)
				after := emu.Stats()
				calls := after.Total - before.Total
				pages := (n + imclient.ScanPageSize - 1) / imclient.ScanPageSize
				// Offset: the budget's floor (calls / max_qps). Opaque: the
				// chain's floor (pages x latency).
				floor := time.Duration(calls) * time.Second / time.Duration(qps)
				vs := "-"
				if style == emulator.CursorOpaque {
					floor, opaque = time.Duration(pages)*50*time.Millisecond, d
				} else if opaque > 0 {
					vs = fmt.Sprintf("%.1fx", opaque.Seconds()/d.Seconds())
				}
				label := fmt.Sprint(qps)
				if qps == imclient.DefaultMaxQPS {
					label += " (dflt)"
				}
				fmt.Printf("%8d | %9s | %7s | %9s %6d %5d | %9s %7.2fx | %9s | %7.1f MB\n", n, label, style, round(d), calls,
					after.Throttled-before.Throttled, round(floor), d.Seconds()/floor.Seconds(), vs, float64(peak)/1e6)
			}
		}
	}
	if !scanOffsetOnly {
		lookAheadWaste(fx, sizes[0])
	}
	if cli == "" || len(sizes) == 0 {
		return
	}
	runOversizedScan(cli, pluginDir)
	n := sizes[len(sizes)-1]
	stop := make(chan struct{})
	peak := pluginPeakRSS(stop)
	start := time.Now()
	out, err := terraformRun(cli, pluginDir, urls[emulator.CursorOffset], "scan", benchTerraform+fmt.Sprintf(`provider "volcrtc" {
  max_qps = 100
}
data "volcrtc_conversation_participants" "all" {
  app_id                = %d
  conversation_short_id = %d
}
output "members" {
  value = length(data.volcrtc_conversation_participants.all.participants)
}
`, appID, scanConvBase+int64(n)), "apply", "-auto-approve", "-input=false", "-no-color")
	d := time.Since(start)
	close(stop)
	if err != nil || !strings.Contains(out, fmt.Sprintf("members = %d", n)) {
		check(fmt.Errorf("apply of %d members: %v\n%s", n, err, out))
	}
	fmt.Printf("\nterraform apply, every member of a %d-member conversation (max_qps 100): %s; plugin peak RSS %.0f MB\n",
		n, round(d), float64(peak())/1e6)
}

// lookAheadWaste reads n members, with offset cursors, from APIs that
// mislead the look-ahead: pages of 19 members although 20 were asked for
// (it must stride by 19), a member count ten times too high, and a cursor
// that stops being an offset halfway. The calls it wastes must stay within
// max(16, a tenth of the chain's).
func lookAheadWaste(fx emulator.Fixtures, n int) {
	cases := []struct {
		name string
		opts emulator.Options
	}{
		{"pages of 19 for Limit 20", emulator.Options{ScanPageSize: 19}},
		{"count 10x too high", emulator.Options{UserCountTimes: 10}},
		{"offset, then opaque from the middle", emulator.Options{OffsetUntil: n / 2}},
	}
	fmt.Printf("\nlook-ahead against a misleading API, %d members, max_qps 100 (waste bound: max(16, 10%% of the chain))\n", n)
	fmt.Printf("%-36s | %9s %6s %6s %7s %6s | %5s\n", "case", "time", "chain", "calls", "wasted", "bound", "429s")
	for _, tc := range cases {
		opts := tc.opts
		opts.Latency, opts.RateLimit, opts.NoRecord = 50*time.Millisecond, 100, true
		emu, err := emulator.New(fx, opts)
		check(err)
		srv := httptest.NewServer(emu)
		c, err := imclient.New(imclient.Config{AccessKey: ak, SecretKey: sk, Endpoint: srv.URL, MaxRetries: imclient.DefaultMaxRetries, MaxQPS: 100})
		check(err)
		pause()
		start := time.Now()
		res, err := c.ScanConversationParticipants(context.Background(), imclient.ScanInput{AppID: appID, ConversationShortID: scanConvBase + int64(n)})
		check(err)
		d := time.Since(start)
		srv.Close()
		if len(res.Members) != n {
			check(fmt.Errorf("%s: %d members, want %d", tc.name, len(res.Members), n))
		}
		st := emu.Stats()
		scans := st.Total - 1 // one count call
		fmt.Printf("%-36s | %9s %6d %6d %7d %6d | %5d\n", tc.name, round(d), res.Pages, scans, scans-res.Pages,
			max(16, res.Pages/10), st.Throttled)
	}
}

func scanOnce(url string, conv int64, n, qps int) (time.Duration, uint64) {
	c, err := imclient.New(imclient.Config{AccessKey: ak, SecretKey: sk, Endpoint: url, MaxRetries: imclient.DefaultMaxRetries, MaxQPS: float64(qps)})
	check(err)
	var res imclient.ScanResult
	d, peak := measure(func() {
		res, err = c.ScanConversationParticipants(context.Background(), imclient.ScanInput{AppID: appID, ConversationShortID: conv})
	})
	check(err)
	if len(res.Members) != n {
		check(fmt.Errorf("scan read %d members, want %d", len(res.Members), n))
	}
	return d, peak
}

// runOversizedScan plans one data source reading every member of a
// conversation whose members carry 1.2 MB nicknames (242 of them, about
// 290 MB, three to a page to stay under the 4 MiB answer cap): more than
// Terraform's 256 MiB message. The read must stop as soon as the state
// cannot fit, and the plugin's peak RSS shows what it held. The count is
// ten times too high: pages of three are more than an honest count of 242
// lets the chain run to (twice what it fills in full pages, plus ten).
func runOversizedScan(cli, pluginDir string) {
	const n, conv = 242, scanConvBase + 1
	fx := emulator.WithMembers(emulator.Fixtures{Credentials: []emulator.Credential{{AccessKey: ak, SecretKey: sk}},
		Apps: []emulator.App{{AppID: appID}}}, conv, n)
	nick := strings.Repeat("n", 1200000)
	ps := fx.Apps[0].Conversations[len(fx.Apps[0].Conversations)-1].Participants
	for i := range ps {
		ps[i].NickName = &nick
	}
	emu, err := emulator.New(fx, emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, NoRecord: true, ScanPageSize: 3,
		UserCountTimes: 10})
	check(err)
	srv := httptest.NewServer(emu)
	defer srv.Close()
	stop := make(chan struct{})
	peak := pluginPeakRSS(stop)
	start := time.Now()
	out, err := terraformRun(cli, pluginDir, srv.URL, "oversized-scan", benchTerraform+fmt.Sprintf(`provider "volcrtc" {
  max_qps = 100
}
data "volcrtc_conversation_participants" "all" {
  app_id                = %d
  conversation_short_id = %d
}
`, appID, conv), "plan", "-input=false", "-no-color")
	d := time.Since(start)
	close(stop)
	if err == nil || !strings.Contains(out, "Too much data for one data source") {
		check(fmt.Errorf("want the plan to fail on the state's size, got err %v:\n%s", err, out))
	}
	st := emu.Stats()
	fmt.Printf("\nterraform plan, every member of %d members with 1.2 MB nicknames (~290 MB): refused after %d calls, %s; "+
		"plugin peak RSS %.0f MB\n", n, st.Total, round(d), float64(peak())/1e6)
}
