// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"bufio"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// pluginPeakRSS polls every process whose command is the provider's
// binary and keeps the highest VmHWM (peak resident set) seen, until stop
// is closed. The kernel truncates comm to 15 bytes.
func pluginPeakRSS(stop <-chan struct{}) func() uint64 {
	var peak atomic.Uint64
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			dirs, _ := filepath.Glob("/proc/[0-9]*")
			for _, d := range dirs {
				comm, err := os.ReadFile(d + "/comm")
				if err != nil || !strings.HasPrefix(string(comm), "terraform-provi") {
					continue
				}
				if kb := vmHWM(d + "/status"); kb*1024 > peak.Load() {
					peak.Store(kb * 1024)
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { wg.Wait(); return peak.Load() }
}

func vmHWM(statusFile string) uint64 {
	f, err := os.Open(statusFile)
	if err != nil {
		return 0
	}
	defer func() { _ = f.Close() }()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// oversizedServer answers every call with a ~100 MB body that starts like
// a real answer, as a broken or hostile gateway might.
func oversizedServer() *httptest.Server {
	chunk := []byte(strings.Repeat("a", 1<<20))
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"ResponseMetadata":{"RequestId":"r"},"Result":{"Participants":[{"ParticipantUserId":1,"NickName":"`))
		for i := 0; i < 100; i++ {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		_, _ = w.Write([]byte(`"}]}}`))
	}))
}

// runOversized plans one 2,000-ID data source (20 calls, 16 in flight)
// against oversizedServer and reports the plugin's peak RSS.
func runOversized(cli, pluginDir string) {
	srv := oversizedServer()
	defer srv.Close()
	stop := make(chan struct{})
	peak := pluginPeakRSS(stop)
	out, err := terraformRun(cli, pluginDir, srv.URL, "oversized", benchHeader+`data "volcrtc_conversation_participants" "big" {
  app_id                = 1
  conversation_short_id = 1
  participant_user_ids  = flatten([for i in range(2) : range(i * 1000 + 1, i * 1000 + 1001)])
}
`, "plan", "-input=false", "-no-color")
	close(stop)
	if err == nil || !strings.Contains(out, "larger than the 4 MiB") {
		check(fmt.Errorf("want the plan to fail on the body cap, got err %v:\n%s", err, out))
	}
	fmt.Printf("terraform plan, 2,000 IDs, every answer ~100 MB: refused at the 4 MiB cap; plugin peak RSS %.0f MB\n", float64(peak())/1e6)
}
