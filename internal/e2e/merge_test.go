// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

//go:build unix

package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
	"github.com/volcrtc/terraform-provider-volcrtc/internal/testutil"
)

// Merging through a real CLI: requests of different resources share one
// call of an action, and each resource gets its own outcome.

const mergeApp = 100001

// hooked puts before in front of the CLI's emulator: it sees every
// request's action and body first, and may hold it; after, when set,
// sees it once answered.
func hooked(t *testing.T, c *cli, before, after func(action string, body []byte)) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		before(r.URL.Query().Get("Action"), body)
		c.emu.ServeHTTP(w, r)
		if after != nil {
			after(r.URL.Query().Get("Action"), body)
		}
	}))
	t.Cleanup(srv.Close)
	c.setenv("VOLCENGINE_ENDPOINT", srv.URL)
}

// bodyIDs are the IDs a request body carries (conversations or users).
func bodyIDs(body string) []int64 {
	var v struct {
		ConversationShortID json.RawMessage `json:"ConversationShortId"`
		UserIDs             []int64         `json:"UserIds"`
		Users               []struct {
			UserID int64 `json:"UserId"`
		} `json:"Users"`
	}
	_ = json.Unmarshal([]byte(body), &v)
	var ids []int64
	if json.Unmarshal(v.ConversationShortID, &ids) != nil {
		ids = nil
	}
	ids = append(ids, v.UserIDs...)
	for _, u := range v.Users {
		ids = append(ids, u.UserID)
	}
	return ids
}

// botsConfig registers user first, then the others: they depend on a
// conversation whose create waits (see holdFirstRegister) until the
// first user's register is in flight, so theirs queue behind it.
func botsConfig(first int64, rest ...int64) string {
	var keys []string
	for _, id := range rest {
		keys = append(keys, fmt.Sprintf("%q", fmt.Sprint(id)))
	}
	return fmt.Sprintf(`terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
resource "volcrtc_conversation" "gate" {
  app_id              = %[1]d
  owner_user_id       = 10001
  name                = "gate"
  deletion_protection = false
}
resource "volcrtc_user" "first" {
  app_id              = %[1]d
  user_id             = %[2]d
  nick_name           = "bot-%[2]d"
  is_robot            = true
  deletion_protection = false
}
resource "volcrtc_user" "bot" {
  for_each            = toset([%[3]s])
  depends_on          = [volcrtc_conversation.gate]
  app_id              = %[1]d
  user_id             = tonumber(each.key)
  nick_name           = "bot-${each.key}"
  is_robot            = true
  deletion_protection = false
}
`, mergeApp, first, strings.Join(keys, ", "))
}

func cliFor(t *testing.T, config string, opts emulator.Options) *cli {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/main.tf", []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return newCLI(t, dir, opts)
}

// registerCalls are the user lists of the RegisterUsers calls received.
func registerCalls(emu *emulator.Server) [][]int64 {
	var out [][]int64
	for _, r := range emu.Requests() {
		if r.Action == emulator.ActionRegisterUsers {
			ids := bodyIDs(r.RawBody)
			slices.Sort(ids)
			out = append(out, ids)
		}
	}
	return out
}

// holdFirstRegister holds the conversation the other users wait for
// until the first user's register arrives, and holds that register
// (alone in its call) until release is closed, or, when release is nil,
// until every other user's check (BatchGetUser) has been answered and a
// moment more, for their registers to queue behind it. onRegister sees
// each register call (1-based) first. It returns a channel closed once
// the others' checks have been answered.
func holdFirstRegister(t *testing.T, c *cli, rest []int64, release chan struct{}, onRegister func(n int)) <-chan struct{} {
	var (
		mu      sync.Mutex
		checked = map[int64]bool{}
		calls   int
		first   = make(chan struct{})
		ready   = make(chan struct{})
	)
	allChecked := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, id := range rest {
			if !checked[id] {
				return false
			}
		}
		return true
	}
	hooked(t, c, func(action string, body []byte) {
		switch action {
		case emulator.ActionCreateConversation:
			<-first
		case emulator.ActionRegisterUsers:
			mu.Lock()
			calls++
			n := calls
			mu.Unlock()
			if onRegister != nil {
				onRegister(n)
			}
			if n != 1 {
				return
			}
			close(first)
			if release != nil {
				<-release
				return
			}
			<-ready
		}
	}, func(action string, body []byte) {
		if action != "BatchGetUser" {
			return
		}
		mu.Lock()
		for _, id := range bodyIDs(string(body)) {
			checked[id] = true
		}
		mu.Unlock()
		if allChecked() {
			go func() {
				time.Sleep(time.Second) // the answers travel back and the registers queue
				mu.Lock()
				defer mu.Unlock()
				select {
				case <-ready:
				default:
					close(ready)
				}
			}()
		}
	})
	return ready
}

