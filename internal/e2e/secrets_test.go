// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// Under TF_LOG=TRACE, a plan, an apply and a show write the secret key and
// the session token nowhere: not in the log, the output, the plan or the
// state.
func TestAccSecretsNeverWritten(t *testing.T) {
	const (
		stsKey    = "AKTPDEMO00000000000000000002"
		stsSecret = "demo-sts-secret-key-for-the-emulator-only"
		stsToken  = "demo-sts-session-token-for-the-emulator-only"
	)
	c := newCLI(t, "../../examples/outputs", emulator.Options{})
	logPath := filepath.Join(c.dir, "trace.log")
	c.setenv("VOLCENGINE_ACCESS_KEY", stsKey)
	c.setenv("VOLCENGINE_SECRET_KEY", stsSecret)
	c.setenv("VOLCENGINE_SESSION_TOKEN", stsToken)
	c.setenv("TF_LOG", "TRACE")
	c.setenv("TF_LOG_PATH", logPath)

	var out strings.Builder
	out.WriteString(c.run("plan", "-input=false", "-no-color", "-out=tfplan"))
	out.WriteString(c.run("apply", "-input=false", "-no-color", "tfplan"))
	out.WriteString(c.run("show", "-no-color", "-json"))
	out.WriteString(c.run("refresh", "-input=false", "-no-color"))

	reqs := c.emu.Requests()
	if len(reqs) == 0 || reqs[0].SessionToken != stsToken || reqs[0].AccessKey != stsKey {
		t.Fatalf("the emulator did not get the STS credentials: %+v", reqs)
	}
	logBytes, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logBytes, []byte("volcrtc API request")) || !bytes.Contains(logBytes, []byte("[TRACE]")) {
		t.Fatalf("the trace log lacks the provider's own lines; it proves nothing (%d bytes)", len(logBytes))
	}

	scanned, files := 0, 0
	check := func(where string, b []byte) {
		scanned += len(b)
		for _, secret := range []string{stsSecret, stsToken} {
			if bytes.Contains(b, []byte(secret)) {
				i := bytes.Index(b, []byte(secret))
				t.Errorf("%s contains a secret near: %q", where, b[max(0, i-200):i])
			}
		}
	}
	check("CLI output", []byte(out.String()))
	err = filepath.WalkDir(c.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		check(path, b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !t.Failed() {
		t.Logf("scanned %d bytes in %d files and the CLI output; no secret found", scanned, files)
	}
}
