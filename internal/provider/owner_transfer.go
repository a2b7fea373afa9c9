// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Owner transfers beside member changes. volcrtc_conversation owns
// owner_user_id; the member resources own everyone else, and none of them
// sees another's plan. What they tell each other goes through the
// provider's data, which lives for one walk of one provider configuration
// (Terraform configures the provider again for each walk):
//
//   - At plan, a transfer (volcrtc_conversation's ModifyPlan) and a
//     member resource's destroy or replacement (its ModifyPlan) that removes
//     the heir cannot both be applied: Terraform destroys the member first,
//     and the API then refuses to transfer to a non-member. Terraform plans
//     a resource removed from the configuration in no set order, so each
//     side records what it plans and whichever comes second refuses the
//     plan, before any write.
//   - At apply, the transfer runs before the members that reference its
//     conversation; volcrtc_conversation_members then knows who the former
//     owner is, whom the API made a plain member, and removes them when its
//     configuration does not list them.
//
// A transfer and member resources under different provider configurations
// (aliases) share nothing: the plan is not refused, and the former owner
// is removed by the next apply instead.
type ownerTransfers struct {
	mu sync.Mutex
	// planned is each transfer this walk plans: conversation → owners.
	planned map[convRef]transfer
	// leaving is each member this walk's plan removes by destroying or
	// replacing a resource: conversation → user → which resource.
	leaving map[convRef]map[int64]memberRemoval
	// done is each transfer this walk applied.
	done map[convRef]transfer
}

// transfer is a move of ownership from one user to another.
type transfer struct{ from, to int64 }

// memberRemoval is a destroy or replacement of a member resource that
// removes users: what it is, for messages.
type memberRemoval struct {
	plural  bool // volcrtc_conversation_members, else volcrtc_conversation_member
	replace bool
}

func (t *ownerTransfers) init() {
	if t.planned == nil {
		t.planned = map[convRef]transfer{}
		t.leaving = map[convRef]map[int64]memberRemoval{}
		t.done = map[convRef]transfer{}
	}
}

// planTransfer records that this plan moves conversation conv from one
// owner to another, and refuses it, on owner_user_id, when a member
// resource's destroy planned before it removes the heir.
func (d *providerData) planTransfer(app int32, conv int64, tr transfer, diags *diag.Diagnostics) {
	if d == nil {
		return
	}
	t := &d.transfers
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	ref := convRef{app, conv}
	t.planned[ref] = tr
	if rm, ok := t.leaving[ref][tr.to]; ok {
		diags.AddAttributeError(path.Root("owner_user_id"), heirRemovedSummary, heirRemovedDetail(conv, tr.to, rm))
	}
}

// planRemoval records that this plan removes users from conversation conv
// by destroying or replacing a member resource, and refuses it when a
// transfer planned before it gives one of them the conversation.
func (d *providerData) planRemoval(app int32, conv int64, users []int64, rm memberRemoval, diags *diag.Diagnostics) {
	if d == nil || len(users) == 0 {
		return
	}
	t := &d.transfers
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	ref := convRef{app, conv}
	if t.leaving[ref] == nil {
		t.leaving[ref] = map[int64]memberRemoval{}
	}
	for _, u := range users {
		t.leaving[ref][u] = rm
	}
	if tr, ok := t.planned[ref]; ok && slices.Contains(users, tr.to) {
		diags.AddError(heirRemovedSummary, heirRemovedDetail(conv, tr.to, rm))
	}
}

// plannedTransfer is the transfer of conv this walk has planned so far.
func (d *providerData) plannedTransfer(app int32, conv int64) (transfer, bool) {
	return d.transferIn(app, conv, false)
}

// transferred records a transfer this walk applied.
func (d *providerData) transferred(app int32, conv int64, tr transfer) {
	if d == nil {
		return
	}
	t := &d.transfers
	t.mu.Lock()
	defer t.mu.Unlock()
	t.init()
	t.done[convRef{app, conv}] = tr
}

// appliedTransfer is the transfer of conv this walk applied, if any.
func (d *providerData) appliedTransfer(app int32, conv int64) (transfer, bool) {
	return d.transferIn(app, conv, true)
}

func (d *providerData) transferIn(app int32, conv int64, applied bool) (transfer, bool) {
	if d == nil {
		return transfer{}, false
	}
	t := &d.transfers
	t.mu.Lock()
	defer t.mu.Unlock()
	m := t.planned
	if applied {
		m = t.done
	}
	tr, ok := m[convRef{app, conv}]
	return tr, ok
}

const heirRemovedSummary = "The new owner is removed in the same apply"

