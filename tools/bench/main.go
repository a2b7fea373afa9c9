// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Command bench measures the provider's API client against the emulator
// (50 ms latency, 100 requests per second, 100 IDs per call) next to a
// plain sequential loop over volc-sdk-golang's im client, then times real
// `terraform apply` runs through dev_overrides. It prints figures; it
// asserts nothing. Run it with `make bench`, which also writes them to
// BENCH.md (-out).
package main

import (
	"context"
	"flag"
	"fmt"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/volcengine/volc-sdk-golang/service/im"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

const (
	appID   = 100001
	convID  = 7000000000000000001
	members = 100000
	ak      = "AKLTBENCH000000000000000001"
	sk      = "bench-secret"
)

func main() {
	cli := flag.String("cli", "", "Terraform or OpenTofu CLI for the apply timings (skipped when empty)")
	pluginDir := flag.String("plugin-dir", "", "directory holding the built terraform-provider-volcrtc")
	sizes := flag.String("sizes", "1000,10000,100000", "numbers of user IDs to read")
	skipSDK := flag.Bool("skip-sdk", false, "skip the sequential SDK loop")
	terraformOnly := flag.Bool("terraform-only", false, "only the terraform runs")
	oversizedOnly := flag.Bool("oversized-only", false, "only the plugin's peak RSS against ~100 MB answers")
	scanSizes := flag.String("scan-sizes", "10000,100000", "conversation sizes to read every member of")
	scanOnly := flag.Bool("scan-only", false, "only the all-members reads")
	flag.BoolVar(&scanOffsetOnly, "scan-offset-only", false, "with -scan-only: only offset cursors, no look-ahead waste cases")
	inProcessOnly := flag.Bool("inprocess-only", false, "only the provider's in-process read of 20,000 IDs")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the in-process read to this file")
	budgetOnly := flag.Bool("budget-only", false, "only the request budget shared by processes and aliases")
	fallbackOnly := flag.Bool("budget-fallback-only", false, "only one process on a Redis budget that is full or answers late")
	membersOnly := flag.Bool("members-only", false, "only volcrtc_conversation_members: adding 2,000 members, changing 500, refreshing")
	usersOnly := flag.Bool("users-only", false, "only volcrtc_user: registering 500 bots by for_each")
	qpsList := flag.String("qps", fmt.Sprintf("%d,100", imclient.DefaultMaxQPS), "max_qps settings to measure the client at")
	cases := flag.String("cases", "", "run only these cases, comma-separated: readback, batchsearch, members, redishung, redisfull, strict, workspace")
	out := flag.String("out", "", "write the output of a full run (every part, with -cli) to this file as well")
	flag.Parse()
	var res *results
	if *out != "" {
		if *cli == "" || *cases != "" || *budgetOnly || *fallbackOnly || *oversizedOnly || *inProcessOnly || *scanOnly || *terraformOnly || *membersOnly || *usersOnly {
			check(fmt.Errorf("-out records only a full run, with -cli and no -*-only flag"))
		}
		res = record()
	}
	if *cases != "" {
		for _, name := range strings.Split(*cases, ",") {
			run, ok := writeCases[strings.TrimSpace(name)]
			if !ok {
				check(fmt.Errorf("-cases: no case %q", name))
			}
			run(*cli, *pluginDir)
			fmt.Println()
		}
		return
	}
	if *budgetOnly {
		runBudget(*cli, *pluginDir)
		return
	}
	if *fallbackOnly {
		runFallback(*cli, *pluginDir)
		return
	}
	if *membersOnly {
		runMembers(*cli, *pluginDir)
		return
	}
	if *usersOnly {
		runUsers(*cli, *pluginDir)
		return
	}
	if *oversizedOnly {
		runOversized(*cli, *pluginDir)
		return
	}
	if *inProcessOnly {
		emu, err := emulator.New(fixtures(), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, MaxIDsPerCall: 100, NoRecord: true})
		check(err)
		srv := httptest.NewServer(emu)
		defer srv.Close()
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			check(err)
			check(pprof.StartCPUProfile(f))
			defer pprof.StopCPUProfile()
		}
		v, r := readInProcess(srv.URL, 20000)
		fmt.Printf("provider in-process, 20,000 IDs: validate %s, read %s\n", round(v), round(r))
		return
	}
	if *scanOnly {
		runScans(parseSizes(*scanSizes), *cli, *pluginDir)
		return
	}

	emu, err := emulator.New(fixtures(), emulator.Options{Latency: 50 * time.Millisecond, RateLimit: 100, MaxIDsPerCall: 100, NoRecord: true})
	check(err)
	srv := httptest.NewServer(emu)
	defer srv.Close()

	fmt.Printf("emulator: 50 ms latency, 100 requests/s per key, 100 IDs per call; client: max_batch_size %d, max_retries %d, %d calls in flight\n\n",
		imclient.DefaultMaxBatchSize, imclient.DefaultMaxRetries, imclient.DefaultConcurrency)
	fmt.Printf("%8s | %9s | %9s %6s %5s | %9s %9s | %9s %9s | %9s\n", "IDs", "max_qps", "client", "calls", "429s", "floor", "x floor", "SDK loop", "SDK/cli", "peak heap")
	if *terraformOnly {
		*sizes = ""
	}
	for _, n := range parseSizes(*sizes) {
		sdk := time.Duration(0)
		if !*skipSDK {
			pause()
			sdk = runSDK(srv.URL, n)
		}
		for _, qps := range parseSizes(*qpsList) {
			pause()
			before := emu.Stats()
			d, peak := runClient(srv.URL, n, qps)
			after := emu.Stats()
			floor := time.Duration(math.Ceil(float64(n)/100)) * time.Second / 100
			sdkCol, ratioCol := "skipped", "-"
			if sdk > 0 {
				sdkCol, ratioCol = round(sdk), fmt.Sprintf("%.1fx", sdk.Seconds()/d.Seconds())
			}
			label := fmt.Sprint(qps)
			if qps == imclient.DefaultMaxQPS {
				label += " (dflt)"
			}
			fmt.Printf("%8d | %9s | %9s %6d %5d | %9s %8.2fx | %9s %9s | %7.1f MB\n", n, label, round(d), after.Total-before.Total,
				after.Throttled-before.Throttled, round(floor), d.Seconds()/floor.Seconds(), sdkCol, ratioCol, float64(peak)/1e6)
		}
	}
	if !*terraformOnly {
		// The case that drew throttles before the send window's guard:
		// 2,000 IDs in 200 calls of 10 at max_qps 100.
		pause()
		before := emu.Stats()
		d, _ := runClientWith(srv.URL, 2000, imclient.Config{MaxQPS: 100, MaxBatchSize: 10, TrustBatchSize: true})
		after := emu.Stats()
		fmt.Printf("\n2,000 IDs in calls of 10 at max_qps 100: %s, %d calls, %d 429s, %.2fx the floor of 2s\n",
			round(d), after.Total-before.Total, after.Throttled-before.Throttled, d.Seconds()/2)
	}
	if *terraformOnly {
		runTerraform(emu, srv.URL, *cli, *pluginDir)
		return
	}
	pause()
	v, r := readInProcess(srv.URL, 20000)
	fmt.Printf("\nprovider in-process, 20,000 IDs: validate %s, read %s (of which the API's pace, 200 calls at max_qps %d, is about %s)\n",
		round(v), round(r), imclient.DefaultMaxQPS, round(199*time.Second/imclient.DefaultMaxQPS+50*time.Millisecond))
	if *cli == "" {
		return
	}
	fmt.Println()
	runTerraform(emu, srv.URL, *cli, *pluginDir)
	fmt.Println()
	runScans(parseSizes(*scanSizes), *cli, *pluginDir)
	fmt.Println()
	runBudget(*cli, *pluginDir)
	fmt.Println()
	runMembers(*cli, *pluginDir)
	fmt.Println()
	runUsers(*cli, *pluginDir)
	fmt.Println()
	runReadBack(*cli, *pluginDir)
	fmt.Println()
	runBatchSearch()
	fmt.Println()
	runWorkspace(*cli, *pluginDir)
	if res != nil {
		res.write(*out, *cli)
	}
}

