// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// checkOwnerNotListed refuses members that list the group's owner.
func checkOwnerNotListed(group *imclient.Conversation, members map[int64]memberModel, diags *diag.Diagnostics) {
	if group.OwnerUserID == nil {
		return
	}
	owner := *group.OwnerUserID
	if _, ok := members[owner]; ok {
		diags.AddAttributeError(memberPath(owner), "The owner is not listed in members",
			fmt.Sprintf("User %d owns conversation %d. The owner is in the group by owning it: ownership belongs to "+
				"volcrtc_conversation's owner_user_id, and members lists everyone else. Remove %q from members.",
				owner, *group.ConversationShortID, userIDKey(owner)))
	}
}

// Writing members. A write never loses track: every change goes in
// calls of the client's batch writes (which account for every user ID:
// done, failed, unknown or not sent), then every user ID the diff touched
// is read back, and the state records what the API has, not what was
// asked. Where that differs from the plan, the apply fails saying who and
// why, so the next plan shows only what is still to do.

// memberTarget is one conversation whose members are written.
type memberTarget struct {
	client   *imclient.Client
	app      int32
	conv     int64
	operator int64
	owner    int64
	// single is true for volcrtc_conversation_member: its fields are
	// attributes of its own, not members["ID"].
	single bool
}

// resourceType names the resource in messages.
func (t memberTarget) resourceType() string {
	if t.single {
		return "volcrtc_conversation_member"
	}
	return "volcrtc_conversation_members"
}

// where is the attribute path of one member: its fields are below it.
func (t memberTarget) where(id int64) path.Path {
	if t.single {
		return path.Empty()
	}
	return memberPath(id)
}

// field is the path of one field of a member.
func (t memberTarget) field(id int64, name string) path.Path {
	if t.single {
		return path.Root(name)
	}
	return memberPath(id).AtName(name)
}

// addError adds an error on p, or on the resource when p is empty.
func addError(diags *diag.Diagnostics, p path.Path, summary, detail string) {
	if p.Equal(path.Empty()) {
		diags.AddError(summary, detail)
		return
	}
	diags.AddAttributeError(p, summary, detail)
}

// newTarget is where a member resource writes, recorded as done by the
// configured operator or else the group's owner.
func newTarget(client *imclient.Client, app int32, conv int64, operator types.Number, group *imclient.Conversation) memberTarget {
	t := memberTarget{client: client, app: app, conv: conv}
	if group != nil {
		t.owner = ownerOf(group)
	}
	t.operator = numberOr(operator, t.owner)
	return t
}

// readBack reads the given users: the current members among them, the
// owner aside. It runs even when ctx was interrupted, because the state
// must say what the writes before the interrupt did.
func (t memberTarget) readBack(ctx context.Context, ids []int64) (map[int64]memberFields, error) {
	out := map[int64]memberFields{}
	if len(ids) == 0 {
		return out, nil
	}
	found, err := t.client.BatchGetConversationParticipant(context.WithoutCancel(ctx),
		imclient.BatchGetParticipantsInput{AppID: t.app, ConversationShortID: t.conv, UserIDs: ids})
	if err != nil {
		return nil, err
	}
	byID, _ := indexParticipants(imclient.BatchGetParticipantsInput{AppID: t.app, ConversationShortID: t.conv, UserIDs: ids}, found)
	for id, p := range byID {
		if isCurrent(p) && id != t.owner {
			out[id] = fieldsFromAPI(p)
		}
	}
	return out, nil
}

