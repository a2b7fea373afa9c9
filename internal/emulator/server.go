// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Package emulator is an in-process fake of Volcengine RTC's IM OpenAPI
// read actions (see actions.go). It verifies request signatures with its
// own code, answers with the API's error shapes, and records every request
// so tests can assert on exactly what was sent.
package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

const (
	apiVersion     = "2020-12-01"
	service        = "rtc"
	maxSkew        = 900 * time.Second
	maxRequestBody = 8 << 20
)

// Options tunes the emulator. The zero value is usable.
type Options struct {
	// Region, when set, is the only signing region accepted.
	Region string
	// Now is the emulator's clock; time.Now when nil.
	Now func() time.Time
	// BusinessErrorStatus is the HTTP status of IM business errors
	// (AppNotFound, InvalidParam, ...); 400 when zero.
	BusinessErrorStatus int
	// OnRequest, when set, is called with each request once answered.
	OnRequest func(Request)
	// NoRecord stops Requests from keeping every request, for a
	// long-running process.
	NoRecord bool

	// RateLimit is how many requests of one action one access key may make per
	// RateWindow before getting 429 FlowLimitExceeded: 100 when zero,
	// no limit when negative. RateWindow is 1s when zero. Write actions
	// get half of it (the API's 50 a second against its 100).
	RateLimit  int
	RateWindow time.Duration
	// MaxIDsPerCall, when positive, rejects longer ParticipantUserIds
	// lists with ConversationParticipantsMoreThanLimit, and longer
	// ConversationShortId lists of BatchGetConversations with InvalidParam.
	MaxIDsPerCall int
	// CursorStyle is how ScanConversationParticipantList's cursor works:
	// CursorOffset (the default; NextCursor is the position of the next
	// member) or CursorOpaque (a token that is not an offset).
	CursorStyle string
	// ScanLimit is the most members one scan call may ask for with
	// details; 20, the documented cap, when zero.
	ScanLimit int
	// ScanPageSize, when positive and below the call's Limit, is how many
	// members a scan page holds: an API whose pages are shorter than asked.
	ScanPageSize int
	// ScanNeverEnds makes every scan page say HasMore, as a broken API
	// might: with offset cursors the cursor repeats at the end, with
	// opaque ones it keeps growing over empty pages.
	ScanNeverEnds bool
	// MaxMembers is a normal group's member cap; DefaultMaxMembers (200,
	// the documented default) when zero. A live group's is
	// DefaultMaxLiveMembers.
	MaxMembers int
	// MergeExt makes ModifyConversation and
	// BatchModifyConversationParticipant merge a sent Ext into the stored
	// one; by default it replaces it. The API does not document which.
	MergeExt bool
	// OffsetUntil, when positive with offset cursors, makes the cursor of
	// every position from it on an opaque token: a cursor that stops being
	// an offset halfway through a scan.
	OffsetUntil int
	// UserCountTimes, when above 1, multiplies GetConversationUserCount's
	// answer: a count far too high.
	UserCountTimes int
	// NotFoundAsError makes BatchGetConversations answer the business error
	// ConversationNotFound when a conversation it is asked for is unknown
	// or dissolved, instead of leaving it out: the API documents neither.
	NotFoundAsError bool
	// RegisterOverwrites makes RegisterUsers overwrite the profile of a
	// user already registered; by default it lists them in FailedInfos
	// (UserAlreadyRegistered). The API does not document which.
	RegisterOverwrites bool
	// UnregisterUnknownSucceeds makes UnRegisterUsers succeed for a user
	// who is not registered; by default it lists them in FailedInfos
	// (UserNotFound). The API does not document which.
	UnregisterUnknownSucceeds bool
	// UpdateKeepsSystemExt makes BatchUpdateUser keep the system's Ext
	// keys (those starting with "s:", which no write may send) when it
	// replaces a profile; by default it replaces Ext whole, dropping them.
	// The API does not document which.
	UpdateKeepsSystemExt bool
	// NormalGroupModeration makes a normal group (type 2) accept the block
	// and whitelist actions as a live group does; by default they answer
	// OnlyLiveConversationSupport, the code the vendor lists for them. The
	// API does not document which.
	NormalGroupModeration bool
	// MaxBlockSeconds, when positive, is the longest duration
	// BatchAddBlockParticipants takes: a longer one refuses the call
	// (InvalidParam). By default any positive duration is taken. The API
	// does not document a longest one.
	MaxBlockSeconds int64
	// ZeroBlockForever makes a block duration of 0 mean no end (listed
	// with BlockTime 0); by default 0 refuses the call (InvalidParam).
	// The API does not document which.
	ZeroBlockForever bool
	// KeepExpiredBlocks keeps a block whose end has passed on the list
	// BatchGetBlockParticipants reads (with its past BlockTime); by
	// default an ended block is no longer listed. Not documented.
	KeepExpiredBlocks bool
	// MaxWhitelist is a live group's whitelist cap; DefaultMaxWhitelist
	// (100, documented as the default) when zero.
	MaxWhitelist int
	// MaxMarks is how many marks a conversation holds; DefaultMaxMarks
	// when zero (the API names the error, not the limit).
	MaxMarks int
	// ReadLag makes every change (by a write action or a test helper)
	// visible to the read actions only this long after it, while writes
	// see it at once: the API promises no read-your-writes. SetReadLag
	// changes it while the emulator runs.
	ReadLag time.Duration
	// Latency delays every answer, as a distant API would.
	Latency time.Duration
	// FaultRate is the share of authenticated requests (0 to 1) that get
	// a 503, drawn from a generator seeded with Seed.
	FaultRate float64
	Seed      int64
}

