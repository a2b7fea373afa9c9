// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// What deletion_protection says when it refuses, once for every resource
// that has it. A protected thing is refused at plan, before any call, when
// the plan destroys or replaces it; Delete refuses again for a tainted
// replacement or an older plan.

// protectedThing names a protected resource's object and what destroying
// it does, for the texts below.
type protectedThing struct {
	noun     string // "Conversation"
	gone     string // what destroying does to it: "destroyed"
	destroy  string // the verb: "destroy"
	doing    string // its -ing form: "destroying"
	replaced string // what replacing does: "destroyed and a new one created"
}

var (
	protectedConversation = protectedThing{"Conversation", "destroyed", "destroy", "destroying", "destroyed and a new one created"}
	protectedUser         = protectedThing{"User", "unregistered", "unregister", "unregistering", "unregistered and another registered"}
)

const protectionSummary = "Deletion protection is on"

// destroyRefused is the plan's refusal to destroy the protected object id.
func (t protectedThing) destroyRefused(id string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("deletion_protection"), protectionSummary,
		fmt.Sprintf("%s %s has deletion_protection = true, so it is not %s and nothing was called. To %s it, set "+
			"deletion_protection = false, apply, then destroy. To stop managing it without %s it, use a removed "+
			"block with destroy = false (Terraform 1.7+) or terraform state rm.",
			t.noun, id, t.gone, t.destroy, t.doing))
}

// replaceRefused is the plan's refusal to replace the protected object id
// because the arguments names changed; the error is on the first.
func (t protectedThing) replaceRefused(id string, names []string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root(names[0]), protectionSummary,
		fmt.Sprintf("Changing %s replaces %s %s: it would be %s. It has deletion_protection = true, so the plan "+
			"stops here and nothing was called. To replace it, set deletion_protection = false alone and apply, then "+
			"make this change; or undo the change.",
			strings.Join(names, ", "), strings.ToLower(t.noun), id, t.replaced))
}

// deleteRefused is Delete's refusal, for a plan that did not refuse.
func (t protectedThing) deleteRefused(id string) diag.Diagnostic {
	return diag.NewAttributeErrorDiagnostic(path.Root("deletion_protection"), protectionSummary,
		fmt.Sprintf("%s %s has deletion_protection = true, so it was not %s and nothing was called. If Terraform is "+
			"replacing it because it is tainted, run terraform untaint on it instead. To %s it, set "+
			"deletion_protection = false, apply, then destroy.", t.noun, id, t.gone, t.destroy))
}
