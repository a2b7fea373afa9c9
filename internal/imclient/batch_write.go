// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The batch-write engine: one write of many user IDs, sent in calls of
// the action's batch size, several at a time within the action's budget,
// that accounts for every ID (done, failed, unknown, not sent). Each write
// action gives it one function that makes one call and returns the IDs the
// API listed as failed; see writeBatched.

// WriteResult says, for every user ID of a batch write, what became of it:
// each ID is in exactly one list, and each list keeps the input's order.
type WriteResult struct {
	// Done: the API applied the change (for a removal: the user is not a
	// member afterwards).
	Done []int64
	// Failed: the API said the change was not made: the ID was in the
	// call's FailedUserIds, or the API refused the call with an error.
	Failed []int64
	// Unknown: the call got no usable answer (no answer, a 5xx after the
	// retries, an unreadable answer, interrupted while in flight), so the
	// change may or may not have been made: read the members back.
	Unknown []int64
	// NotSent: never sent, because an earlier call failed or ctx ended.
	NotSent []int64
	// Errors holds each call that did not succeed, with the IDs it carried.
	Errors []BatchError
	// Reasons holds, for the Failed IDs of an action whose answer says why
	// (FailedInfos of the user writes), the API's code and message.
	Reasons map[int64]FailedInfo
}

// BatchError is one call of a batch write that did not succeed.
type BatchError struct {
	UserIDs []int64
	Err     error
}

// WriteError is the error of a batch write that did not do everything:
// Result says which IDs are in which state, Err is the first call's error
// (or ctx's), nil when the only failures were FailedUserIds.
type WriteError struct {
	Action string
	Total  int
	Result WriteResult
	Err    error
}

func (e *WriteError) Unwrap() error { return e.Err }

func (e *WriteError) Error() string {
	var b strings.Builder
	r := e.Result
	fmt.Fprintf(&b, "%s: %d of %d users not done", e.Action, e.Total-len(r.Done), e.Total)
	part := func(what string, ids []int64) {
		if len(ids) > 0 {
			fmt.Fprintf(&b, "; %s: %s", what, idList(ids, 20))
		}
	}
	if len(r.Reasons) > 0 {
		for _, id := range r.Failed[:min(len(r.Failed), 20)] {
			if why, ok := r.Reasons[id]; ok {
				fmt.Fprintf(&b, "; user %d failed: %s", id, why)
			}
		}
	}
	part("failed", r.Failed)
	part("unknown (the call got no usable answer; it may have been applied)", r.Unknown)
	part("not sent", r.NotSent)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	} else if len(r.Failed) > 0 && len(r.Reasons) == 0 {
		b.WriteString(": the API listed them in FailedUserIds without a reason")
	}
	return b.String()
}

