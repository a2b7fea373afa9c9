// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"sync"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// Participant is one member as the API returns it. Every field is nil when
// the API leaves it out: the SDK's struct declares Role and Operator as
// plain integers, which would turn an omitted role into "member". The
// last four fields come only from ScanConversationParticipantList.
type Participant struct {
	ConversationShortID *int64            `json:"ConversationShortId"`
	ParticipantUserID   *int64            `json:"ParticipantUserId"`
	Operator            *int64            `json:"Operator"`
	Role                *int64            `json:"Role"`
	BlockTime           *int64            `json:"BlockTime"`
	CreateTime          *int64            `json:"CreateTime"`
	Ext                 map[string]string `json:"Ext"`
	Level               *int64            `json:"Level"`
	NickName            *string           `json:"NickName"`
	Status              *int64            `json:"Status"`

	AvatarURL            *string  `json:"AvatarUrl"`
	Marks                []string `json:"Marks"`
	ParticipantUserIDStr *string  `json:"ParticipantUserIdStr"`
	OperatorStr          *string  `json:"OperatorStr"`
}

// BatchGetParticipantsInput names the members to read.
type BatchGetParticipantsInput struct {
	AppID               int32
	ConversationShortID int64
	UserIDs             []int64
}

type batchGetBody struct {
	AppID               int32   `json:"AppId"`
	ConversationShortID int64   `json:"ConversationShortId"`
	ParticipantUserIDs  []int64 `json:"ParticipantUserIds"`
}

type batchGetResult struct {
	Participants []Participant `json:"Participants"`
}

// BatchGetConversationParticipant reads the given members in calls of at
// most the batch size, several at a time within the client's budget.
// Results keep the order of the batches; IDs that are not members are
// absent. The first failure cancels the remaining calls.
//
// The API does not document how many IDs one call may carry. A call it
// refuses as too long is split in halves (see getAdaptive), and until a
// batch of full size has succeeded, the first batch goes alone so that the
// others start with the size it found.
func (c *Client) BatchGetConversationParticipant(ctx context.Context, in BatchGetParticipantsInput) ([]Participant, error) {
	ids := in.UserIDs
	var head []Participant
	if size := c.batch.size(); !c.batch.isConfirmed() && len(ids) > size {
		ps, err := c.getAdaptive(tflog.SetField(ctx, "batch", 0), in, ids[:size])
		if err != nil {
			return nil, err
		}
		head, ids = ps, ids[size:]
	}
	batches := split(ids, c.batch.size())
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
		bctx := tflog.SetField(ctx, "batch", i+1)
		go func() {
			defer wg.Done()
			defer func() { <-slots }()
			ps, err := c.getAdaptive(bctx, in, ids)
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
	all := head
	for _, r := range results {
		all = append(all, r...)
	}
	return all, nil
}

// getAdaptive reads ids in one call, or, when the API refuses that many,
// in halves (recursively), remembering the largest size that worked.
func (c *Client) getAdaptive(ctx context.Context, in BatchGetParticipantsInput, ids []int64) ([]Participant, error) {
	if size := c.batch.size(); len(ids) > size {
		var all []Participant
		for _, part := range split(ids, size) {
			ps, err := c.getAdaptive(ctx, in, part)
			if err != nil {
				return nil, err
			}
			all = append(all, ps...)
		}
		return all, nil
	}
	ps, err := c.getBatch(ctx, in, ids)
	var apiErr *APIError
	if err == nil {
		c.batch.worked(len(ids))
		return ps, nil
	}
	if !errors.As(err, &apiErr) || !apiErr.TooManyIDs() || len(ids) < 2 {
		return nil, err
	}
	half := (len(ids) + 1) / 2
	c.batch.refused(len(ids), half)
	tflog.Warn(ctx, "the API refused a batch as too long; splitting it", map[string]any{
		"batch_size": len(ids), "next_size": half, "code": apiErr.Code,
	})
	first, err := c.getAdaptive(ctx, in, ids[:half])
	if err != nil {
		return nil, err
	}
	second, err := c.getAdaptive(ctx, in, ids[half:])
	if err != nil {
		return nil, err
	}
	return append(first, second...), nil
}

func (c *Client) getBatch(ctx context.Context, in BatchGetParticipantsInput, ids []int64) ([]Participant, error) {
	body := batchGetBody{AppID: in.AppID, ConversationShortID: in.ConversationShortID, ParticipantUserIDs: ids}
	var out batchGetResult
	if err := c.call(ctx, "BatchGetConversationParticipant", body, len(ids), &out); err != nil {
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
