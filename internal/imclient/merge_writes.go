// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
)

// The user writes that merge (see merged): RegisterUsers, BatchUpdateUser
// and UnRegisterUsers of users that fit in one call. A merged call is one
// batch write of every request's users; each request gets the part of its
// result that names its own users. Users whose call got no usable answer
// are Unknown, never sent again: the caller reads them back.

// mergedWrite writes ids (profiles in byID; nil for UnRegisterUsers) in
// the next call of action for app, and returns this request's own result.
func (c *Client) mergedWrite(ctx context.Context, action string, documented int, app int32, ids []int64,
	byID map[int64]UserProfile, register bool) (WriteResult, error) {
	bs := c.batchSizeOf(action, documented)
	r := &mergeReq{ids: ids, arg: byID, keepsTrack: true}
	out, err := c.merged(ctx, action, app, bs.size, r, func(ctx context.Context, reqs []*mergeReq) []*mergeReq {
		all := unionIDs(reqs)
		var res WriteResult
		var err error
		// Hooks belong to one caller's write, not to a merged one.
		ctx = WithWriteHooks(ctx, WriteHooks{})
		if action == ActionUnregisterUsers {
			res, err = c.unregister(ctx, app, all)
		} else {
			profiles := make(map[int64]UserProfile, len(all))
			for _, r := range reqs {
				own, _ := r.arg.(map[int64]UserProfile)
				for id, p := range own {
					profiles[id] = p
				}
			}
			res, err = c.writeProfiles(ctx, action, documented, app, all, profiles, register)
		}
		var again []*mergeReq
		for _, r := range reqs {
			own := res.only(r.ids)
			r.out, r.err = own, ownError(action, r.ids, own, err)
			if refusedWhole(own, r.ids) {
				again = append(again, r)
			}
		}
		return again
	})
	if out == nil { // ctx ended before the request was sent
		return WriteResult{NotSent: append([]int64(nil), ids...)},
			&WriteError{Action: action, Total: len(ids), Result: WriteResult{NotSent: ids}, Err: err}
	}
	res, _ := out.(WriteResult)
	return res, err
}

// only is the part of r that names ids.
func (r WriteResult) only(ids []int64) WriteResult {
	mine := make(map[int64]bool, len(ids))
	for _, id := range ids {
		mine[id] = true
	}
	keep := func(list []int64) []int64 {
		var out []int64
		for _, id := range list {
			if mine[id] {
				out = append(out, id)
			}
		}
		return out
	}
	own := WriteResult{Done: keep(r.Done), Failed: keep(r.Failed), Unknown: keep(r.Unknown), NotSent: keep(r.NotSent)}
	for _, e := range r.Errors {
		if part := keep(e.UserIDs); len(part) > 0 {
			own.Errors = append(own.Errors, BatchError{UserIDs: part, Err: e.Err})
		}
	}
	for id, why := range r.Reasons {
		if mine[id] {
			if own.Reasons == nil {
				own.Reasons = map[int64]FailedInfo{}
			}
			own.Reasons[id] = why
		}
	}
	return own
}

// ownError is a request's error: nil when all its users are done, else a
// WriteError with its own result and the error of its own call (or, when
// it was not sent, the merged write's).
func ownError(action string, ids []int64, own WriteResult, err error) error {
	if len(own.Done) == len(ids) {
		return nil
	}
	var first error
	if len(own.Errors) > 0 {
		first = own.Errors[0].Err
	} else if len(own.NotSent) > 0 {
		var werr *WriteError
		if errors.As(err, &werr) {
			first = werr.Err
		} else {
			first = err
		}
	}
	return &WriteError{Action: action, Total: len(ids), Result: own, Err: first}
}

// refusedWhole reports whether a request's users were not written because
// their call was refused as a whole (an error answer, not FailedInfos, so
// nothing was applied) or not sent after another call failed: sent alone,
// they get their own answer. Unknown users are never sent again.
func refusedWhole(own WriteResult, ids []int64) bool {
	if len(own.Unknown) > 0 || len(own.Done) == len(ids) {
		return false
	}
	byCall := map[int64]bool{}
	for _, e := range own.Errors {
		for _, id := range e.UserIDs {
			byCall[id] = true
		}
	}
	for _, id := range own.Failed {
		if !byCall[id] {
			return false // FailedInfos: the API's answer for this user
		}
	}
	return len(own.Failed) > 0 || len(own.NotSent) > 0
}
