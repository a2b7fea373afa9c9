// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// The batch write actions on members. Each has a budget of its own at the
// documented 50 calls per second (actionQPS) and a batch size of its own
// (batchSizeOf), found as the reads find theirs.
const (
	ActionAddParticipants    = "BatchAddConversationParticipant"
	ActionModifyParticipants = "BatchModifyConversationParticipant"
	ActionRemoveParticipants = "BatchDeleteConversationParticipant"
)

// Member roles as the API numbers them.
const (
	RoleMember int64 = 0
	RoleOwner  int64 = 1
	RoleAdmin  int64 = 2
)

// ParticipantInfo is one member to add or modify. A nil field is not sent.
type ParticipantInfo struct {
	UserID int64
	// Role is RoleMember or RoleAdmin (the API turns an invalid value into
	// RoleMember, and RoleOwner only fits the conversation's owner).
	Role     *int64
	Level    *int32
	NickName *string
	// Ext is sent when not nil; an empty map is sent as {}.
	Ext map[string]string
	// BlockTime (Unix seconds until which the member is muted; 0 unmutes)
	// is for ModifyParticipants only: AddParticipants refuses it.
	BlockTime *int64
}

type participantInfoBody struct {
	ParticipantUserID int64              `json:"ParticipantUserId"`
	Role              *int64             `json:"Role,omitempty"`
	Level             *int32             `json:"Level,omitempty"`
	NickName          *string            `json:"NickName,omitempty"`
	Ext               *map[string]string `json:"Ext,omitempty"`
	BlockTime         *int64             `json:"BlockTime,omitempty"`
}

func (p ParticipantInfo) body() participantInfoBody {
	b := participantInfoBody{ParticipantUserID: p.UserID, Role: p.Role, Level: p.Level, NickName: p.NickName, BlockTime: p.BlockTime}
	if p.Ext != nil {
		ext := p.Ext
		b.Ext = &ext
	}
	return b
}

// ParticipantsInput is a batch add or modify: Participants, each user at
// most once, in one conversation, recorded as done by Operator (the API
// does not check the operator; callers use the owner by default).
type ParticipantsInput struct {
	AppID               int32
	ConversationShortID int64
	Operator            int64
	Participants        []ParticipantInfo
}

// RemoveParticipantsInput names the members to remove, each at most once.
type RemoveParticipantsInput struct {
	AppID               int32
	ConversationShortID int64
	Operator            int64
	UserIDs             []int64
}

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

type participantsBody struct {
	AppID               int32                 `json:"AppId"`
	ConversationShortID int64                 `json:"ConversationShortId"`
	Operator            int64                 `json:"Operator"`
	ParticipantInfos    []participantInfoBody `json:"ParticipantInfos"`
}

type removeParticipantsBody struct {
	AppID               int32   `json:"AppId"`
	ConversationShortID int64   `json:"ConversationShortId"`
	Operator            int64   `json:"Operator"`
	ParticipantUserIDs  []int64 `json:"ParticipantUserIds"`
}

type failedUsersResult struct {
	FailedUserIDs []int64 `json:"FailedUserIds"`
}

// AddParticipants adds members, or overwrites the data of those who
// already are (the API's semantics): repeating an add sets the same data
// again, so transient failures are retried. Batches run several at a time
// within the action's budget; see WriteResult for what the result says.
// The error, a *WriteError, is nil only when every user is Done.
func (c *Client) AddParticipants(ctx context.Context, in ParticipantsInput) (WriteResult, error) {
	for _, p := range in.Participants {
		if p.BlockTime != nil {
			return WriteResult{}, fmt.Errorf("%s: user %d: BlockTime can only be set by ModifyParticipants", ActionAddParticipants, p.UserID)
		}
	}
	return c.writeInfos(ctx, ActionAddParticipants, in)
}

// ModifyParticipants sets fields of members. Setting a field is safe to
// repeat, so transient failures are retried. The API lists users who are
// not members (or left) in FailedUserIds. Batches run several at a time:
// to demote admins before promoting others within the 10-admin cap, make
// two calls.
func (c *Client) ModifyParticipants(ctx context.Context, in ParticipantsInput) (WriteResult, error) {
	return c.writeInfos(ctx, ActionModifyParticipants, in)
}

func (c *Client) writeInfos(ctx context.Context, action string, in ParticipantsInput) (WriteResult, error) {
	ids := make([]int64, len(in.Participants))
	byID := make(map[int64]ParticipantInfo, len(in.Participants))
	for i, p := range in.Participants {
		ids[i] = p.UserID
		byID[p.UserID] = p
	}
	if err := checkWrite(action, in.AppID, in.ConversationShortID, in.Operator, ids); err != nil {
		return WriteResult{}, err
	}
	return c.writeBatched(ctx, action, 0, ids, func(ctx context.Context, part []int64) ([]int64, error) {
		body := participantsBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, Operator: in.Operator,
			ParticipantInfos: make([]participantInfoBody, len(part))}
		for i, id := range part {
			body.ParticipantInfos[i] = byID[id].body()
		}
		var out failedUsersResult
		err := c.call(ctx, action, body, len(part), &out)
		return out.FailedUserIDs, err
	})
}