func fixtures() emulator.Fixtures {
	nick := "member"
	level := int32(1)
	status := int32(0)
	created := int64(1700000000)
	ps := make([]emulator.Participant, members)
	for i := range ps {
		ps[i] = emulator.Participant{ParticipantUserID: int64(i + 1), Operator: 1, Role: int64(i % 3),
			NickName: &nick, Level: &level, Status: &status, CreateTime: &created, Ext: map[string]string{"team": "bench"}}
	}
	return emulator.Fixtures{
		Credentials: []emulator.Credential{{AccessKey: ak, SecretKey: sk}},
		Apps:        []emulator.App{{AppID: appID, Conversations: []emulator.Conversation{{ConversationShortID: convID, Participants: ps}}}},
	}
}

func ids(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i + 1)
	}
	return out
}

// runClient reads n members with the provider's client at its defaults,
// sampling the heap to report the peak above the starting point.
func runClient(url string, n, qps int) (time.Duration, uint64) {
	return runClientWith(url, n, imclient.Config{MaxQPS: float64(qps)})
}

// runClientWith reads n members with cfg's limits.
func runClientWith(url string, n int, cfg imclient.Config) (time.Duration, uint64) {
	cfg.AccessKey, cfg.SecretKey, cfg.Endpoint, cfg.MaxRetries = ak, sk, url, imclient.DefaultMaxRetries
	c, err := imclient.New(cfg)
	check(err)
	in := imclient.BatchGetParticipantsInput{AppID: appID, ConversationShortID: convID, UserIDs: ids(n)}
	var ps []imclient.Participant
	d, peak := measure(func() {
		ps, err = c.BatchGetConversationParticipant(context.Background(), in)
	})
	check(err)
	if len(ps) != n {
		check(fmt.Errorf("client read %d members, want %d", len(ps), n))
	}
	return d, peak
}

