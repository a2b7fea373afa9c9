// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// The standalone emulator serves the demo's fixture file to the client.
func TestRunServesFixtureFile(t *testing.T) {
	dir := t.TempDir()
	epFile := filepath.Join(dir, "endpoint")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr testutil.SyncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-fixtures", "../../examples/demo/fixtures.json", "-endpoint-file", epFile,
			"-latency", "1ms", "-max-ids", "5", "-rate-limit", "50"}, &stdout, &stderr)
	}()
	var endpoint string
	for deadline := time.Now().Add(10 * time.Second); endpoint == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		b, _ := os.ReadFile(epFile)
		endpoint = strings.TrimSpace(string(b))
	}
	if endpoint == "" {
		t.Fatalf("no endpoint written; stderr: %s", stderr.String())
	}
	c, err := imclient.New(imclient.Config{AccessKey: "AKLTDEMO00000000000000000001", SecretKey: "demo-secret-key-for-the-emulator-only", Endpoint: endpoint})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := c.BatchGetConversationParticipant(ctx, imclient.BatchGetParticipantsInput{
		AppID: 100001, ConversationShortID: 7000000000000000001, UserIDs: []int64{9007199254740993, 4242},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 1 || *ps[0].ParticipantUserID != 9007199254740993 {
		t.Fatalf("participants %+v", ps)
	}
	// Writes change what the process serves, and the state endpoints show it.
	out, err := c.CreateConversation(ctx, imclient.CreateConversationInput{AppID: 100001, OwnerUserID: 10001,
		Type: imclient.ConversationTypeGroup, IdempotentID: "cmd-test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddParticipants(ctx, imclient.ParticipantsInput{AppID: 100001, ConversationShortID: out.ConversationShortID,
		Operator: 10001, Participants: []imclient.ParticipantInfo{{UserID: 4242}}}); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(fmt.Sprintf("%s_emulator/members?app=100001&conversation=%d", endpoint, out.ConversationShortID))
	if err != nil {
		t.Fatal(err)
	}
	var members []struct {
		ParticipantUserID int64 `json:"ParticipantUserId"`
	}
	err = json.NewDecoder(resp.Body).Decode(&members)
	_ = resp.Body.Close()
	if err != nil || len(members) != 2 || members[1].ParticipantUserID != 4242 {
		t.Fatalf("members %+v, %v", members, err)
	}
	resp, err = http.Get(endpoint + "_emulator/conversation?app=100001&conversation=5")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown conversation: HTTP %d", resp.StatusCode)
	}

	resp, err = http.Get(endpoint + "_emulator/stats")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if got := strings.TrimSpace(string(body)); got != `{"Total":3,"OK":3,"Throttled":0,"Faults":0,"Rejected":0,"Canceled":0}` {
		t.Errorf("stats %s", got)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout.String(), "VOLCENGINE_ENDPOINT="+endpoint) {
		t.Errorf("stdout %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "BatchGetConversationParticipant key=AKLTDEMO00000000000000000001 status=200 code=OK") {
		t.Errorf("stderr %q", stderr.String())
	}
}

func TestRunRejectsBadFixtures(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "f.json")
	if err := os.WriteFile(bad, []byte(`{"Apps":[{"AppId":1,"Conversatons":[]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errw testutil.SyncBuffer
	err := run(context.Background(), []string{"-fixtures", bad}, &out, &errw)
	if err == nil || !strings.Contains(err.Error(), "Conversatons") {
		t.Fatalf("err %v", err)
	}
}

// The scan flags: opaque cursors and a page cap the client's page of 20
// exceeds; an unknown cursor style is refused at start.
func TestRunScanFlags(t *testing.T) {
	dir := t.TempDir()
	epFile := filepath.Join(dir, "endpoint")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testutil.SyncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-fixtures", "../../examples/demo/fixtures.json", "-endpoint-file", epFile,
			"-cursor-style", "opaque", "-scan-limit", "10"}, &stdout, &stderr)
	}()
	testutil.WaitFor(t, func() bool { b, _ := os.ReadFile(epFile); return len(b) > 0 })
	b, _ := os.ReadFile(epFile)
	c, err := imclient.New(imclient.Config{AccessKey: "AKLTDEMO00000000000000000001", SecretKey: "demo-secret-key-for-the-emulator-only",
		Endpoint: strings.TrimSpace(string(b)), MaxRetries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ScanConversationParticipants(ctx, imclient.ScanInput{AppID: 100001, ConversationShortID: 7000000000000000001})
	if err == nil || !strings.Contains(err.Error(), "Limit must be between 1 and 10") {
		t.Fatalf("err %v", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	var out, errw testutil.SyncBuffer
	if err := run(context.Background(), []string{"-cursor-style", "random"}, &out, &errw); err == nil || !strings.Contains(err.Error(), `unknown cursor style "random"`) {
		t.Fatalf("err %v", err)
	}
}

// A connection that never sends a request (Go's transport keeps one it
// dialed for a request canceled meanwhile) must not make stopping the
// emulator fail: it used to wait 5 s and return "context deadline exceeded".
func TestRunStopsWithAnIdleConnection(t *testing.T) {
	dir := t.TempDir()
	epFile := filepath.Join(dir, "endpoint")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr testutil.SyncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"-listen", "127.0.0.1:0", "-fixtures", "../../examples/demo/fixtures.json", "-endpoint-file", epFile}, &stdout, &stderr)
	}()
	testutil.WaitFor(t, func() bool { b, _ := os.ReadFile(epFile); return len(b) > 0 })
	b, _ := os.ReadFile(epFile)
	u, err := url.Parse(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("stopping with a connection that sent nothing: %v", err)
	}
}
