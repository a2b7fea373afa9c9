// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// A conversation's marks (MarkConversation, GetConversationMarks) are
// managed only when the configuration sets them: null in state means not
// managed, and then nothing reads or sends them. Set, the set is
// authoritative: a mark added outside Terraform shows as a removal.

// importMarksKey is the private state an import leaves for the Read that
// follows it, which then reads the marks: an import has no configuration
// to say whether they are managed, and an empty plan after importing a
// conversation whose configuration sets them needs them in state.
const importMarksKey = "import_marks"

func marksAttribute() schema.SetAttribute {
	return schema.SetAttribute{
		MarkdownDescription: "The conversation's marks (`MarkConversation`, read with `GetConversationMarks`), each a " +
			"string that is not empty. Leave it out (or null) to leave marks alone: they are then never read nor sent. " +
			"Set, the set is authoritative: marks added outside Terraform show in the plan as removals, and an apply " +
			"sends only the differences (one call for the additions, one for the removals) and reads the marks back. " +
			"`[]` removes every mark. The API caps how many marks a conversation holds but does not document the cap; " +
			"a set over it is refused by the API (`ConversationMarkTypeMoreThanLimit`) and the state records the marks " +
			"it holds. An imported conversation's marks are read once, and null when it has none.",
		Optional:    true,
		ElementType: types.StringType,
		Validators:  []validator.Set{noEmptyMark{}},
	}
}

// noEmptyMark refuses a mark that is an empty string, which the API
// refuses too.
type noEmptyMark struct{}

func (noEmptyMark) Description(context.Context) string { return "marks must not be empty strings" }

func (v noEmptyMark) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (noEmptyMark) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for _, e := range req.ConfigValue.Elements() {
		if s, ok := e.(types.String); ok && !s.IsNull() && !s.IsUnknown() && s.ValueString() == "" {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid Attribute Value",
				fmt.Sprintf("Attribute %s holds an empty string: every mark needs a name (the API refuses an empty one). "+
					"Use [] for no marks.", req.Path))
		}
	}
}

// marksOf is a set of marks as strings, sorted; nil for null or unknown.
func marksOf(s types.Set) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	out := []string{}
	for _, e := range s.Elements() {
		if v, ok := e.(types.String); ok && !v.IsNull() && !v.IsUnknown() {
			out = append(out, v.ValueString())
		}
	}
	slices.Sort(out)
	return out
}

// marksSet is marks as a set value.
func marksSet(marks []string) types.Set {
	elems := make([]attr.Value, len(marks))
	for i, m := range marks {
		elems[i] = types.StringValue(m)
	}
	return types.SetValueMust(types.StringType, elems)
}

// markChanges is what to add to have and remove from it to hold want,
// each sorted.
func markChanges(want, have []string) (add, remove []string) {
	for _, m := range want {
		if !slices.Contains(have, m) {
			add = append(add, m)
		}
	}
	for _, m := range have {
		if !slices.Contains(want, m) {
			remove = append(remove, m)
		}
	}
	slices.Sort(add)
	slices.Sort(remove)
	return add, remove
}

func sameMarks(a, b []string) bool {
	add, remove := markChanges(a, b)
	return len(add) == 0 && len(remove) == 0
}

