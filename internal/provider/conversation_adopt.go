// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// CreateConversation's Exist says only that the IdempotentId was used
// before: by an earlier attempt of this create whose answer was lost, or
// by anyone else. The conversation it found is adopted only when it is
// what this plan would have created; anything else is somebody's
// conversation, and a create must not change, adopt or save it.

// adoptable decides whether the conversation an Exist answer found may be
// adopted, with a warning naming it; false, with an error and nothing
// changed or saved, when it may not.
func (r *conversationResource) adoptable(c *call, plan conversationModel, out imclient.CreateConversationOutput, key string,
	diags *diag.Diagnostics) bool {
	id := plan.ID.ValueString()
	found, ok := out.Info, out.Info != nil
	if !ok || found.Status == nil || found.ConversationType == nil || found.OwnerUserID == nil {
		// The answer left it out: read it, as long as a lagging read needs.
		var got imclient.Conversation
		var d diag.Diagnostics
		_, _ = awaitShown(c.ctx, c.client.Clock(), func() (bool, error) {
			got, ok, d = r.readBack(c, int32Of(plan.AppID), out.ConversationShortID)
			return ok || d.HasError(), nil
		})
		if diags.Append(d...); d.HasError() {
			return false
		}
		found = &got
	}
	keyPath := path.Root("idempotency_key")
	switch {
	case ok && found.Status != nil && *found.Status == imclient.StatusDissolved:
		diags.AddAttributeError(keyPath, "The idempotency key belongs to a dissolved conversation",
			fmt.Sprintf("CreateConversation answered that a conversation with IdempotentId %q already exists (%s), and it "+
				"is dissolved: the API keeps a key after its conversation is gone, so nothing was created and nothing was "+
				"saved to state. Set a new idempotency_key (for example %q) and apply again.", key, id, key+"-2"))
		return false
	case !ok:
		diags.AddAttributeError(keyPath, "The idempotency key belongs to a conversation that is gone",
			fmt.Sprintf("CreateConversation answered that a conversation with IdempotentId %q already exists (%s), but "+
				"BatchGetConversations does not return it (dissolved): nothing was created and nothing was saved to state. "+
				"Set a new idempotency_key (for example %q) and apply again.", key, id, key+"-2"))
		return false
	}
	current, d := fromAPI(*found, plan)
	if diags.Append(d...); d.HasError() {
		return false
	}
	if differ := planDifferences(plan, current); len(differ) > 0 {
		lines := make([]string, len(differ))
		for i, v := range differ {
			lines[i] = fmt.Sprintf("- %s: it has %s, the configuration says %s", v.name, v.got, v.planned)
		}
		diags.AddAttributeError(keyPath, "The idempotency key belongs to another conversation",
			fmt.Sprintf("CreateConversation answered that conversation %s was already created with IdempotentId %q, "+
				"and it is not what this configuration would have created:\n%s\n\nIt was made by someone else (or by an "+
				"earlier configuration), so nothing was changed in it and nothing was saved to state. To manage it from "+
				"here, import it deliberately (terraform import <address> %s, or an import block with id = %q) and "+
				"review the plan; otherwise set another idempotency_key.",
				id, key, strings.Join(lines, "\n"), id, id))
		return false
	}
	diags.AddAttributeWarning(keyPath, "The conversation already existed",
		fmt.Sprintf("CreateConversation found conversation %s, created earlier with IdempotentId %q, exactly as this "+
			"configuration describes it, so nothing was created: this resource now manages %s. This happens when an "+
			"earlier attempt created it but its answer was lost.", id, key, id))
	return true
}