// Request is one request as the emulator saw it.
type Request struct {
	Method        string
	Action        string
	Version       string
	Host          string
	UserAgent     string
	AccessKey     string
	SigningRegion string
	Service       string
	SignedHeaders []string
	SessionToken  string
	// Body is the decoded body of BatchGetConversationParticipant; other
	// actions leave it empty (see RawBody).
	Body    BatchGetBody
	RawBody string
	// Outcome.
	Status    int
	Code      string
	RequestID string
}

// BatchGetBody is the decoded request body.
type BatchGetBody struct {
	AppID               *int64  `json:"AppId"`
	ConversationShortID *int64  `json:"ConversationShortId"`
	ParticipantUserIDs  []int64 `json:"ParticipantUserIds"`
}

// Server is an http.Handler. Use it with httptest.NewServer or
// http.ListenAndServe.
type Server struct {
	opts  Options
	creds map[string]Credential
	apps  map[int64]bool
	convs map[convKey]conversation
	// sections are the apps' fixtures of other reads (App.Sections).
	sections map[int64]map[string]json.RawMessage

	// state guards convs, which writes change (see writes.go): a write
	// replaces a conversation's value, never changes one in place, so a
	// read keeps the copy it looked up.
	state  sync.RWMutex
	writes writeState
	// readLag and history: see read_lag.go.
	readLag time.Duration
	history map[convKey][]version
	users   map[int64]map[int64]*userRecord // by app, loaded from the fixtures on first use

	mu             sync.Mutex
	seq            int
	requests       []Request
	errors200      bool
	faults         faultState
	tokens         []string          // issued by GetAppToken
	pageFaults     map[pageKey]Fault // scripted failures of paged actions
	pageContradict map[pageKey]bool  // pages that say more with NextCursor -1
	inFlight       atomic.Int64
}