func quoteMarks(marks []string) string {
	q := make([]string, len(marks))
	for i, m := range marks {
		q[i] = strconv.Quote(m)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// syncMarks brings the conversation's marks to want, when want is set.
// have is what the API holds, nil to read it first. The answer is the set
// for state: what the API holds after the writes, read back (with the
// patience for a lagging read); what the writes answered when the read
// does not show them; null when nothing is known (the next plan shows
// the marks to set, and the write then reads them first).
func syncMarks(c *call, app int32, conv, operator int64, want types.Set, have []string) (types.Set, diag.Diagnostics) {
	var diags diag.Diagnostics
	if want.IsNull() || want.IsUnknown() {
		return types.SetNull(types.StringType), nil
	}
	wanted := marksOf(want)
	if have == nil {
		var err error
		if have, err = c.client.GetConversationMarks(c.ctx, app, conv); err != nil {
			diags.Append(errorDiagnostic(err))
			diags.AddError("The conversation's marks could not be read",
				fmt.Sprintf("No mark of conversation %d/%d was changed; the state records its marks as unknown (null), "+
					"so the next plan shows them to be set again.", app, conv))
			return types.SetNull(types.StringType), diags
		}
	}
	add, remove := markChanges(wanted, have)
	if len(add) == 0 && len(remove) == 0 {
		return marksSet(have), nil
	}
	// Removals first, so that a set that swaps marks stays under the cap.
	var werr error
	for _, w := range []struct {
		marks  []string
		delete bool
	}{{remove, true}, {add, false}} {
		if len(w.marks) == 0 {
			continue
		}
		werr = c.client.MarkConversation(c.ctx, imclient.MarkInput{AppID: app, ConversationShortID: conv,
			Marks: w.marks, Delete: w.delete, Operator: operator})
		if werr != nil {
			break
		}
	}
	// Read back: after a failed (or lost) write once, for what it did;
	// after writes that succeeded until the read shows them.
	var got []string
	var rerr error
	read := func() (bool, error) {
		got, rerr = c.client.GetConversationMarks(c.ctx, app, conv)
		return rerr == nil && sameMarks(wanted, got), rerr // an error ends the wait
	}
	if werr != nil {
		_, _ = read()
	} else {
		_, _ = awaitShown(c.ctx, c.client.Clock(), read)
	}
	switch {
	case werr != nil && rerr != nil:
		diags.Append(writeError(werr, "change the conversation's marks",
			fmt.Sprintf("Reading the marks back failed too (%v), so the state records them as unknown (null); the next "+
				"plan shows them to be set again.", rerr)))
		return types.SetNull(types.StringType), diags
	case werr != nil && sameMarks(wanted, got):
		// The write was done and its answer lost: the read says so.
		return marksSet(got), nil
	case werr != nil:
		diags.Append(writeError(werr, "change the conversation's marks",
			fmt.Sprintf("The state records the marks the API holds now, %s; the next plan shows what is left to change.",
				quoteMarks(sortedCopy(got)))))
		return marksSet(got), diags
	case rerr != nil:
		diags.AddWarning("The conversation's marks could not be read back",
			fmt.Sprintf("MarkConversation answered that conversation %d/%d's marks were changed, but reading them back "+
				"failed: %v. The state records the marks as answered; the next plan reads them again.", app, conv, rerr))
		return want, diags
	case !sameMarks(wanted, got):
		diags.AddWarning("The API does not show the marks yet",
			fmt.Sprintf("MarkConversation answered that conversation %d/%d's marks were changed, but after reading them "+
				"again for %s the API reports %s. Reads of the API can lag its writes, so the state records the marks as "+
				"answered; the next plan reads them again.", app, conv, readLagPatience, quoteMarks(sortedCopy(got))))
		return want, diags
	}
	return marksSet(got), nil
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// createMarks sets a new conversation's marks before its state is
// written: a conversation just created holds none, one found under the
// idempotency key is read first.
func createMarks(c *call, plan *conversationModel, existed bool, diags *diag.Diagnostics) {
	if plan.Marks.IsNull() {
		return
	}
	var have []string
	if !existed {
		have = []string{}
	}
	got, d := syncMarks(c, int32(int64Of(plan.AppID)), int64Of(plan.ConversationShortID), int64Of(plan.OwnerUserID), plan.Marks, have)
	diags.Append(d...)
	if d.HasError() {
		diags.AddError("The conversation was created but its marks were not all set",
			fmt.Sprintf("Conversation %s exists; Terraform marks it tainted. Run terraform untaint on it and apply again "+
				"to set the marks, rather than replacing it.", plan.ID.ValueString()))
	}
	plan.Marks = got
}

// updateMarks runs after the rest of an update, deferred: it brings the
// marks to the plan when the update succeeded, and otherwise records the
// marks known before it, since none was sent.
func (r *conversationResource) updateMarks(ctx context.Context, plan, prior conversationModel, resp *resource.UpdateResponse) {
	if resp.State.Raw.IsNull() {
		return
	}
	marks := prior.Marks
	switch {
	case plan.Marks.IsNull():
		marks = plan.Marks
	case resp.Diagnostics.HasError():
	case !prior.Marks.IsNull() && sameMarks(marksOf(plan.Marks), marksOf(prior.Marks)):
	default:
		c, diags := r.writeCall(ctx, "changing a conversation's marks")
		if resp.Diagnostics.Append(diags...); c == nil {
			break
		}
		defer c.stop()
		var owner types.Number
		resp.Diagnostics.Append(resp.State.GetAttribute(ctx, path.Root("owner_user_id"), &owner)...)
		var d diag.Diagnostics
		marks, d = syncMarks(c, int32(int64Of(prior.AppID)), int64Of(prior.ConversationShortID), int64Of(owner),
			plan.Marks, marksOf(prior.Marks))
		resp.Diagnostics.Append(d...)
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("marks"), marks)...)
}

// readMarks fills m's marks when they are managed (set in state), or
// after an import.
func readMarks(c *call, m *conversationModel, imported bool, diags *diag.Diagnostics) {
	if m.Marks.IsNull() && !imported {
		return
	}
	app, conv := int32(int64Of(m.AppID)), int64Of(m.ConversationShortID)
	got, err := c.client.GetConversationMarks(c.ctx, app, conv)
	if err != nil {
		diags.Append(errorDiagnostic(err))
		return
	}
	if imported && len(got) == 0 {
		m.Marks = types.SetNull(types.StringType)
		return
	}
	m.Marks = marksSet(got)
}

// importedMarks reports whether this Read follows an import, and clears
// the note.
func importedMarks(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) bool {
	b, diags := req.Private.GetKey(ctx, importMarksKey)
	if diags.HasError() || len(b) == 0 {
		return false
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importMarksKey, nil)...)
	return true
}

// noteImport leaves the note that makes the Read after an import read
// the marks.
func noteImport(ctx context.Context, resp *resource.ImportStateResponse) {
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, importMarksKey, []byte("true"))...)
}
