// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"math"
	"math/rand"
	"net/http"
	"sort"
	"time"
)

// Fault is a scripted failure answered instead of the real response.
type Fault struct {
	Status     int
	Code       string
	CodeN      int
	Message    string
	RetryAfter string // Retry-After header value, if any
	// RawBody, when set, is sent as text/html instead of a JSON body.
	RawBody string
}

// Common faults.
var (
	FaultThrottled   = Fault{Status: http.StatusTooManyRequests, Code: "FlowLimitExceeded", Message: "request rate exceeds the limit"}
	FaultUnavailable = Fault{Status: http.StatusServiceUnavailable, Code: "ServiceUnavailable", Message: "service temporarily unavailable"}
	FaultBadGateway  = Fault{Status: http.StatusBadGateway, RawBody: "<html><body><h1>502 Bad Gateway</h1></body></html>"}
)

// Stats counts answered requests by outcome.
type Stats struct {
	Total     int
	OK        int
	Throttled int // 429 FlowLimitExceeded from the rate limit
	Faults    int // scripted or random faults
	Rejected  int // every other error answer
	Canceled  int // the client went away before the answer
}

type outcome int

const (
	outcomeOK outcome = iota
	outcomeThrottled
	outcomeFault
	outcomeRejected
	outcomeCanceled
)

func (st *Stats) add(o outcome) {
	st.Total++
	switch o {
	case outcomeOK:
		st.OK++
	case outcomeThrottled:
		st.Throttled++
	case outcomeFault:
		st.Faults++
	case outcomeRejected:
		st.Rejected++
	case outcomeCanceled:
		st.Canceled++
	}
}

type faultState struct {
	rng      *rand.Rand
	script   []Fault
	always   *Fault
	byAction map[string]*Fault
	arrivals map[string][]time.Time // per access key and action, within the window
	taken    map[string]float64     // calls per second of a client nobody sees, per key and action
	stats    Stats
}

func (f *faultState) init(seed int64) {
	f.rng = rand.New(rand.NewSource(seed))
	f.arrivals = map[string][]time.Time{}
}

// FailNext makes the next n authenticated requests fail with fault.
func (s *Server) FailNext(n int, fault Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.faults.script = append(s.faults.script, fault)
	}
}

// SetFault makes every later authenticated request fail with fault, after
// any scripted ones; nil stops it.
func (s *Server) SetFault(fault *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.always = fault
}

// FailAction makes every later call of action fail with fault, after any
// scripted ones; nil stops it.
func (s *Server) FailAction(action string, fault *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.byAction == nil {
		s.faults.byAction = map[string]*Fault{}
	}
	s.faults.byAction[action] = fault
}

// TakeBudget makes a client the provider cannot see call action with
// accessKey perSecond times a second, evenly: its calls count in the rate
// window like any other, but are not answered or recorded. Zero stops it.
func (s *Server) TakeBudget(accessKey, action string, perSecond float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.taken == nil {
		s.faults.taken = map[string]float64{}
	}
	s.faults.taken[accessKey+" "+action] = perSecond
}

// others counts the invisible client's calls in the window ending at
// arrival: one every 1/perSecond seconds since the Unix epoch.
func (f *faultState) others(key string, arrival time.Time, window time.Duration) int {
	p := f.taken[key]
	if p <= 0 {
		return 0
	}
	at := func(t time.Time) int64 { return int64(math.Floor(float64(t.UnixNano()) / 1e9 * p)) }
	return int(at(arrival) - at(arrival.Add(-window)))
}

// Stats returns the counts so far.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults.stats
}

// admit applies the per-key sliding-window rate limit, then scripted and
// random faults, to an authenticated request. The window counts requests
// by arrival, as a gateway does, even when handlers run out of order.
func (s *Server) admit(accessKey, action string, arrival time.Time) *apiError {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.RateLimit > 0 {
		// The API counts per account and action.
		key := accessKey + " " + action
		recent := s.faults.arrivals[key] // sorted
		// Forget what no window can reach any more.
		old := sort.Search(len(recent), func(i int) bool { return recent[i].After(arrival.Add(-2 * s.opts.RateWindow)) })
		recent = recent[old:]
		from := sort.Search(len(recent), func(i int) bool { return recent[i].After(arrival.Add(-s.opts.RateWindow)) })
		to := sort.Search(len(recent), func(i int) bool { return recent[i].After(arrival) })
		limit := s.rateLimit(action)
		if to-from+s.faults.others(key, arrival, s.opts.RateWindow) >= limit {
			s.faults.arrivals[key] = recent
			return &apiError{status: http.StatusTooManyRequests, code: "FlowLimitExceeded", retryAfter: "1", outcome: outcomeThrottled,
				message: fmt.Sprintf("more than %d requests in %s for this access key", limit, s.opts.RateWindow)}
		}
		recent = append(recent, time.Time{})
		copy(recent[to+1:], recent[to:])
		recent[to] = arrival
		s.faults.arrivals[key] = recent
	}
	if len(s.faults.script) > 0 {
		f := s.faults.script[0]
		s.faults.script = s.faults.script[1:]
		return f.apiError()
	}
	if s.faults.always != nil {
		return s.faults.always.apiError()
	}
	if f := s.faults.byAction[action]; f != nil {
		return f.apiError()
	}
	if s.opts.FaultRate > 0 && s.faults.rng.Float64() < s.opts.FaultRate {
		return FaultUnavailable.apiError()
	}
	return nil
}

func (f Fault) apiError() *apiError {
	return &apiError{status: f.Status, code: f.Code, codeN: f.CodeN, message: f.Message,
		retryAfter: f.RetryAfter, rawBody: f.RawBody, outcome: outcomeFault}
}
