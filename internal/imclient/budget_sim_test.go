// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"container/heap"
	"fmt"
	"testing"
	"time"
)

// A simulation, on a fake clock, of clients that cannot see each other
// (CI runners on one key, on different machines): each has its own
// adaptive budget of max_qps 100 and keeps calling as fast as it allows,
// against an API that admits 100 calls in any one-second window, counted
// by arrival, and answers after latency; a throttled call waits its
// Retry-After of one second and goes back to its budget. DESIGN.md has
// the table this prints (go test ./internal/imclient -run TestSimulation -v).

type simEvent struct {
	at     time.Time
	client int
	kind   int // simFree: a worker is free; simArrive: a call reaches the API
	ok     bool
}

const (
	simFree = iota
	simArrive
	simAnswer
)

type simQueue []simEvent

func (q simQueue) Len() int           { return len(q) }
func (q simQueue) Less(i, j int) bool { return q[i].at.Before(q[j].at) }
func (q simQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *simQueue) Push(x any)        { *q = append(*q, x.(simEvent)) } //nolint:forcetypeassert // only simEvents are pushed
func (q *simQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

type simResult struct {
	calls, throttled, ok int
	okPerSecond          float64
}

// simulate runs clients of workers each for d, with external calls per
// second taken by a client outside the simulation.
func simulate(clients, workers int, external float64, d time.Duration) simResult {
	const latency = 50 * time.Millisecond
	start := time.Unix(1_000_000, 0)
	end := start.Add(d)
	states := make([]budgetState, clients)
	var arrivals []time.Time // admitted, ascending
	admit := func(at time.Time) bool {
		for len(arrivals) > 0 && !arrivals[0].After(at.Add(-time.Second)) {
			arrivals = arrivals[1:]
		}
		if len(arrivals) >= 100 {
			return false
		}
		arrivals = append(arrivals, at)
		return true
	}
	q := &simQueue{}
	for c := 0; c < clients; c++ {
		for w := 0; w < workers; w++ {
			heap.Push(q, simEvent{at: start, client: c, kind: simFree})
		}
	}
	if external > 0 {
		heap.Push(q, simEvent{at: start, client: -1, kind: simArrive})
	}
	var r simResult
	for q.Len() > 0 {
		e := heap.Pop(q).(simEvent) //nolint:forcetypeassert // only simEvents are pushed
		if e.at.After(end) {
			break
		}
		switch {
		case e.client < 0: // the client outside: steady arrivals
			admit(e.at)
			heap.Push(q, simEvent{at: e.at.Add(time.Duration(float64(time.Second) / external)), client: -1, kind: simArrive})
		case e.kind == simFree:
			at := states[e.client].reserve(e.at, 100)
			heap.Push(q, simEvent{at: at.Add(latency / 2), client: e.client, kind: simArrive})
		case e.kind == simArrive:
			r.calls++
			heap.Push(q, simEvent{at: e.at.Add(latency / 2), client: e.client, kind: simAnswer, ok: admit(e.at)})
		default:
			next := e.at
			if e.ok {
				r.ok++
			} else {
				r.throttled++
				states[e.client].throttled(e.at, 100)
				next = next.Add(time.Second) // Retry-After
			}
			heap.Push(q, simEvent{at: next, client: e.client, kind: simFree})
		}
	}
	r.okPerSecond = float64(r.ok) / d.Seconds()
	return r
}

// Independent adaptive clients share one budget without collapse. The
// simulation is deterministic, and DESIGN.md publishes its table: each
// row must be what the code does, to the table's one decimal, so a change
// to the adaptation changes the table or fails here.
func TestSimulation(t *testing.T) {
	t.Log("clients | external/s | calls | throttled | share | OK/s | of the budget left")
	for _, tc := range []struct {
		clients  int
		external float64
		// As DESIGN.md publishes them: throttled share and OK calls per
		// second, in percent and calls.
		throttled, okPerSecond float64
	}{{1, 0, 0.0, 98.0}, {2, 0, 0.7, 88.9}, {4, 0, 1.5, 92.2}, {8, 0, 5.8, 94.4}, {1, 40, 0.6, 53.4}, {2, 40, 1.3, 54.8}} {
		r := simulate(tc.clients, 8, tc.external, 5*time.Minute)
		share := 100 * float64(r.throttled) / float64(r.calls)
		used := r.okPerSecond / (100 - tc.external)
		t.Logf("%7d | %10.0f | %5d | %9d | %4.1f%% | %4.1f | %5.1f%%", tc.clients, tc.external, r.calls, r.throttled, share,
			r.okPerSecond, 100*used)
		if fmt.Sprintf("%.1f %.1f", share, r.okPerSecond) != fmt.Sprintf("%.1f %.1f", tc.throttled, tc.okPerSecond) {
			t.Errorf("%d clients, %v/s taken: %.1f%% throttled and %.1f OK/s, DESIGN.md publishes %.1f%% and %.1f",
				tc.clients, tc.external, share, r.okPerSecond, tc.throttled, tc.okPerSecond)
		}
		if tc.clients == 1 && tc.external == 0 && r.throttled != 0 {
			t.Errorf("one client alone was throttled %d times", r.throttled)
		}
	}
}