// New returns an emulator serving fx.
func New(fx Fixtures, opts Options) (*Server, error) {
	creds, apps, convs, err := fx.index()
	if err != nil {
		return nil, fmt.Errorf("invalid fixtures: %w", err)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.BusinessErrorStatus == 0 {
		opts.BusinessErrorStatus = http.StatusBadRequest
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 100
	}
	if opts.RateWindow == 0 {
		opts.RateWindow = time.Second
	}
	if opts.ScanLimit == 0 {
		opts.ScanLimit = 20
	}
	switch opts.CursorStyle {
	case "":
		opts.CursorStyle = CursorOffset
	case CursorOffset, CursorOpaque:
	default:
		return nil, fmt.Errorf("unknown cursor style %q (%s or %s)", opts.CursorStyle, CursorOffset, CursorOpaque)
	}
	s := &Server{opts: opts, readLag: opts.ReadLag, creds: creds, apps: apps, convs: convs, sections: map[int64]map[string]json.RawMessage{}}
	for _, a := range fx.Apps {
		s.sections[a.AppID] = a.Sections
		for key := range a.Sections {
			if err := s.readSection(a.AppID, key, sectionKeys[key]()); err != nil {
				return nil, fmt.Errorf("invalid fixtures: %w", err)
			}
		}
	}
	s.faults.init(opts.Seed)
	return s, nil
}

// SetErrorsAsHTTP200 makes every error answer carry HTTP 200, the case
// volc-sdk-golang mistakes for an empty success.
func (s *Server) SetErrorsAsHTTP200(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errors200 = on
}

// InFlight is the number of requests being handled right now.
func (s *Server) InFlight() int { return int(s.inFlight.Load()) }

// Requests returns a copy of every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// ResetRequests forgets the recorded requests.
func (s *Server) ResetRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = nil
}

type apiError struct {
	status     int
	code       string
	codeN      int
	message    string
	retryAfter string
	rawBody    string // sent instead of JSON, like a proxy's error page
	cut        bool   // the connection is closed without an answer
	outcome    outcome
}

func gatewayError(code string, message string) *apiError {
	g := gatewayCodes[code]
	return &apiError{status: g.status, code: code, codeN: g.codeN, message: message, outcome: outcomeRejected}
}

var gatewayCodes = map[string]struct{ codeN, status int }{
	"MissingParameter":           {100002, 400},
	"MissingAuthenticationToken": {100003, 401},
	"MissingSignature":           {100005, 401},
	"InvalidTimestamp":           {100006, 400},
	"InvalidActionOrVersion":     {100008, 404},
	"InvalidAccessKey":           {100009, 401},
	"SignatureDoesNotMatch":      {100010, 401},
	"AccessDenied":               {100013, 403},
	"InternalError":              {100014, 500},
}

func (s *Server) businessError(code, message string) *apiError {
	return &apiError{status: s.opts.BusinessErrorStatus, code: code, message: message, outcome: outcomeRejected}
}

// ServeHTTP handles one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	arrival := s.opts.Now()
	s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	rec := Request{
		Method: r.Method, Host: r.Host, UserAgent: r.UserAgent(),
		Action: r.URL.Query().Get("Action"), Version: r.URL.Query().Get("Version"),
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	rec.RawBody = string(body)
	var result any
	aerr := s.authenticate(r, body, &rec)
	if err != nil && aerr == nil {
		aerr = s.businessError("InvalidParam", "cannot read body")
	}
	if aerr == nil {
		aerr = s.admit(rec.AccessKey, rec.Action, arrival)
	}
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			rec.Code = "ClientClosedRequest"
			s.record(&rec, outcomeCanceled)
			return
		}
	}
	if aerr == nil {
		result, aerr = handlers[rec.Action](s, body, &rec)
	}
	s.respond(w, &rec, result, aerr)
}

