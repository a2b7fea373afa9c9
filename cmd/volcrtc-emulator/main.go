// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Command volcrtc-emulator serves a fake Volcengine IM OpenAPI from a JSON
// fixture file, so that Terraform modules can be tested offline through
// the provider's endpoint: the read actions, and the write actions
// (CreateConversation, ModifyConversation, DestroyConversation and the
// batch member writes), which change the conversations in memory for as
// long as the process runs. GET /_emulator/stats counts the answers;
// GET /_emulator/conversation?app=ID&conversation=ID and
// /_emulator/members?app=ID&conversation=ID show a conversation and its
// members as they are now (404 when unknown); POST
// /_emulator/join?app=ID&conversation=ID&user=ID adds a member, as someone
// joining outside Terraform, which `volcrtc-emulator join -endpoint URL
// -app ID -conversation ID -user ID` calls.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "volcrtc-emulator:", err)
		os.Exit(1)
	}
}

// shutdownGrace is how long a stopping emulator waits for requests in flight.
const shutdownGrace = 2 * time.Second

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "join" {
		return runJoin(ctx, args[1:], stdout, stderr)
	}
	fs := flag.NewFlagSet("volcrtc-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:8787", "address to listen on (port 0 picks a free port)")
	fixtures := fs.String("fixtures", "", "JSON fixture file (default: the built-in sample)")
	region := fs.String("region", "", "only accept signatures for this region (default: any)")
	endpointFile := fs.String("endpoint-file", "", "write the endpoint URL to this file once listening")
	errors200 := fs.Bool("errors-as-200", false, "answer errors with HTTP 200, as some gateways do")
	quiet := fs.Bool("quiet", false, "do not log requests")
	rateLimit := fs.Int("rate-limit", 100, "requests per second per access key and action before 429 FlowLimitExceeded, half of it for write actions (negative: no limit)")
	maxIDs := fs.Int("max-ids", 0, "reject calls with more user or conversation IDs (ConversationParticipantsMoreThanLimit, InvalidParam); 0: no cap")
	cursorStyle := fs.String("cursor-style", emulator.CursorOffset, "scan cursors: offset (the next member's position) or opaque (a token)")
	scanLimit := fs.Int("scan-limit", 20, "most members one ScanConversationParticipantList call may ask for")
	latency := fs.Duration("latency", 0, "delay every answer, e.g. 50ms")
	faultRate := fs.Float64("fault-rate", 0, "share of requests (0 to 1) answered with 503")
	seed := fs.Int64("seed", 1, "seed of the fault generator")
	maxMembers := fs.Int("max-members", emulator.DefaultMaxMembers, "member cap of a normal group (ConversationParticipantsMoreThanLimit beyond it)")
	mergeExt := fs.Bool("merge-ext", false, "modify writes merge a sent Ext into the stored one instead of replacing it")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fx := emulator.Sample()
	if *fixtures != "" {
		var err error
		if fx, err = emulator.LoadFixtures(*fixtures); err != nil {
			return err
		}
	}
	opts := emulator.Options{Region: *region, NoRecord: true, RateLimit: *rateLimit, MaxIDsPerCall: *maxIDs,
		CursorStyle: *cursorStyle, ScanLimit: *scanLimit, Latency: *latency, FaultRate: *faultRate, Seed: *seed,
		MaxMembers: *maxMembers, MergeExt: *mergeExt}
	if !*quiet {
		opts.OnRequest = func(r emulator.Request) { logRequest(stderr, r) }
	}
	emu, err := emulator.New(fx, opts)
	if err != nil {
		return err
	}
	emu.SetErrorsAsHTTP200(*errors200)

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	endpoint := "http://" + ln.Addr().String() + "/"
	if *endpointFile != "" {
		if err := os.WriteFile(*endpointFile, []byte(endpoint+"\n"), 0o600); err != nil {
			_ = ln.Close()
			return err
		}
	}
	_, _ = fmt.Fprintf(stdout, "volcrtc-emulator listening on %s\nuse: export VOLCENGINE_ENDPOINT=%s\n", endpoint, endpoint)

	mux := http.NewServeMux()
	mux.Handle("/", emu)
	mux.HandleFunc("GET /_emulator/stats", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(emu.Stats())
	})
	mux.HandleFunc("GET /_emulator/conversation", func(w http.ResponseWriter, r *http.Request) {
		app, conv, ok := stateQuery(w, r)
		if !ok {
			return
		}
		c, found := emu.ConversationState(app, conv)
		writeState(w, c, found)
	})
	mux.HandleFunc("GET /_emulator/members", func(w http.ResponseWriter, r *http.Request) {
		app, conv, ok := stateQuery(w, r)
		if !ok {
			return
		}
		ms, found := emu.Members(app, conv)
		writeState(w, ms, found)
	})
	mux.HandleFunc("POST "+joinPath, handleJoin(emu))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	// Requests in flight get a grace period to be answered. A connection
	// that never sent a request (Go's transport keeps one it dialed for a
	// request that was canceled meanwhile) counts as busy for 5 s, so after
	// the grace period whatever is left is closed: stopping a fake API is
	// not a failure.
	shutdown, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		if !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		_ = srv.Close()
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// stateQuery reads the app and conversation IDs of a state query, or
// answers 400.
func stateQuery(w http.ResponseWriter, r *http.Request) (app, conv int64, ok bool) {
	app, err1 := strconv.ParseInt(r.URL.Query().Get("app"), 10, 64)
	conv, err2 := strconv.ParseInt(r.URL.Query().Get("conversation"), 10, 64)
	if err1 != nil || err2 != nil {
		http.Error(w, "app and conversation must be decimal IDs", http.StatusBadRequest)
		return 0, 0, false
	}
	return app, conv, true
}

func writeState(w http.ResponseWriter, v any, found bool) {
	if !found {
		http.Error(w, "conversation not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// logRequest writes one line per answered request.
func logRequest(w io.Writer, r emulator.Request) {
	code := r.Code
	if code == "" {
		code = "OK"
	}
	_, _ = fmt.Fprintf(w, "%s %s key=%s status=%d code=%s request_id=%s body=%s\n",
		time.Now().UTC().Format(time.RFC3339), r.Action, r.AccessKey, r.Status, code, r.RequestID, r.RawBody)
}
