// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// The emulator's admin call for "someone joined outside Terraform": it adds
// a member as the app's own clients would, without a signed API call. Only
// the emulator serves it (under /_emulator/, beside its state reads); the
// demo uses it through the join subcommand.

// joinPath is the admin endpoint: POST with app, conversation and user.
const joinPath = "/_emulator/join"

// handleJoin adds user to the conversation as a plain member who added
// themselves.
func handleJoin(emu *emulator.Server) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		app, conv, ok := stateQuery(w, r)
		if !ok {
			return
		}
		user, err := strconv.ParseInt(r.URL.Query().Get("user"), 10, 64)
		if err != nil || user <= 0 {
			http.Error(w, "user must be a positive decimal ID", http.StatusBadRequest)
			return
		}
		if _, found := emu.ConversationState(app, conv); !found {
			http.Error(w, "conversation not found", http.StatusNotFound)
			return
		}
		status, joined := int32(0), time.Now().Unix()
		p := emulator.Participant{ParticipantUserID: user, Operator: user, Role: 0, Status: &status, CreateTime: &joined}
		if err := emu.SetMember(app, conv, p); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// runJoin is `volcrtc-emulator join`: it asks a running emulator to add a
// member, as someone joining outside Terraform.
func runJoin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("volcrtc-emulator join", flag.ContinueOnError)
	fs.SetOutput(stderr)
	endpoint := fs.String("endpoint", "", "the running emulator's URL (VOLCENGINE_ENDPOINT)")
	app := fs.Int64("app", 0, "app ID")
	conv := fs.Int64("conversation", 0, "conversation short ID")
	user := fs.Int64("user", 0, "user ID of who joins")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *endpoint == "" || *app <= 0 || *conv <= 0 || *user <= 0 {
		return fmt.Errorf("join needs -endpoint, -app, -conversation and -user")
	}
	q := url.Values{"app": {strconv.FormatInt(*app, 10)}, "conversation": {strconv.FormatInt(*conv, 10)},
		"user": {strconv.FormatInt(*user, 10)}}
	u := strings.TrimSuffix(*endpoint, "/") + joinPath + "?" + q.Encode()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode != http.StatusNoContent {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
		return fmt.Errorf("the emulator refused the join: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	_, err = fmt.Fprintf(stdout, "user %d joined conversation %d of app %d\n", *user, *conv, *app)
	return err
}