// idList writes at most n IDs, then how many more there are.
func idList(ids []int64, n int) string {
	parts := make([]string, 0, min(len(ids), n))
	for _, id := range ids[:min(len(ids), n)] {
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	s := strings.Join(parts, ", ")
	if len(ids) > n {
		s += fmt.Sprintf(" and %d more", len(ids)-n)
	}
	return s
}

// verifyError is a call that was answered but whose outcome for UserIDs
// could not be checked (a removal's FailedUserIds that could not be read
// back): the others of the call are done, those are unknown.
type verifyError struct {
	UserIDs []int64
	Err     error
}

func (e *verifyError) Error() string {
	return "the API listed users in FailedUserIds, and reading them back to see whether they are still members failed: " + e.Err.Error()
}

func (e *verifyError) Unwrap() error { return e.Err }

// foreign checks an answer's FailedUserIds against the IDs the call sent:
// an ID it did not send is a contradiction, and the answer is unreadable
// (its other IDs are not trusted either). Repeats are dropped.
func foreign(action string, sent, failed []int64) ([]int64, error) {
	if len(failed) == 0 {
		return nil, nil
	}
	asked := make(map[int64]bool, len(sent))
	for _, id := range sent {
		asked[id] = true
	}
	out := make([]int64, 0, len(failed))
	seen := map[int64]bool{}
	for _, id := range failed {
		if !asked[id] {
			return nil, &APIError{Action: action, HTTPStatus: 200, Unreadable: true, Envelope: true,
				Message: fmt.Sprintf("FailedUserIds names user %d, whom this call did not send", id)}
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

type outcome int

const (
	notSent outcome = iota
	done
	failed
	unknown
)

// writeRun is one batch write in progress.
type writeRun struct {
	action string
	bs     *batchSize
	send   func(context.Context, []int64) ([]int64, error)
	// answered, when set, is told the IDs of each call once it has its
	// answer, whatever it was (see WriteHooks).
	answered func([]int64)

	mu sync.Mutex
	// search is this write's batch size, searched when the API refuses a
	// call as too long, and given to bs at the end unless a call of one
	// user was refused the same way (the conversation is full, so the
	// refusals said nothing about the size).
	search    sizeSearch
	confirmed bool // a call of the search's size worked and the search is over
	best      int  // the longest call answered
	full      bool
	outcomes  map[int64]outcome
	errs      []BatchError
	firstErr  error
	stopped   bool
}

// WriteHooks are told what a batch write does while it runs.
type WriteHooks struct {
	// Answered is called with the user IDs of each call once the call has
	// its answer (done, failed, or an error after its retries), from the
	// goroutine that made it: a caller can read those users back while
	// the write goes on, instead of after it.
	Answered func(userIDs []int64)
}

type hooksKey struct{}

// WithWriteHooks returns ctx carrying hooks for the batch writes made on it.
func WithWriteHooks(ctx context.Context, hooks WriteHooks) context.Context {
	return context.WithValue(ctx, hooksKey{}, hooks)
}

func hooksOf(ctx context.Context) WriteHooks {
	h, _ := ctx.Value(hooksKey{}).(WriteHooks)
	return h
}

// writeBatched sends ids in calls of at most the action's batch size,
// several at a time within the client's concurrency and the action's
// budget, and accounts for every ID (see WriteResult). send makes one call
// and returns the IDs of that call the API says failed. documented is the
// action's documented cap per call (0 when it has none; see batchSizeOf).
//
// Sent calls run on a context that Ctrl-C does not cancel (withStop): ctx
// ending stops new calls and retries, and the calls in flight get their
// answers, so what they did is known. The first call that fails (after
// its retries) stops new calls too. A call the API refuses as too long is
// sent again in shorter calls while the largest size the API takes is
// searched for (sizeSearch), one call at a time until it is found. The
// API's code for a call too long is also its code for a conversation that
// is full: when a call of one user is refused with it, the refusals said
// nothing about the size, and the client's batch size is left as it was.
func (c *Client) writeBatched(ctx context.Context, action string, documented int, ids []int64,
	send func(context.Context, []int64) ([]int64, error)) (WriteResult, error) {
	bs := c.batchSizeOf(action, documented)
	bs.mu.Lock()
	w := &writeRun{action: action, bs: bs, send: send, answered: hooksOf(ctx).Answered,
		search: bs.search, confirmed: bs.confirmed, outcomes: make(map[int64]outcome, len(ids))}
	bs.mu.Unlock()
	defer w.commit()
	sendCtx := withStop(context.WithoutCancel(ctx), ctx)
	rest := ids
	// Until the size is known, calls go one at a time, so that the others
	// start with the size found.
	if !w.known() {
		rest = w.run(tflog.SetField(sendCtx, "batch", 0), ctx, ids, true)
	}
	var wg sync.WaitGroup
	slots := make(chan struct{}, c.concurrency)
	for i, part := range split(rest, w.sizeNow()) {
		if w.halted(ctx) {
			break
		}
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if w.halted(ctx) {
			break
		}
		wg.Add(1)
		bctx := tflog.SetField(sendCtx, "batch", i+1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			w.run(bctx, ctx, part, false)
		}()
	}
	wg.Wait()
	res := w.result(ids)
	if err := w.firstErr; err == nil && ctx.Err() != nil && len(res.NotSent) > 0 {
		w.firstErr = ctx.Err()
	}
	if len(res.Done) == len(ids) {
		return res, nil
	}
	return res, &WriteError{Action: action, Total: len(ids), Result: res, Err: w.firstErr}
}

func (w *writeRun) sizeNow() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.search.cur
}

func (w *writeRun) known() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.confirmed
}

// refusedSize records that a call of n IDs was refused as too long and
// returns the size to send them again in.
func (w *writeRun) refusedSize(n int) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.search.refused(n) {
		w.confirmed = false
	}
	return shorter(n, w.search.cur)
}

// commit tells the client's batch size what this write learned.
func (w *writeRun) commit() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.full {
		w.bs.learned(w.search, w.best)
	}
}