// readBackShown is the read-back of the touched users (early reads, and
// readBack of the rest), read again while the
// API still shows a change it answered as done as it was before (a read
// that lags the write); the changes it still does not show after that
// are taken as answered, and returned.
func (t memberTarget) readBackShown(ctx context.Context, touched []int64, early *earlyReads, had, want map[int64]memberFields,
	outcomes map[int64]outcome) (map[int64]memberFields, []int64, error) {
	got, err := t.readBackAfter(ctx, touched, early)
	if err != nil {
		return nil, nil, err
	}
	notShown := func() []int64 {
		var ids []int64
		for _, id := range touched {
			if outcomes[id].status == "done" && showsBefore(id, had, got) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	lagging := notShown()
	if len(lagging) == 0 {
		return got, nil, nil
	}
	_, err = awaitShown(ctx, t.client.Clock(), func() (bool, error) {
		again, err := t.readBack(ctx, lagging)
		if err != nil {
			return false, err
		}
		for _, id := range lagging {
			delete(got, id)
			if f, ok := again[id]; ok {
				got[id] = f
			}
		}
		lagging = notShown()
		return len(lagging) == 0, nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, id := range lagging {
		delete(got, id)
		if f, ok := want[id]; ok {
			got[id] = f
		}
	}
	return got, lagging, nil
}

// showsBefore reports whether a member reads as they were before the
// writes: still absent, still present, or with the same fields.
func showsBefore(id int64, had, got map[int64]memberFields) bool {
	h, before := had[id]
	g, now := got[id]
	return before == now && (!now || h.equal(g))
}

// warnLagging names the changes the API answered as done but does not
// show yet, which the state records as answered.
func warnLagging(ids []int64, want map[int64]memberFields, diags *diag.Diagnostics) {
	if len(ids) == 0 {
		return
	}
	var removed, changed []int64
	for _, id := range ids {
		if _, wanted := want[id]; wanted {
			changed = append(changed, id)
		} else {
			removed = append(removed, id)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "The API answered that these member changes were made, but after reading them again for %s it still "+
		"lists the members as they were before:", readLagPatience)
	if len(changed) > 0 {
		fmt.Fprintf(&b, "\n- added or changed, not listed yet as planned: %s", idList(changed))
	}
	if len(removed) > 0 {
		fmt.Fprintf(&b, "\n- still listed after their removal: %s", idList(removed))
	}
	b.WriteString("\n\nReads of the API can lag its writes. The state records these changes as the API answered them; the " +
		"next plan reads the members again and shows any change still to make.")
	diags.AddWarning("The API does not show every member change yet", b.String())
}

// infoOf is what an add or a modify sends for a member: every field, so
// that the API holds exactly the planned values ("" and 0 clear a field).
func infoOf(c memberChange) imclient.ParticipantInfo {
	role, level, nick := c.Fields.Role, int32(c.Fields.Level), c.Fields.NickName
	ext := c.Fields.Ext
	if ext == nil {
		ext = map[string]string{}
	}
	return imclient.ParticipantInfo{UserID: c.UserID, Role: &role, Level: &level, NickName: &nick, Ext: ext}
}

// step is one batch write of a diff.
type step struct {
	verb    string // what it does to a member, for messages: "add", "change", "remove"
	action  string
	changes []memberChange
	remove  []int64
}

func (s step) ids() []int64 {
	if s.remove != nil {
		return s.remove
	}
	ids := make([]int64, len(s.changes))
	for i, c := range s.changes {
		ids[i] = c.UserID
	}
	return ids
}

// run sends the step; the result accounts for each of its IDs.
func (t memberTarget) run(ctx context.Context, s step) (imclient.WriteResult, error) {
	if s.remove != nil {
		return t.client.RemoveParticipants(ctx, imclient.RemoveParticipantsInput{AppID: t.app, ConversationShortID: t.conv,
			Operator: t.operator, UserIDs: s.remove})
	}
	in := imclient.ParticipantsInput{AppID: t.app, ConversationShortID: t.conv, Operator: t.operator,
		Participants: make([]imclient.ParticipantInfo, len(s.changes))}
	for i, c := range s.changes {
		in.Participants[i] = infoOf(c)
	}
	if s.action == imclient.ActionAddParticipants {
		return t.client.AddParticipants(ctx, in)
	}
	return t.client.ModifyParticipants(ctx, in)
}

// outcome is what became of one member's change.
type outcome struct {
	verb   string
	status string // "done", "failed", "unknown", "not sent"
	err    error  // the call's error, when it had one
	// cause is, for "not sent", the earlier call's error that stopped
	// the writes.
	cause error
}

// write turns the members prior (what the API had at plan time, or for a
// create, the listed users already in) into planned: removals, changes,
// promotions, additions, in that order; a step whose calls failed stops
// the steps after it (FailedUserIds alone do not). It returns the
// members the state records: what the API has now of everyone in prior or
// planned, read back. Every difference from the plan is an error in diags.
func (t memberTarget) write(ctx context.Context, prior, planned map[int64]memberModel, creating bool, diags *diag.Diagnostics) map[int64]memberModel {
	want := fieldsOfAll(ctx, planned)
	d := diffMembers(fieldsOfAll(ctx, prior), want)
	if !d.empty() && t.operator <= 0 {
		diags.AddAttributeError(path.Root("operator_user_id"), "No operator for the member writes",
			fmt.Sprintf("BatchGetConversations did not say who owns conversation %d, and the member writes must name the "+
				"user who performs them. Set operator_user_id. Nothing was changed.", t.conv))
		return prior
	}
	steps := []step{
		{verb: "remove", action: imclient.ActionRemoveParticipants, remove: d.Remove},
		{verb: "change", action: imclient.ActionModifyParticipants, changes: d.Change},
		{verb: "change", action: imclient.ActionModifyParticipants, changes: d.Promote},
		{verb: "add", action: imclient.ActionAddParticipants, changes: d.Add},
	}
	outcomes := map[int64]outcome{}
	halted := false
	var haltErr error
	early := t.startEarlyReads(ctx)
	for _, s := range steps {
		ids := s.ids()
		if len(ids) == 0 {
			continue
		}
		if halted || ctx.Err() != nil {
			for _, id := range ids {
				outcomes[id] = outcome{verb: s.verb, status: "not sent", cause: haltErr}
			}
			continue
		}
		tflog.Debug(ctx, "writing members", map[string]any{"action": s.action, "users": len(ids)})
		res, err := t.run(early.hooks(ctx), s)
		var werr *imclient.WriteError
		if err != nil && !errors.As(err, &werr) {
			// Refused before any call (a bug: the plan's checks passed).
			for _, id := range ids {
				outcomes[id] = outcome{verb: s.verb, status: "not sent", err: err}
			}
			halted = true
			continue
		}
		record(outcomes, s.verb, res)
		if werr != nil && werr.Err != nil {
			halted, haltErr = true, werr.Err
		}
	}

	// Read back every user the diff touched: that, not the answers, is what
	// the API has.
	touched := d.ids()
	got, lagging, readErr := t.readBackShown(ctx, touched, early, fieldsOfAll(ctx, prior), want, outcomes)
	warnLagging(lagging, want, diags)
	out := make(map[int64]memberModel, len(planned)+len(prior))
	for id, m := range planned {
		out[id] = m
	}
	for _, id := range touched {
		delete(out, id)
		like := lookup(planned, id)
		if like == nil {
			like = lookup(prior, id)
		}
		if readErr == nil {
			if f, ok := got[id]; ok {
				out[id] = modelOf(f, like)
			}
			continue
		}
		// Unreadable: trust the answers, and where there was none keep what
		// would be redone safely (a removal stays to do; an add or a change
		// is sent again).
		o := outcomes[id]
		_, wanted := planned[id]
		switch {
		case o.status == "done" && wanted:
			out[id] = planned[id]
		case o.status == "done":
		case lookup(prior, id) != nil:
			out[id] = prior[id]
		}
	}
	if readErr != nil {
		diags.AddWarning("Members could not be read back after the change",
			"The state was built from the API's answers to the writes instead: each change the API confirmed is "+
				"recorded, and each it did not is left to do, so the next plan shows it again.\n\n"+errorDiagnostic(readErr).Detail())
	}
	t.report(ctx, d, want, out, outcomes, creating, ctx.Err() != nil, diags)
	return out
}

// record notes each ID's outcome in a batch write's result.
func record(outcomes map[int64]outcome, verb string, res imclient.WriteResult) {
	errOf := map[int64]error{}
	for _, be := range res.Errors {
		for _, id := range be.UserIDs {
			errOf[id] = be.Err
		}
	}
	for _, l := range []struct {
		status string
		ids    []int64
	}{{"done", res.Done}, {"failed", res.Failed}, {"unknown", res.Unknown}, {"not sent", res.NotSent}} {
		for _, id := range l.ids {
			outcomes[id] = outcome{verb: verb, status: l.status, err: errOf[id]}
		}
	}
}
