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

// Independent adaptive clients share one budget without collapse: most
// calls succeed and the budget is mostly used. The figures go to
// DESIGN.md; the bounds here are loose on purpose (the simulation is
// deterministic: they guard against a change that breaks adaptation).
func TestSimulation(t *testing.T) {
	t.Log("clients | external/s | calls | throttled | share | OK/s | of the budget left")
	for _, tc := range []struct {
		clients  int
		external float64
	}{{1, 0}, {2, 0}, {4, 0}, {8, 0}, {1, 40}, {2, 40}} {
		r := simulate(tc.clients, 8, tc.external, 5*time.Minute)
		share := float64(r.throttled) / float64(r.calls)
		used := r.okPerSecond / (100 - tc.external)
		t.Logf("%7d | %10.0f | %5d | %9d | %4.1f%% | %4.1f | %5.1f%%", tc.clients, tc.external, r.calls, r.throttled, 100*share,
			r.okPerSecond, 100*used)
		if share > 0.5 || used < 0.5 {
			t.Errorf("%d clients, %v external: %s", tc.clients, tc.external, fmt.Sprint(r))
		}
		if tc.clients == 1 && tc.external == 0 && r.throttled != 0 {
			t.Errorf("one client alone was throttled %d times", r.throttled)
		}
	}
}
