// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/volcengine/volc-sdk-golang/service/im"
)

// Participant is one member as the API returns it. Optional fields are
// nil when the API omits them.
type Participant = im.BatchGetConversationParticipantResResultParticipantsItem

// BatchGetParticipantsInput names the members to read.
type BatchGetParticipantsInput struct {
	AppID               int32
	ConversationShortID int64
	UserIDs             []int64
}

// BatchGetConversationParticipant reads the given members in calls of at
// most MaxBatchSize IDs, several at a time within the client's budget.
// Results keep the order of the batches; IDs that are not members are
// absent. The first failure cancels the remaining calls.
func (c *Client) BatchGetConversationParticipant(ctx context.Context, in BatchGetParticipantsInput) ([]Participant, error) {
	batches := split(in.UserIDs, c.maxBatch)
	results := make([][]Participant, len(batches))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	var (
		wg       sync.WaitGroup
		errOnce  sync.Once
		firstErr error
		slots    = make(chan struct{}, c.concurrency)
	)
	for i, ids := range batches {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		// Each goroutine needs a logging context of its own: tflog masks
		// the context's fields in place, so sharing one would race.
		bctx := tflog.SetField(ctx, "batch", i)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			ps, err := c.getBatch(bctx, in, ids)
			if err != nil {
				errOnce.Do(func() { firstErr = err; cancel() })
				return
			}
			results[i] = ps
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var all []Participant
	for _, r := range results {
		all = append(all, r...)
	}
	return all, nil
}

func (c *Client) getBatch(ctx context.Context, in BatchGetParticipantsInput, ids []int64) ([]Participant, error) {
	body := im.BatchGetConversationParticipantBody{
		AppID:               in.AppID,
		ConversationShortID: in.ConversationShortID,
		ParticipantUserIDs:  ids,
	}
	var out im.BatchGetConversationParticipantResResult
	if err := c.call(ctx, "BatchGetConversationParticipant", body, &out); err != nil {
		if apiErr, ok := err.(*APIError); ok {
			apiErr.BatchSize = len(ids)
		}
		return nil, err
	}
	return out.Participants, nil
}

// split cuts ids into consecutive chunks of at most n.
func split(ids []int64, n int) [][]int64 {
	var out [][]int64
	for len(ids) > n {
		out = append(out, ids[:n])
		ids = ids[n:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}