// measure times f and samples the heap while it runs, returning the peak
// above the starting point.
func measure(f func()) (time.Duration, uint64) {
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > peak.Load() {
				peak.Store(m.HeapInuse)
			}
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	start := time.Now()
	f()
	d := time.Since(start)
	close(stop)
	wg.Wait()
	if p := peak.Load(); p > base.HeapInuse {
		return d, p - base.HeapInuse
	}
	return d, 0
}

// runSDK is what a user would write without the provider: a sequential
// loop of 100-ID calls through volc-sdk-golang's im client.
func runSDK(url string, n int) time.Duration {
	sdk := im.NewInstance()
	sdk.SetHost(strings.TrimSuffix(strings.TrimPrefix(url, "http://"), "/"))
	sdk.SetScheme("http")
	sdk.SetAccessKey(ak)
	sdk.SetSecretKey(sk)
	all := ids(n)
	got := 0
	start := time.Now()
	for len(all) > 0 {
		k := min(100, len(all))
		res, err := sdk.BatchGetConversationParticipant(context.Background(), &im.BatchGetConversationParticipantBody{
			AppID: appID, ConversationShortID: convID, ParticipantUserIDs: all[:k]})
		check(err)
		got += len(res.Result.Participants)
		all = all[k:]
	}
	d := time.Since(start)
	if got != n {
		check(fmt.Errorf("SDK loop read %d members, want %d", got, n))
	}
	return d
}

const (
	benchTerraform = `terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
`
	benchHeader = benchTerraform + `provider "volcrtc" {}
`
)

// terraformRun runs the CLI in a fresh directory holding config, with the
// built provider through dev_overrides and the emulator's credentials.
func terraformRun(cli, pluginDir, url, name, config string, args ...string) (string, error) {
	work, err := os.MkdirTemp("", "volcrtc-bench-"+name)
	check(err)
	defer func() { _ = os.RemoveAll(work) }()
	return terraformIn(work, cli, pluginDir, url, config, args...)
}

// terraformIn runs the CLI in work with config as its main.tf, keeping
// whatever state is there, so that runs can follow one another.
func terraformIn(work, cli, pluginDir, url, config string, args ...string) (string, error) {
	return terraformInEnv(work, cli, pluginDir, url, nil, config, args...)
}