func (w *writeRun) halted(ctx context.Context) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stopped || ctx.Err() != nil
}

// run sends ids in calls of the write's size, one at a time, and records
// what became of each ID. With untilKnown it stops once the size is known
// and returns the IDs it did not send (all that were left when the write
// stopped).
func (w *writeRun) run(ctx, stop context.Context, ids []int64, untilKnown bool) (rest []int64) {
	limit := 0 // after a refusal, below the refused call even when another call moved the size
	for len(ids) > 0 && (!untilKnown || !w.known()) {
		n := min(len(ids), w.sizeNow())
		if limit > 0 {
			n = min(n, limit)
		}
		switch w.call(ctx, stop, ids[:n]) {
		case callRefused:
			limit = shorter(n, w.sizeNow())
			continue
		case callStopped:
			return ids
		}
		limit = 0
		ids = ids[n:]
	}
	return ids
}

type callResult int

const (
	callAnswered callResult = iota
	callRefused             // as too long: send the IDs again in shorter calls
	callStopped             // not sent, or failed: the write stops
)

// call sends part in one call and records what became of each ID.
func (w *writeRun) call(ctx, stop context.Context, part []int64) callResult {
	if w.halted(stop) {
		return callStopped
	}
	failedIDs, err := w.send(ctx, part)
	if err == nil {
		failedIDs, err = foreign(w.action, part, failedIDs)
	}
	var apiErr *APIError
	if err != nil && errors.As(err, &apiErr) && apiErr.TooManyIDs() && len(part) > 1 && !apiErr.Unreadable {
		next := w.refusedSize(len(part))
		tflog.Warn(ctx, "the API refused a batch as too long; splitting it", map[string]any{
			"batch_size": len(part), "next_size": next, "code": apiErr.Code,
		})
		return callRefused
	}
	if w.answered != nil {
		w.answered(part)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		w.best = max(w.best, len(part))
		w.search.worked(len(part))
		if len(part) >= w.search.cur && w.search.settled() {
			w.confirmed = true
		}
		isFailed := make(map[int64]bool, len(failedIDs))
		for _, id := range failedIDs {
			isFailed[id] = true
			w.outcomes[id] = failed
		}
		for _, id := range part {
			if !isFailed[id] {
				w.outcomes[id] = done
			}
		}
		return callAnswered
	}
	var verr *verifyError
	if errors.As(err, &verr) {
		// The removal was answered; only the users it listed are unknown.
		unsure := make(map[int64]bool, len(verr.UserIDs))
		for _, id := range verr.UserIDs {
			unsure[id] = true
			w.outcomes[id] = unknown
		}
		for _, id := range part {
			if !unsure[id] {
				w.outcomes[id] = done
			}
		}
		w.errs = append(w.errs, BatchError{UserIDs: append([]int64(nil), verr.UserIDs...), Err: err})
		if w.firstErr == nil {
			w.firstErr = err
		}
		return callAnswered
	}
	if apiErr != nil && apiErr.TooManyIDs() && len(part) == 1 {
		w.full = true
	}
	// Refused on its only attempt: nothing was applied. After a retry, an
	// earlier attempt may have been applied whatever the last answer says.
	o := unknown
	if errors.As(err, &apiErr) && !apiErr.Unreadable && apiErr.HTTPStatus/100 != 5 && apiErr.Attempts <= 1 {
		o = failed
	}
	for _, id := range part {
		w.outcomes[id] = o
	}
	if apiErr != nil {
		apiErr.BatchSize = len(part)
	}
	w.errs = append(w.errs, BatchError{UserIDs: append([]int64(nil), part...), Err: err})
	if w.firstErr == nil {
		w.firstErr = err
	}
	w.stopped = true
	return callStopped
}

// result sorts every ID into its list, in the order of ids.
func (w *writeRun) result(ids []int64) WriteResult {
	w.mu.Lock()
	defer w.mu.Unlock()
	var r WriteResult
	for _, id := range ids {
		switch w.outcomes[id] {
		case done:
			r.Done = append(r.Done, id)
		case failed:
			r.Failed = append(r.Failed, id)
		case unknown:
			r.Unknown = append(r.Unknown, id)
		default:
			r.NotSent = append(r.NotSent, id)
		}
	}
	r.Errors = append([]BatchError(nil), w.errs...)
	return r
}
