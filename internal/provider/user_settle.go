// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// What volcrtc_user does with what the API holds beyond the
// configuration: the system's Ext keys, repeated tags, the robot flag, a
// profile a replacement keeps, and answers a read-back contradicts.

// withoutSystemExt is ext without the system's keys ("s:"); nil when
// nothing is left.
func withoutSystemExt(ext map[string]string) map[string]string {
	var out map[string]string
	for k, v := range ext {
		if strings.HasPrefix(k, imclient.ReservedExtPrefix) {
			continue
		}
		if out == nil {
			out = make(map[string]string, len(ext))
		}
		out[k] = v
	}
	return out
}

// systemExt is the system's keys of ext ("s:"), nil when none.
func systemExt(ext map[string]string) map[string]string {
	var out map[string]string
	for k, v := range ext {
		if strings.HasPrefix(k, imclient.ReservedExtPrefix) {
			if out == nil {
				out = map[string]string{}
			}
			out[k] = v
		}
	}
	return out
}

// entriesText lists ext's entries as `"k" = "v"`, sorted and escaped.
func entriesText(ext map[string]string) string {
	parts := make([]string, 0, len(ext))
	for _, k := range slices.Sorted(maps.Keys(ext)) {
		parts = append(parts, fmt.Sprintf("%q = %q", k, ext[k]))
	}
	return strings.Join(parts, ", ")
}

// lostSystemExt is the error for the system's keys a BatchUpdateUser
// dropped: those of before that after does not hold as they were.
func lostSystemExt(user int64, before, after map[string]string) (diag.Diagnostic, bool) {
	lost := map[string]string{}
	for k, v := range systemExt(before) {
		if got, ok := after[k]; !ok || got != v {
			lost[k] = v
		}
	}
	if len(lost) == 0 {
		return nil, false
	}
	return diag.NewAttributeErrorDiagnostic(path.Root("ext"), "The API dropped system extension fields",
		fmt.Sprintf("The API refuses extension fields whose key starts with %q (the system's own) in a write, so "+
			"BatchUpdateUser was sent the profile of user %d without them, and the API dropped them: %s. They are "+
			"named here so that nothing is lost silently; restore them where they were set, since no write of this "+
			"provider can. The rest of the update was made, and the state records the user as the API has it (its ext "+
			"never shows the system's fields).", imclient.ReservedExtPrefix, user, entriesText(lost))), true
}

// tagSet is tags sorted, each once.
func tagSet(tags []string) []string {
	out := slices.Clone(tags)
	slices.Sort(out)
	return slices.Compact(out)
}

// repeatedTags names the tags that tags holds more than once, sorted.
func repeatedTags(tags []string) []string {
	seen := make(map[string]int, len(tags))
	for _, t := range tags {
		seen[t]++
	}
	var out []string
	for t, n := range seen {
		if n > 1 {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// repeatedTagsWarning is the one warning for the repeated tags of users,
// given as "user ID: \"tag\", ..." lines; false when there are none.
func repeatedTagsWarning(lines []string) (diag.Diagnostic, bool) {
	if len(lines) == 0 {
		return nil, false
	}
	return diag.NewWarningDiagnostic("Repeated tags",
		"BatchGetUser listed a tag more than once; a user's tags are a set, so each is kept once:\n  "+
			strings.Join(lines, "\n  ")), true
}

// repeatedTagsLine is u's line for repeatedTagsWarning; "" when none.
func repeatedTagsLine(user int64, tags []string) string {
	rep := repeatedTags(tags)
	if len(rep) == 0 {
		return ""
	}
	quoted := make([]string, len(rep))
	for i, t := range rep {
		quoted[i] = fmt.Sprintf("%q", t)
	}
	return fmt.Sprintf("user %d: %s", user, strings.Join(quoted, ", "))
}

// warnRepeatedTags adds the warning for u's repeated tags, if any.
func warnRepeatedTags(user int64, u *imclient.User, diags *diag.Diagnostics) {
	if u == nil {
		return
	}
	if line := repeatedTagsLine(user, u.Tags); line != "" {
		d, _ := repeatedTagsWarning([]string{line})
		diags.Append(d)
	}
}

// contradictedWarning says that action listed the user in FailedInfos,
// yet a read-back shows the write made.
func contradictedWarning(action string, user int64, res imclient.WriteResult) diag.Diagnostic {
	return diag.NewWarningDiagnostic("The API's answer contradicted it",
		fmt.Sprintf("%s listed user %d in FailedInfos:%s\n\nbut reading the user back shows the write made. The state "+
			"records the user as the API has it.", action, user, failedInfoText(res)))
}

// robotLeftAlone plans is_robot: left out, it keeps what the state has
// (false for a new user), so a bot registered outside Terraform is never
// replaced for it; set, it replaces the user when it differs from the
// API's.
type robotLeftAlone struct{}

func (robotLeftAlone) Description(context.Context) string {
	return "left out, keeps the API's value (false for a new user); set to another value than the API's, replaces the user"
}

func (m robotLeftAlone) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (robotLeftAlone) PlanModifyBool(_ context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if req.ConfigValue.IsNull() {
		if req.StateValue.IsNull() || req.StateValue.IsUnknown() {
			resp.PlanValue = types.BoolValue(false)
		} else {
			resp.PlanValue = req.StateValue
		}
		return
	}
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	if req.ConfigValue.IsUnknown() || !req.ConfigValue.Equal(req.StateValue) {
		resp.RequiresReplace = true
	}
}

// replacedProfiles keeps the profile of each user this process
// unregistered, by client, app and user: when Terraform replaces a user
// (is_robot changed), its destroy comes first, and the register that
// follows sends what the configuration leaves out as the user had it.
var replacedProfiles sync.Map // replacedKey → imclient.User

type replacedKey struct {
	client *imclient.Client
	app    int32
	user   int64
}

// rememberUnregistered keeps u, just unregistered, for a replacement.
func rememberUnregistered(client *imclient.Client, app int32, user int64, u imclient.User) {
	replacedProfiles.Store(replacedKey{client, app, user}, u)
}

// unregisteredProfile is the profile of the user this process last
// unregistered, if it did.
func unregisteredProfile(client *imclient.Client, app int32, user int64) (imclient.User, bool) {
	v, ok := replacedProfiles.Load(replacedKey{client, app, user})
	if !ok {
		return imclient.User{}, false
	}
	u, ok := v.(imclient.User)
	return u, ok
}

// forgetUnregistered drops what rememberUnregistered kept.
func forgetUnregistered(client *imclient.Client, app int32, user int64) {
	replacedProfiles.Delete(replacedKey{client, app, user})
}

// firstOfEachTag is tags with each repeat left out, in the order given.
func firstOfEachTag(tags []string) []string {
	seen := make(map[string]bool, len(tags))
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func deref64(n *int64) int64 {
	if n == nil {
		return 0
	}
	return *n
}