// terraformInEnv is terraformIn with env added to the CLI's (a later
// value of a variable wins).
func terraformInEnv(work, cli, pluginDir, url string, extra []string, config string, args ...string) (string, error) {
	abs, err := filepath.Abs(pluginDir)
	check(err)
	rc := filepath.Join(work, "cli.tfrc")
	check(os.WriteFile(rc, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/volcrtc/volcrtc" = %q
    "registry.opentofu.org/volcrtc/volcrtc" = %q
  }
  direct {}
}
`, abs, abs)), 0o600))
	check(os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600))
	env := append(os.Environ(), "TF_CLI_CONFIG_FILE="+rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
		"VOLCENGINE_ACCESS_KEY="+ak, "VOLCENGINE_SECRET_KEY="+sk, "VOLCENGINE_ENDPOINT="+url)
	env = append(env, extra...)
	// The emulator stands for an API on other machines: run the CLI (and
	// so the provider) at a lower priority, so that a busy 2-core machine
	// does not delay the emulator's own clock readings.
	cmd := exec.Command(cli, args...)
	if nice, err := exec.LookPath("nice"); err == nil {
		cmd = exec.Command(nice, append([]string{"-n", "19", cli}, args...)...)
	}
	cmd.Dir, cmd.Env = work, env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// runTerraform times `apply` with and without a 20,000-ID data source,
// then plans ten such data sources at -parallelism=10.
func runTerraform(emu *emulator.Server, url, cli, pluginDir string) {
	dataSource := func(name string) string {
		return fmt.Sprintf(`data "volcrtc_conversation_participants" %q {
  app_id                = %d
  conversation_short_id = %d
  participant_user_ids  = flatten([for i in range(20) : [for j in range(1000) : i * 1000 + j + 1]])
}
`, name, appID, int64(convID))
	}
	run := func(name, config string, args ...string) time.Duration {
		pause()
		start := time.Now()
		out, err := terraformRun(cli, pluginDir, url, name, config, args...)
		d := time.Since(start)
		if err != nil {
			check(fmt.Errorf("%s %v: %v\n%s", cli, args, err, out))
		}
		return d
	}
	apply := []string{"apply", "-auto-approve", "-input=false", "-no-color"}
	before := emu.Stats()
	with := run("with", benchHeader+dataSource("big")+"output \"members\" {\n  value = length(data.volcrtc_conversation_participants.big.participants)\n}\n", apply...)
	mid := emu.Stats()
	without := run("without", benchHeader+"output \"members\" {\n  value = 0\n}\n", apply...)
	fmt.Printf("terraform apply, 20,000 IDs: %s (%d calls, %d 429s); without the data source: %s; provider's share: %s\n",
		round(with), mid.Total-before.Total, mid.Throttled-before.Throttled, round(without), round(with-without))

	var ten strings.Builder
	ten.WriteString(benchHeader)
	for i := 0; i < 10; i++ {
		ten.WriteString(dataSource(fmt.Sprintf("d%d", i)))
	}
	before = emu.Stats()
	stop := make(chan struct{})
	peak := pluginPeakRSS(stop)
	d := run("ten", ten.String(), "plan", "-parallelism=10", "-input=false", "-no-color")
	close(stop)
	after := emu.Stats()
	fmt.Printf("terraform plan, ten data sources of 20,000 IDs at -parallelism=10: %s (%d calls, %d 429s, floor %s); plugin peak RSS %.0f MB\n",
		round(d), after.Total-before.Total, after.Throttled-before.Throttled, round(time.Duration(after.Total-before.Total)*10*time.Millisecond),
		float64(peak())/1e6)
	runOversized(cli, pluginDir)
}

// pause lets the emulator's one-second window empty between runs.
func pause() { time.Sleep(1100 * time.Millisecond) }

func round(d time.Duration) string { return d.Round(10 * time.Millisecond).String() }

func parseSizes(s string) []int {
	var out []int
	if s == "" {
		return nil
	}
	for _, f := range strings.Split(s, ",") {
		var n int
		_, err := fmt.Sscan(strings.TrimSpace(f), &n)
		check(err)
		out = append(out, n)
	}
	return out
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}