// authenticate checks action, version and the signature, in that order.
func (s *Server) authenticate(r *http.Request, body []byte, rec *Request) *apiError {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return gatewayError("InvalidActionOrVersion", "method "+r.Method+" is not allowed")
	}
	if rec.Action == "" || rec.Version == "" {
		return gatewayError("MissingParameter", "Action and Version are required query parameters")
	}
	if handlers[rec.Action] == nil || rec.Version != apiVersion {
		return gatewayError("InvalidActionOrVersion", fmt.Sprintf("action %s version %s is not served", rec.Action, rec.Version))
	}
	h := r.Header.Get("Authorization")
	if h == "" {
		return gatewayError("MissingAuthenticationToken", "the request carries no Authorization header")
	}
	auth, err := ParseAuthorization(h)
	if err != nil {
		return gatewayError("MissingSignature", err.Error())
	}
	rec.AccessKey, rec.SigningRegion, rec.Service, rec.SignedHeaders = auth.AccessKey, auth.Region, auth.Service, auth.SignedHeaders
	rec.SessionToken = r.Header.Get("X-Security-Token")

	xDate := r.Header.Get("X-Date")
	t, err := time.Parse(dateLayout, xDate)
	if err != nil {
		return gatewayError("InvalidTimestamp", "X-Date is missing or not in the form 20060102T150405Z")
	}
	if d := s.opts.Now().Sub(t); d > maxSkew || d < -maxSkew {
		return gatewayError("InvalidTimestamp", fmt.Sprintf("X-Date %s is more than 15 minutes away from the server's time", xDate))
	}
	cred, ok := s.creds[auth.AccessKey]
	if !ok {
		return gatewayError("InvalidAccessKey", "the access key is not known")
	}
	if cred.SessionToken != "" && rec.SessionToken == "" {
		return gatewayError("MissingAuthenticationToken", "this access key is temporary and needs X-Security-Token")
	}
	if rec.SessionToken != "" && rec.SessionToken != cred.SessionToken {
		return gatewayError("InvalidAccessKey", "the security token does not belong to this access key")
	}
	if auth.Service != service || auth.Date != xDate[:8] || (s.opts.Region != "" && auth.Region != s.opts.Region) {
		return gatewayError("SignatureDoesNotMatch", "credential scope "+auth.Scope()+" does not match the request")
	}
	if !s.signatureOK(r, body, auth, xDate, cred.SecretKey) {
		return gatewayError("SignatureDoesNotMatch", "the request signature we calculated does not match the signature you provided")
	}
	return nil
}

func (s *Server) signatureOK(r *http.Request, body []byte, auth Authorization, xDate, secret string) bool {
	headers := map[string]string{}
	signed := map[string]bool{}
	for _, n := range auth.SignedHeaders {
		signed[n] = true
		if n == "host" {
			headers[n] = canonicalHost(r.Host)
			continue
		}
		v, present := r.Header[http.CanonicalHeaderKey(n)]
		if !present || len(v) == 0 {
			return false
		}
		headers[n] = v[0]
	}
	// These must be covered by the signature whatever the client chose.
	for _, n := range []string{"host", "x-date"} {
		if !signed[n] {
			return false
		}
	}
	if rec := r.Header.Get("X-Security-Token"); rec != "" && !signed["x-security-token"] {
		return false
	}
	payloadHash := HexSHA256(body)
	if h := r.Header.Get("X-Content-Sha256"); h != "" && h != payloadHash {
		return false
	}
	creq := CanonicalRequest(r.Method, r.URL.Path, r.URL.Query(), headers, auth.SignedHeaders, payloadHash)
	key := SigningKey(secret, auth.Date, auth.Region, auth.Service)
	want := Signature(key, StringToSign(xDate, auth.Scope(), creq))
	return want == auth.Signature
}

// canonicalHost drops a default port, keeps any other.
func canonicalHost(h string) string {
	if s, ok := strings.CutSuffix(h, ":80"); ok {
		return s
	}
	if s, ok := strings.CutSuffix(h, ":443"); ok {
		return s
	}
	return h
}

