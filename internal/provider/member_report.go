// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// idList prints user IDs, at most limit of them and how many more.
func idList(ids []int64) string {
	const limit = maxListed
	parts := make([]string, 0, min(len(ids), limit)+1)
	for i, id := range ids {
		if i == limit {
			parts = append(parts, fmt.Sprintf("and %d more", len(ids)-limit))
			break
		}
		parts = append(parts, strconv.FormatInt(id, 10))
	}
	return strings.Join(parts, ", ")
}

// maxListed bounds the members one diagnostic names one by one.
const maxListed = 20

// report turns every touched member whose state differs from the
// plan into errors: those whose write did not succeed in one error (with
// each call's reason), and those the API holds differently although it
// said done (read after write) each on its own attribute.
func (t memberTarget) report(ctx context.Context, d memberDiff, want map[int64]memberFields, got map[int64]memberModel, outcomes map[int64]outcome,
	creating, interrupted bool, diags *diag.Diagnostics) {
	var notDone []int64
	var mismatched []int64
	for _, id := range d.ids() {
		w, wanted := want[id]
		g, present := got[id]
		switch {
		case wanted && present && fieldsOf(ctx, g).equal(w), !wanted && !present:
			continue
		case outcomes[id].status == "done" || (outcomes[id].status == "unknown" && wanted && present):
			mismatched = append(mismatched, id)
		default:
			notDone = append(notDone, id)
		}
	}
	slices.Sort(notDone)
	slices.Sort(mismatched)
	total := len(d.ids())
	for i, id := range mismatched {
		if i == maxListed {
			addError(diags, path.Root("members"), "More members differ from the plan",
				fmt.Sprintf("%d more members the API holds differently from the plan (after it answered that the change was made); "+
					"the state records what the API has.", len(mismatched)-maxListed))
			break
		}
		t.mismatch(ctx, id, want, got, diags)
	}
	if len(notDone) == 0 {
		if len(mismatched) > 0 && creating {
			diags.AddError("Members created with differences", t.taintAdvice(total-len(mismatched)-len(notDone)))
		}
		return
	}
	var b strings.Builder
	verb := "were"
	if len(notDone) == 1 {
		verb = "was"
	}
	fmt.Fprintf(&b, "Of %d member changes, %d %s not made:\n", total, len(notDone), verb)
	reasons := map[string][]int64{}
	var order []string
	for _, id := range notDone {
		r := reasonOf(outcomes[id], interrupted)
		if _, ok := reasons[r]; !ok {
			order = append(order, r)
		}
		reasons[r] = append(reasons[r], id)
	}
	for _, r := range order {
		fmt.Fprintf(&b, "\n- %s: %s", idList(reasons[r]), r)
	}
	b.WriteString("\n\nThe state records what the API has now, read back after the writes")
	summary := "Members only partly written"
	switch {
	case t.single && interrupted:
		summary = "Apply interrupted; member not written"
	case t.single:
		summary = "Member not written"
	case interrupted:
		summary = "Apply interrupted; members partly written"
	}
	if creating {
		b.WriteString(".\n\n" + t.taintAdvice(total-len(notDone)-len(mismatched)))
	} else {
		b.WriteString(": the next plan shows only what is still to do, and an apply after the cause is fixed does it.")
	}
	p := path.Root("members")
	if t.single {
		p = path.Empty()
	}
	addError(diags, p, summary, b.String())
}

// reasonOf says why one member's change was not made.
func reasonOf(o outcome, interrupted bool) string {
	verb := o.verb
	if verb == "" {
		verb = "change"
	}
	switch o.status {
	case "failed":
		if o.err != nil {
			return "the API refused to " + verb + " them: " + oneLine(o.err)
		}
		return "the API refused to " + verb + " them (it listed them in FailedUserIds, which carries no reason)"
	case "unknown":
		why := "the call got no usable answer"
		if o.err != nil {
			why += " (" + oneLine(o.err) + ")"
		}
		return why + ", and reading them back shows the change was not made"
	case "not sent":
		switch {
		case o.err != nil:
			return "not sent: " + oneLine(o.err)
		case interrupted:
			return "not sent to " + verb + ": the apply was interrupted first"
		}
		if o.cause != nil {
			return "not sent to " + verb + ": an earlier call failed (" + oneLine(o.cause) + "), so no more were sent"
		}
		return "not sent to " + verb + ": an earlier call failed, so no more were sent"
	}
	return "the API reports them otherwise than asked to " + verb
}

// oneLine is an error's diagnostic detail on one line.
func oneLine(err error) string {
	return strings.Join(strings.Fields(errorDiagnostic(err).Detail()), " ")
}

// taintAdvice explains what Terraform does with a create that failed.
func (t memberTarget) taintAdvice(in int) string {
	return fmt.Sprintf("Terraform marks this resource as tainted after a failed create, and the next apply would "+
		"replace it: remove the %d members who did get in and add them again, each a system message in the group. "+
		"To add only the rest, untaint it first: run `terraform untaint` with this resource's address (the one after "+
		"\"with\" in this message, as in `terraform untaint %s.example`), then `terraform apply`.", in, t.resourceType())
}

// mismatch reports what the API holds of one member otherwise than
// planned although it answered that the change was made: each field on
// its own attribute, with both values.
func (t memberTarget) mismatch(ctx context.Context, id int64, want map[int64]memberFields, got map[int64]memberModel, diags *diag.Diagnostics) {
	const after = "After answering that the change was made, the API "
	w, wanted := want[id]
	g, present := got[id]
	switch {
	case wanted && !present:
		addError(diags, t.where(id), "The API does not list a member it added",
			fmt.Sprintf(after+"does not list user %d as a member of conversation %d. The state leaves them out, so the next "+
				"plan adds them again.", id, t.conv))
	case !wanted && present:
		addError(diags, t.where(id), "The API still lists a member it removed",
			fmt.Sprintf(after+"still lists user %d as a member of conversation %d. The state keeps them, so the next plan "+
				"removes them again.", id, t.conv))
	default:
		why := ""
		for _, f := range diffFields(w, fieldsOf(ctx, g)) {
			if f.name == "ext" {
				why = "The API does not document whether a change replaces ext or merges keys into it: if it keeps " +
					"keys the plan removed, list them in the configuration."
			}
			diags.Append(readBackMismatch(t.field(id, f.name), f.planned, f.got, why))
		}
	}
}