// heirRemovedDetail says why a transfer to heir cannot be applied with
// the removal rm, and the way out.
func heirRemovedDetail(conv, heir int64, rm memberRemoval) string {
	what := fmt.Sprintf("destroys volcrtc_conversation_member of user %d", heir)
	if rm.plural {
		what = fmt.Sprintf("destroys volcrtc_conversation_members, which lists user %d", heir)
	}
	if rm.replace {
		what += ", to replace it"
	}
	out := fmt.Sprintf("This plan transfers conversation %d to user %d (volcrtc_conversation's owner_user_id) and %s. "+
		"Terraform applies that destroy first, which removes user %d from the group, and the API then refuses the "+
		"transfer: ownership goes only to a member. So the plan stops here. Nothing was changed.\n\n", conv, heir, what, heir)
	if rm.plural {
		return out + fmt.Sprintf("Keep volcrtc_conversation_members (same conversation, same resource) and drop %q from its "+
			"members: that is the transfer in one apply, which leaves user %d in the group as its owner. Or stop managing "+
			"the members without removing anyone: in place of the resource's block, write\n\n%s\n(Terraform 1.7+; or run "+
			"terraform state rm on it first).", userIDKey(heir), heir, removedBlock("volcrtc_conversation_members"))
	}
	return out + fmt.Sprintf("The owner is no member to manage: stop managing user %d as a member without removing them "+
		"from the group. In place of that resource's block, write\n\n%s\n(Terraform 1.7+; or run terraform state rm on it "+
		"first), then apply: ownership moves and user %d stays in the group as its owner. Manage another user as a member "+
		"in a block of its own.", heir, removedBlock("volcrtc_conversation_member"), heir)
}

func removedBlock(typ string) string {
	return "  removed {\n    from = " + typ + ".<name>\n    lifecycle {\n      destroy = false\n    }\n  }\n"
}

// planOwnerChange is planTransfer for a conversation's update in place
// that changes owner_user_id.
func (d *providerData) planOwnerChange(prior, plan conversationModel, diags *diag.Diagnostics) {
	if plan.OwnerUserID.IsUnknown() || plan.OwnerUserID.IsNull() || prior.OwnerUserID.IsNull() ||
		plan.OwnerUserID.Equal(prior.OwnerUserID) || prior.AppID.IsNull() || prior.ConversationShortID.IsNull() {
		return
	}
	d.planTransfer(int32Of(prior.AppID), int64Of(prior.ConversationShortID),
		transfer{from: int64Of(prior.OwnerUserID), to: int64Of(plan.OwnerUserID)}, diags)
}

// replacesMembers reports whether a plan moves a member resource to
// another conversation (or, with user, another user): its prior members
// are removed first. An unknown value may replace it.
func replacesMembers(plan, prior []types.Number) bool {
	for i := range plan {
		if plan[i].IsUnknown() || !plan[i].Equal(prior[i]) {
			return true
		}
	}
	return false
}

// warnFormerOwnerAtPlan says, at plan, that the former owner of a
// transfer planned before these members (their conversation_short_id
// references the conversation) is removed, unless members lists them.
func warnFormerOwnerAtPlan(d *providerData, app int32, conv int64, planned map[int64]memberModel, diags *diag.Diagnostics) {
	tr, ok := d.plannedTransfer(app, conv)
	if !ok || lookup(planned, tr.from) != nil {
		return
	}
	diags.AddAttributeWarning(path.Root("members"), "The former owner will be removed",
		fmt.Sprintf("This plan transfers conversation %d from user %d to user %d (volcrtc_conversation's owner_user_id). "+
			"The API keeps user %d in the group as a plain member, and members does not list them, so this apply removes "+
			"them after the transfer, as any member it does not list. To keep them in the group, list %q in members.",
			conv, tr.from, tr.to, tr.from, userIDKey(tr.from)))
}

// formerOwner adds to prior the former owner of a transfer that this
// apply made, when the API lists them as a plain member: they are then
// changed as planned, or removed when planned does not list them, in the
// same apply. False when they could not be read.
func (d *providerData) formerOwner(ctx context.Context, t memberTarget, prior, planned map[int64]memberModel, diags *diag.Diagnostics) bool {
	tr, ok := d.appliedTransfer(t.app, t.conv)
	if !ok || tr.to != t.owner || tr.from == t.owner || lookup(prior, tr.from) != nil {
		return true
	}
	have, err := t.readBack(ctx, []int64{tr.from})
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return false
	}
	f, ok := have[tr.from]
	if !ok {
		return true
	}
	prior[tr.from] = modelOf(f, lookup(planned, tr.from))
	if lookup(planned, tr.from) == nil {
		diags.AddWarning("The former owner is removed",
			fmt.Sprintf("Ownership of conversation %d moved from user %d to user %d earlier in this apply, and the API kept "+
				"user %d in the group as a plain member. members does not list them, so this apply removes them too, as "+
				"any member it does not list. To keep them in the group, list %q in members.",
				t.conv, tr.from, tr.to, tr.from, userIDKey(tr.from)))
	}
	return true
}