// A merged register whose FailedInfos name one user fails that resource
// alone: its siblings of the same call are registered and in state.
func TestAccMergedRegisterFailsOneUserAlone(t *testing.T) {
	const first, bad = 880001, 880003
	rest := []int64{880002, 880003, 880004, 880005}
	c := cliFor(t, botsConfig(first, rest...), emulator.Options{})
	c.emu.FailUsers(emulator.ActionRegisterUsers, bad)
	holdFirstRegister(t, c, rest, nil, nil)
	out, err := c.try(t.Context(), "apply", "-auto-approve", "-input=false", "-no-color")
	if err == nil {
		t.Fatalf("apply succeeded:\n%s", out)
	}
	flat := strings.Join(strings.Fields(out), " ")
	if !strings.Contains(flat, `volcrtc_user.bot["880003"]`) || strings.Count(flat, "Cannot register the user") != 1 {
		t.Errorf("the error does not name user %d alone:\n%s", bad, out)
	}
	state := c.run("state", "list")
	for _, id := range append([]int64{first}, rest...) {
		_, registered := c.emu.UserState(mergeApp, id)
		inState := strings.Contains(state, fmt.Sprintf(`["%d"]`, id)) || (id == first && strings.Contains(state, "volcrtc_user.first"))
		if want := id != bad; registered != want || inState != want {
			t.Errorf("user %d: registered %v, in state %v; want %v", id, registered, inState, want)
		}
	}
	merged := false
	for _, ids := range registerCalls(c.emu) {
		if slices.Contains(ids, bad) && len(ids) > 1 {
			merged = true
		}
	}
	if !merged {
		t.Errorf("user %d was not registered in a merged call: %v", bad, registerCalls(c.emu))
	}
}

// A merged register whose answer is lost registers nobody twice: each
// resource reads its user back, finds it, and is in state.
func TestAccMergedRegisterLostAnswer(t *testing.T) {
	const first = 881001
	rest := []int64{881002, 881003, 881004}
	c := cliFor(t, botsConfig(first, rest...), emulator.Options{})
	holdFirstRegister(t, c, rest, nil, func(n int) {
		if n == 2 { // the merged call: applied, its answer lost
			c.emu.LoseAnswers(emulator.ActionRegisterUsers, 1, emulator.FaultBadGateway)
		}
	})
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	calls := registerCalls(c.emu)
	seen := map[int64]int{}
	for _, ids := range calls {
		for _, id := range ids {
			seen[id]++
		}
	}
	state := c.run("state", "list")
	for _, id := range append([]int64{first}, rest...) {
		inState := strings.Contains(state, fmt.Sprintf(`["%d"]`, id)) || (id == first && strings.Contains(state, "volcrtc_user.first"))
		if _, ok := c.emu.UserState(mergeApp, id); !ok || seen[id] != 1 || !inState {
			t.Errorf("user %d: registered %v, in %d RegisterUsers calls, in state %v", id, ok, seen[id], inState)
		}
	}
	if len(calls) < 2 || len(calls[1]) < 2 {
		t.Errorf("RegisterUsers calls %v: the lost one was not merged", calls)
	}
}

// A merged lookup that the API answers with ConversationNotFound, for one
// conversation gone, is sent again conversation by conversation: that one
// alone is planned to be created again.
func TestAccMergedLookupNotFoundAffectsOneAlone(t *testing.T) {
	config := fmt.Sprintf(`terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
resource "volcrtc_conversation" "group" {
  for_each            = toset(["a", "b", "c", "d"])
  app_id              = %d
  owner_user_id       = 10001
  name                = "team-${each.key}"
  deletion_protection = false
}
`, mergeApp)
	c := cliFor(t, config, emulator.Options{NotFoundAsError: true})
	var (
		mu      sync.Mutex
		holding bool
		convs   []int64
		gone    int64
	)
	// The plan's first lookup picks the conversation to dissolve: one it
	// carries with another, or else one that waits behind it and so goes
	// in the next, merged call.
	hooked(t, c, func(action string, body []byte) {
		mu.Lock()
		first := holding && action == "BatchGetConversations"
		holding = holding && !first
		mu.Unlock()
		if !first {
			return
		}
		ids := bodyIDs(string(body))
		mu.Lock()
		if len(ids) > 1 {
			gone = ids[1]
		} else {
			for _, cv := range convs {
				if !slices.Contains(ids, cv) {
					gone = cv
				}
			}
		}
		pick := gone
		mu.Unlock()
		if err := c.emu.UpdateConversation(mergeApp, pick, func(cv *emulator.Conversation) {
			dissolved := int64(1)
			cv.Status = &dissolved
		}); err != nil {
			t.Error(err)
		}
		if len(ids) == 1 {
			time.Sleep(time.Second) // the other refreshes queue behind this lookup
		}
	}, nil)
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	mu.Lock()
	convs = c.emu.CreatedConversations(mergeApp)
	mu.Unlock()
	if len(convs) != 4 {
		t.Fatalf("created %v", convs)
	}
	c.emu.ResetRequests()
	mu.Lock()
	holding = true
	mu.Unlock()
	out := c.run("plan", "-input=false", "-no-color")
	if flat := strings.Join(strings.Fields(out), " "); !strings.Contains(flat, "Plan: 1 to add, 0 to change, 0 to destroy") {
		t.Errorf("plan does not re-create the gone conversation alone:\n%s", out)
	}
	mu.Lock()
	defer mu.Unlock()
	merged, alone := false, map[int64]bool{}
	for _, r := range c.emu.Requests() {
		if r.Action != "BatchGetConversations" {
			continue
		}
		ids := bodyIDs(r.RawBody)
		if r.Code == "ConversationNotFound" && len(ids) > 1 && slices.Contains(ids, gone) {
			merged = true
		}
		if len(ids) == 1 {
			alone[ids[0]] = r.Code == "ConversationNotFound"
		}
	}
	if !merged || !alone[gone] {
		t.Errorf("no merged lookup of %d answered ConversationNotFound and then sent alone", gone)
	}
}

