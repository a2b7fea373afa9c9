// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// `volcrtc-emulator join` adds a member to a running emulator, whom the
// API then lists; an unknown conversation or a bad user ID is refused
// with the reason, and nothing changes.
func TestJoin(t *testing.T) {
	epFile := filepath.Join(t.TempDir(), "endpoint")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr testutil.SyncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-fixtures", "../../examples/demo/fixtures.json",
			"-endpoint-file", epFile, "-quiet"}, &stdout, &stderr)
	}()
	var endpoint string
	for deadline := time.Now().Add(10 * time.Second); endpoint == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(epFile)
		endpoint = strings.TrimSpace(string(b))
	}
	if endpoint == "" {
		t.Fatalf("no endpoint written; stderr: %s", stderr.String())
	}
	join := func(args ...string) (string, error) {
		var out, errOut strings.Builder
		err := run(ctx, append([]string{"join", "-endpoint", endpoint}, args...), &out, &errOut)
		return out.String(), err
	}
	for args, want := range map[string]string{
		"-app 100001 -conversation 5 -user 4242":                  "404 Not Found: conversation not found",
		"-app 100001 -conversation 7000000000000000001 -user 0":   "join needs -endpoint, -app, -conversation and -user",
		"-app 100001 -conversation 7000000000000000001 -user 1e3": `invalid value "1e3" for flag -user`,
	} {
		if _, err := join(strings.Fields(args)...); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("join %s: %v, want %q", args, err, want)
		}
	}
	out, err := join("-app", "100001", "-conversation", "7000000000000000001", "-user", "4242")
	if err != nil || out != "user 4242 joined conversation 7000000000000000001 of app 100001\n" {
		t.Fatalf("join: %q, %v", out, err)
	}
	c, err := imclient.New(imclient.Config{AccessKey: "AKLTDEMO00000000000000000001",
		SecretKey: "demo-secret-key-for-the-emulator-only", Endpoint: endpoint, BudgetScope: imclient.ScopeProcess})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := c.BatchGetConversationParticipant(ctx, imclient.BatchGetParticipantsInput{
		AppID: 100001, ConversationShortID: 7000000000000000001, UserIDs: []int64{4242}})
	if err != nil || len(ps) != 1 || *ps[0].ParticipantUserID != 4242 || *ps[0].Role != 0 {
		t.Fatalf("participants %+v, %v", ps, err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