// handleBatchGet serves an authenticated BatchGetConversationParticipant.
func (s *Server) handleBatchGet(body []byte, rec *Request) (any, *apiError) {
	if err := json.Unmarshal(body, &rec.Body); err != nil {
		return nil, s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	b := rec.Body
	conv, aerr := s.conversation(b.AppID, b.ConversationShortID)
	switch {
	case aerr != nil:
		return nil, aerr
	case len(b.ParticipantUserIDs) == 0:
		return nil, s.businessError("InvalidParam", "ParticipantUserIds is empty")
	case s.opts.MaxIDsPerCall > 0 && len(b.ParticipantUserIDs) > s.opts.MaxIDsPerCall:
		return nil, s.businessError("ConversationParticipantsMoreThanLimit",
			fmt.Sprintf("ParticipantUserIds has %d IDs, more than the limit of %d", len(b.ParticipantUserIDs), s.opts.MaxIDsPerCall))
	}
	// Members come back in the conversation's order, not the request's,
	// and non-members are left out.
	var idx []int
	for _, id := range b.ParticipantUserIDs {
		if i, ok := conv.pos[id]; ok {
			idx = append(idx, i)
		}
	}
	sort.Ints(idx)
	found := make([]Participant, 0, len(idx))
	for i, j := range idx {
		if i > 0 && j == idx[i-1] {
			continue // an ID asked for twice is answered once
		}
		found = append(found, conv.participants[j].batchGetView())
	}
	return map[string]any{"Participants": found}, nil
}

// conversation checks an app and conversation ID and finds them.
func (s *Server) conversation(app, conv *int64) (conversation, *apiError) {
	switch {
	case app == nil || *app <= 0 || *app > 1<<31-1:
		return conversation{}, s.businessError("InvalidParam", "AppId is missing or out of range")
	case conv == nil || *conv <= 0:
		return conversation{}, s.businessError("InvalidParam", "ConversationShortId is missing or not positive")
	}
	if !s.apps[*app] {
		return conversation{}, s.businessError("AppNotFound", fmt.Sprintf("app %d not found", *app))
	}
	s.state.RLock()
	c, ok := s.visible(convKey{*app, *conv})
	s.state.RUnlock()
	if !ok {
		return conversation{}, s.businessError("ConversationNotFound", fmt.Sprintf("conversation %d not found", *conv))
	}
	return c, nil
}

type errorBody struct {
	CodeN   int    `json:"CodeN,omitempty"`
	Code    string `json:"Code"`
	Message string `json:"Message"`
}

type metadata struct {
	RequestID string     `json:"RequestId"`
	Action    string     `json:"Action"`
	Version   string     `json:"Version"`
	Service   string     `json:"Service"`
	Region    string     `json:"Region"`
	Error     *errorBody `json:"Error,omitempty"`
}

func (s *Server) respond(w http.ResponseWriter, rec *Request, result any, aerr *apiError) {
	s.mu.Lock()
	s.seq++
	rec.RequestID = fmt.Sprintf("emu-%s-%06d", s.opts.Now().UTC().Format("20060102150405"), s.seq)
	errors200 := s.errors200
	s.mu.Unlock()

	region := rec.SigningRegion
	if region == "" {
		region = s.opts.Region
	}
	out := struct {
		ResponseMetadata metadata `json:"ResponseMetadata"`
		Result           any      `json:"Result,omitempty"`
	}{
		ResponseMetadata: metadata{RequestID: rec.RequestID, Action: rec.Action, Version: rec.Version, Service: service, Region: region},
		Result:           result,
	}
	rec.Status = http.StatusOK
	outcome := outcomeOK
	if aerr != nil {
		out.ResponseMetadata.Error = &errorBody{CodeN: aerr.codeN, Code: aerr.code, Message: aerr.message}
		rec.Code = aerr.code
		if !errors200 {
			rec.Status = aerr.status
		}
		outcome = aerr.outcome
		if aerr.retryAfter != "" {
			w.Header().Set("Retry-After", aerr.retryAfter)
		}
	}
	s.record(rec, outcome)
	if aerr != nil && aerr.cut {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				_ = conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler) // closes the connection without an answer
	}
	if aerr != nil && aerr.rawBody != "" {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(rec.Status)
		_, _ = w.Write([]byte(aerr.rawBody))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rec.Status)
	_ = json.NewEncoder(w).Encode(out)
}

// record keeps rec, counts its outcome and calls OnRequest.
func (s *Server) record(rec *Request, o outcome) {
	s.mu.Lock()
	if !s.opts.NoRecord {
		s.requests = append(s.requests, *rec)
	}
	s.faults.stats.add(o)
	s.mu.Unlock()
	if s.opts.OnRequest != nil {
		s.opts.OnRequest(*rec)
	}
}
