// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"context"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// scanPageSize is how many members one page of the scan holds.
const scanPageSize = 20

// readListed reads which of ids are members of the group now (the owner
// aside), before any write, by the read of fewer calls: ids in calls of
// the read's batch size, or every member of the group page by page when
// its count says that takes fewer pages (a new group holds its owner
// alone: one page, where 1,000 listed users in calls of 10 were 100 calls,
// a second the writes waited for). The count only picks the read: a scan
// ends where the API says, whatever the count said, and a member
// resource's group is never a live one, whose scan lists only its owner
// and admins. A failed count or scan falls back to the read by ID.
func (t memberTarget) readListed(ctx context.Context, ids []int64) (map[int64]memberFields, error) {
	size := max(1, t.client.BatchSize(imclient.ActionBatchGetParticipants))
	calls := (len(ids) + size - 1) / size
	if calls < 2 {
		return t.readBack(ctx, ids)
	}
	count, err := t.client.UserCount(ctx, t.app, t.conv)
	if err != nil || count < 0 || (count+scanPageSize-1)/scanPageSize >= int64(calls) {
		return t.readBack(ctx, ids)
	}
	res, err := t.client.ScanConversationParticipants(ctx, imclient.ScanInput{AppID: t.app, ConversationShortID: t.conv})
	if err != nil {
		return t.readBack(ctx, ids)
	}
	listed := make(map[int64]bool, len(ids))
	for _, id := range ids {
		listed[id] = true
	}
	out := map[int64]memberFields{}
	for _, p := range res.Members {
		if id := *p.ParticipantUserID; listed[id] && isCurrent(p) && id != t.owner {
			out[id] = fieldsFromAPI(p)
		}
	}
	return out, nil
}
