// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// lookupGroup reads the conversation members are written to; nil, with
// the error on conversation_short_id, unless it exists and is a group.
func lookupGroup(ctx context.Context, client *imclient.Client, app int32, conv int64, diags *diag.Diagnostics) *imclient.Conversation {
	c, err := lookupConversation(ctx, client, app, conv)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return nil
	}
	if c == nil {
		diags.Append(conversationNotFound(app, conv))
		return nil
	}
	if problem := groupProblem(c, conv); problem != "" {
		diags.AddAttributeError(path.Root("conversation_short_id"), "Not a group", problem)
		return nil
	}
	return c
}

// conversationNotFound is the error of a write to a conversation the API
// does not return.
func conversationNotFound(app int32, conv int64) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("conversation_short_id"), "Conversation not found",
		fmt.Sprintf("App %d has no conversation %d (BatchGetConversations does not return it: it never existed, or was "+
			"dissolved). Check app_id and conversation_short_id.", app, conv))
}

// oneToOneText says why a one-to-one chat's members are not written.
func oneToOneText(conv int64) string {
	return fmt.Sprintf("Conversation %d is a one-to-one chat (conversation type 1): its two members are fixed, and "+
		"the API adds and removes members of groups only.", conv)
}

// lookupConversation reads one conversation: nil when the API does not
// return it, returns it dissolved, or answers ConversationNotFound (it
// documents neither way of saying "gone"). The one lookup of all three
// resources, so that they agree on what "gone" is.
func lookupConversation(ctx context.Context, client *imclient.Client, app int32, conv int64) (*imclient.Conversation, error) {
	return lookupCounted(ctx, client, app, conv, false)
}

// lookupCounted is lookupConversation, with its MemberCount when count.
func lookupCounted(ctx context.Context, client *imclient.Client, app int32, conv int64, count bool) (*imclient.Conversation, error) {
	found, err := client.BatchGetConversations(ctx, imclient.BatchGetConversationsInput{AppID: app, ConversationShortIDs: []int64{conv},
		IncludeMemberCount: count})
	if isAPICode(err, imclient.CodeConversationNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for i := range found {
		c := &found[i]
		if c.ConversationShortID == nil || *c.ConversationShortID != conv || (c.AppID != nil && *c.AppID != int64(app)) {
			continue
		}
		if c.Status != nil && *c.Status == imclient.StatusDissolved {
			return nil, nil
		}
		return c, nil
	}
	return nil, nil
}

// groupProblem says why members of c cannot be managed as a list, or "".
func groupProblem(c *imclient.Conversation, conv int64) string {
	switch {
	case c.ConversationType == nil:
		return fmt.Sprintf("BatchGetConversations did not say what type conversation %d is, so whether its members "+
			"can be listed is unknown: a live group's cannot. Nothing was changed.", conv)
	case *c.ConversationType == int64(imclient.ConversationTypeLiveGroup):
		return fmt.Sprintf("Conversation %d is a live group (conversation type 100). The API lists only a live group's "+
			"owner and admins, so volcrtc_conversation_members could not see who else is in it: its plans would "+
			"miss every member added outside Terraform and re-add those already there. Manage a live group's "+
			"audience in your application.", conv)
	case *c.ConversationType == int64(imclient.ConversationTypeOneToOne):
		return oneToOneText(conv)
	case *c.ConversationType != int64(imclient.ConversationTypeGroup):
		return fmt.Sprintf("Conversation %d has type %d, which is not a group (2).", conv, *c.ConversationType)
	}
	return ""
}

func ownerOf(c *imclient.Conversation) int64 {
	if c.OwnerUserID == nil {
		return 0
	}
	return *c.OwnerUserID
}

// goneConversations remembers the conversations whose members a refresh
// of this run removed from the state because the conversation is gone.
type goneConversations struct{ m sync.Map }

type convRef struct {
	app  int32
	conv int64
}

func (g *goneConversations) add(app int32, conv int64) { g.m.Store(convRef{app, conv}, true) }

func (g *goneConversations) has(app int32, conv int64) bool {
	_, ok := g.m.Load(convRef{app, conv})
	return ok
}

// goneAtPlan reports, with a warning, that a member resource planned for
// creation names a conversation that this run's refresh found gone.
// Terraform plans a create for a resource its refresh removed even when
// it is about to destroy (a destroy plans after a normal refresh, and
// fails on its errors), so a destroy after the conversation is gone
// needs this to be no error; Create checks again before any write. A
// conversation this run never had in state is checked as usual, so a
// mistyped ID still fails the plan.
func (d *providerData) goneAtPlan(app int32, conv int64, diags *diag.Diagnostics) bool {
	if !d.gone.has(app, conv) {
		return false
	}
	diags.AddAttributeWarning(path.Root("conversation_short_id"), "Conversation not found",
		fmt.Sprintf("App %d has no conversation %d any more (it was dissolved), so no member can be added to it: an "+
			"apply fails unless the conversation is created again first.", app, conv))
	return true
}

// memberPlanCall prepares a member resource's ModifyPlan lookups on
// conversation conv: nil when there is nothing to check at plan (no
// client yet, or a create on a conversation this run found gone).
func (b *resourceBase) memberPlanCall(ctx context.Context, creating bool, app int32, conv int64, diags *diag.Diagnostics) *call {
	if creating && b.data != nil && b.data.goneAtPlan(app, conv, diags) {
		return nil
	}
	return b.planCall(ctx)
}

// lookupLiveGroup reads the conversation: false, with the error on its
// attribute, unless it exists and is a live group.
func lookupLiveGroup(ctx context.Context, client *imclient.Client, app int32, conv int64, diags *diag.Diagnostics) bool {
	c, err := lookupConversation(ctx, client, app, conv)
	switch {
	case err != nil:
		diags.Append(errorDiagnostic(err))
		return false
	case c == nil:
		diags.Append(conversationNotFound(app, conv))
		return false
	case c.ConversationType != nil && *c.ConversationType != int64(imclient.ConversationTypeLiveGroup):
		diags.AddAttributeError(path.Root("conversation_short_id"), "Not a live group",
			fmt.Sprintf("Conversation %d is of conversation type %d. The API documents mute lists, block lists and the "+
				"speaker whitelist for live groups (type 100) only, and answers OnlyLiveConversationSupport for other "+
				"conversations, so nothing was sent.", conv, *c.ConversationType))
		return false
	}
	return true
}