// Ctrl-C while registers wait for a merged call: the call in flight gets
// its answer and its user is in state; the waiting ones are never sent.
// State and API agree.
func TestAccInterruptWhileWaitingForMergedCall(t *testing.T) {
	const first = 882001
	rest := []int64{882002, 882003, 882004, 882005}
	c := cliFor(t, botsConfig(first, rest...), emulator.Options{})
	release := make(chan struct{})
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()
	checked := holdFirstRegister(t, c, rest, release, nil)
	cmd := exec.Command(c.bin, "apply", "-auto-approve", "-input=false", "-no-color")
	cmd.Dir, cmd.Env = c.dir, c.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var out testutil.SyncBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	<-checked // the others' registers wait behind the first, held
	if err := syscall.Kill(-cmd.Process.Pid, syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Second)
	released = true
	close(release)
	select {
	case err := <-exited:
		if err == nil {
			t.Fatalf("apply succeeded after Ctrl-C:\n%s", out.String())
		}
	case <-time.After(60 * time.Second):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		t.Fatalf("apply did not stop within a minute of Ctrl-C:\n%s", out.String())
	}
	if calls := registerCalls(c.emu); len(calls) != 1 || !slices.Equal(calls[0], []int64{first}) {
		t.Errorf("RegisterUsers calls %v, want only the one in flight, of %d", calls, first)
	}
	state, _ := c.try(t.Context(), "state", "list")
	if _, ok := c.emu.UserState(mergeApp, first); !ok || !strings.Contains(state, "volcrtc_user.first") {
		t.Errorf("user %d, whose call was in flight: registered %v, state:\n%s", first, ok, state)
	}
	for _, id := range rest {
		_, registered := c.emu.UserState(mergeApp, id)
		if inState := strings.Contains(state, fmt.Sprint(id)); registered || inState {
			t.Errorf("user %d, waiting: registered %v, in state %v", id, registered, inState)
		}
	}
}

// A refresh makes the calls the design says: per members resource one
// scan page and no GetConversationUserCount (the count comes with its
// lookup, which merges with the others), at most one lookup per
// conversation resource and per members resource, at most one user read
// per user.
func TestAccRefreshCalls(t *testing.T) {
	config := fmt.Sprintf(`terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
resource "volcrtc_conversation" "group" {
  for_each            = toset(["a", "b", "c"])
  app_id              = %[1]d
  owner_user_id       = 10001
  name                = "team-${each.key}"
  deletion_protection = false
}
resource "volcrtc_conversation_members" "group" {
  for_each              = volcrtc_conversation.group
  app_id                = each.value.app_id
  conversation_short_id = each.value.conversation_short_id
  members               = { "20001" = {}, "20002" = {}, "20003" = {} }
}
resource "volcrtc_user" "bot" {
  for_each            = toset(["883001", "883002"])
  app_id              = %[1]d
  user_id             = tonumber(each.key)
  is_robot            = true
  deletion_protection = false
}
`, mergeApp)
	c := cliFor(t, config, emulator.Options{})
	c.run("apply", "-auto-approve", "-input=false", "-no-color")
	c.emu.ResetRequests()
	c.run("plan", "-detailed-exitcode", "-input=false", "-no-color")
	calls, ids := map[string]int{}, map[string]int{}
	counted := false
	for _, r := range c.emu.Requests() {
		calls[r.Action]++
		ids[r.Action] += len(bodyIDs(r.RawBody))
		if r.Action == "BatchGetConversations" && strings.Contains(r.RawBody, `"SkipMemberCount":false`) {
			counted = true
		}
	}
	t.Logf("refresh calls: %v", calls)
	if calls["ScanConversationParticipantList"] != 3 || calls["GetConversationUserCount"] != 0 || !counted ||
		calls["BatchGetConversations"] < 1 || ids["BatchGetConversations"] > 6 ||
		calls["BatchGetUser"] < 1 || ids["BatchGetUser"] > 2 || len(calls) != 3 {
		t.Errorf("refresh made %v (IDs %v); want 3 scans, no count, lookups of at most 6 IDs with MemberCount, "+
			"user reads of at most 2", calls, ids)
	}
}