// RemoveParticipants removes members. Removing is safe to repeat, but the
// repeat of a removal whose answer was lost finds non-members, and what
// the API answers for them is not documented. So the goal is what counts:
// users the API lists in FailedUserIds are looked up
// (BatchGetConversationParticipant), and those who are not current members
// (absent, or Status 1, left) are Done; the others Failed.
func (c *Client) RemoveParticipants(ctx context.Context, in RemoveParticipantsInput) (WriteResult, error) {
	if err := checkWrite(ActionRemoveParticipants, in.AppID, in.ConversationShortID, in.Operator, in.UserIDs); err != nil {
		return WriteResult{}, err
	}
	return c.writeBatched(ctx, ActionRemoveParticipants, 0, in.UserIDs, func(ctx context.Context, part []int64) ([]int64, error) {
		body := removeParticipantsBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, Operator: in.Operator,
			ParticipantUserIDs: part}
		var out failedUsersResult
		if err := c.call(ctx, ActionRemoveParticipants, body, len(part), &out); err != nil {
			return nil, err
		}
		failed, err := foreign(ActionRemoveParticipants, part, out.FailedUserIDs)
		if err != nil || len(failed) == 0 {
			return failed, err
		}
		members, err := c.BatchGetConversationParticipant(ctx, BatchGetParticipantsInput{
			AppID: in.AppID, ConversationShortID: in.ConversationShortID, UserIDs: failed})
		if err != nil {
			return nil, &verifyError{UserIDs: failed, Err: err}
		}
		still := map[int64]bool{}
		for _, m := range members {
			if m.ParticipantUserID != nil && (m.Status == nil || *m.Status != 1) {
				still[*m.ParticipantUserID] = true
			}
		}
		return slices.DeleteFunc(failed, func(id int64) bool { return !still[id] }), nil
	})
}

// verifyError is a removal whose answer listed FailedUserIds that could
// not be looked up: the removal was answered, but for those users the
// outcome is unknown.
type verifyError struct {
	UserIDs []int64
	Err     error
}

func (e *verifyError) Error() string {
	return "the API listed users in FailedUserIds, and reading them back to see whether they are still members failed: " + e.Err.Error()
}

func (e *verifyError) Unwrap() error { return e.Err }

func checkWrite(action string, appID int32, conversationShortID, operator int64, ids []int64) error {
	if err := checkConversation(action, appID, conversationShortID); err != nil {
		return err
	}
	if operator <= 0 {
		return fmt.Errorf("%s: operator user ID %d is not positive", action, operator)
	}
	seen := make(map[int64]bool, len(ids))
	for _, id := range ids {
		switch {
		case id <= 0:
			return fmt.Errorf("%s: user ID %d is not positive", action, id)
		case seen[id]:
			return fmt.Errorf("%s: user %d is listed twice", action, id)
		}
		seen[id] = true
	}
	return nil
}

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

	mu sync.Mutex
	// size is this write's batch size: lowered when a shorter call
	// succeeded after a refusal, and given to bs at the end unless a call
	// of one user was refused the same way (the conversation is full, so
	// the refusals said nothing about the size).
	size     int
	best     int // the longest call answered
	full     bool
	outcomes map[int64]outcome
	errs     []BatchError
	firstErr error
	stopped  bool
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
// split in halves, and the size is lowered once a shorter call has
// succeeded. The API's code for a call too long is also its code for a
// conversation that is full: when a call of one user is refused with it,
// the refusals said nothing about the size, and the client's batch size
// is left as it was.
func (c *Client) writeBatched(ctx context.Context, action string, documented int, ids []int64,
	send func(context.Context, []int64) ([]int64, error)) (WriteResult, error) {
	bs := c.batchSizeOf(action, documented)
	w := &writeRun{action: action, bs: bs, size: bs.size(), send: send, outcomes: make(map[int64]outcome, len(ids))}
	defer w.commit()
	sendCtx := withStop(context.WithoutCancel(ctx), ctx)
	rest := ids
	if size := w.sizeNow(); !bs.isConfirmed() && len(ids) > size {
		// The first call goes alone, so the others start with the size it found.
		w.run(tflog.SetField(sendCtx, "batch", 0), ctx, ids[:size])
		rest = ids[size:]
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
			w.run(bctx, ctx, part)
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
	return w.size
}

// lower records that n IDs were refused as too long and a call of next
// then succeeded.
func (w *writeRun) lower(n, next int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if next < w.size && n <= w.size {
		w.size = next
	}
}

// commit tells the client's batch size what this write learned.
func (w *writeRun) commit() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.full {
		return
	}
	if cur := w.bs.size(); w.size < cur {
		w.bs.refused(cur, w.size)
	}
	if w.best > 0 {
		w.bs.worked(w.best)
	}
}

func (w *writeRun) halted(ctx context.Context) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stopped || ctx.Err() != nil
}

// run sends part (splitting it when the API refuses it as too long) and
// records what became of each ID; it reports whether every call was
// answered.
func (w *writeRun) run(ctx, stop context.Context, part []int64) bool {
	if size := w.sizeNow(); len(part) > size {
		for _, p := range split(part, size) {
			if !w.run(ctx, stop, p) {
				return false
			}
		}
		return true
	}
	if w.halted(stop) {
		return false
	}
	failedIDs, err := w.send(ctx, part)
	if err == nil {
		failedIDs, err = foreign(w.action, part, failedIDs)
	}
	var apiErr *APIError
	if err != nil && errors.As(err, &apiErr) && apiErr.TooManyIDs() && len(part) > 1 && !apiErr.Unreadable {
		half := (len(part) + 1) / 2
		tflog.Warn(ctx, "the API refused a batch as too long; splitting it", map[string]any{
			"batch_size": len(part), "next_size": half, "code": apiErr.Code,
		})
		if !w.run(ctx, stop, part[:half]) {
			return false
		}
		// A shorter call was answered: the size was the problem.
		w.lower(len(part), half)
		return w.run(ctx, stop, part[half:])
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err == nil {
		w.best = max(w.best, len(part))
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
		return true
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
		return true
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
	return false
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
