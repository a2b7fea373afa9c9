// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// results keeps a copy of everything the bench prints, so that a full run
// can write it to one file (BENCH.md, through `make bench`): the figures
// then stand in one place, written by the run that measured them, instead
// of being pasted by hand into the docs.
type results struct {
	started time.Time
	out     *os.File // the real standard output
	w       *os.File // what os.Stdout writes to while recording
	buf     bytes.Buffer
	done    chan struct{}
}

// record starts copying standard output into the results.
func record() *results {
	r, w, err := os.Pipe()
	check(err)
	res := &results{started: time.Now().UTC(), out: os.Stdout, w: w, done: make(chan struct{})}
	os.Stdout = w
	go func() {
		defer close(res.done)
		_, err := io.Copy(io.MultiWriter(res.out, &res.buf), r)
		check(err)
	}()
	return res
}

// write stops recording and writes what was printed to path, with when
// and where it was measured.
func (res *results) write(path, cli string) {
	os.Stdout = res.out
	check(res.w.Close())
	<-res.done
	version := "no CLI"
	if cli != "" {
		if b, err := exec.Command(cli, "version").Output(); err == nil {
			version, _, _ = strings.Cut(string(b), "\n")
		}
	}
	var f bytes.Buffer
	fmt.Fprintf(&f, "# Benchmark results\n\n"+
		"Written by `make bench` (`tools/bench`) at the end of a full run; do not edit by hand. What the figures mean,\n"+
		"and the floors they are compared with, is in [DESIGN.md](DESIGN.md#performance).\n\n"+
		"Run %s, %s, %s/%s, %d CPUs, %s.\n\n",
		res.started.Format("2006-01-02 15:04 MST"), runtime.Version(), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), version)
	fmt.Fprintf(&f, "```\n$ make bench\n%s```\n", res.buf.String())
	check(os.WriteFile(path, f.Bytes(), 0o644))
	fmt.Printf("\nwrote %s\n", path)
}
