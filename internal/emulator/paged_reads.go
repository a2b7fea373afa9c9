// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

func init() {
	handle("GetUserConversations", (*Server).handleUserConversations)
	handle("BatchGetBlockParticipants", (*Server).handleBlockList)
}

// limit checks a paged call's Limit.
func (s *Server) limit(limit int64) *apiError {
	if limit <= 0 || limit > int64(s.opts.ScanLimit) {
		return s.businessError("InvalidParam", fmt.Sprintf("Limit must be between 1 and %d", s.opts.ScanLimit))
	}
	return nil
}

// handleUserConversations serves GetUserConversations from the fixture
// conversations the user is a member of: DataType 1 by creation time,
// 0 by recent activity (ModifyTime, newest first), 2 the live groups the
// user created, newest first; in the asked inbox; dissolved ones left out.
func (s *Server) handleUserConversations(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID             *int64 `json:"AppId"`
		Cursor            int64  `json:"Cursor"`
		Limit             int64  `json:"Limit"`
		ParticipantUserID int64  `json:"ParticipantUserId"`
		DataType          int64  `json:"DataType"`
		InboxType         int64  `json:"InboxType"`
		SkipMemberCount   *bool  `json:"SkipMemberCount"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	switch {
	case b.AppID == nil || *b.AppID <= 0 || *b.AppID > 1<<31-1:
		return nil, s.businessError("InvalidParam", "AppId is missing or out of range")
	case b.ParticipantUserID <= 0:
		return nil, s.businessError("InvalidParam", "ParticipantUserId is missing or not positive")
	case b.DataType < 0 || b.DataType > 2:
		return nil, s.businessError("InvalidParam", fmt.Sprintf("DataType %d is not 0, 1 or 2", b.DataType))
	case !s.apps[*b.AppID]:
		return nil, s.businessError("AppNotFound", fmt.Sprintf("app %d not found", *b.AppID))
	}
	if aerr := s.limit(b.Limit); aerr != nil {
		return nil, aerr
	}
	value := ptrValue[int64]
	var mine []conversation
	s.state.RLock()
	defer s.state.RUnlock()
	for k := range s.convs {
		c, ok := s.visible(k)
		if !ok {
			continue
		}
		info := c.info
		_, member := c.pos[b.ParticipantUserID]
		switch {
		case k.app != *b.AppID, value(info.Status) == 1, value(info.InboxType) != b.InboxType:
		case b.DataType == 2 && value(info.ConversationType) == 100 && value(info.CreatorUserID) == b.ParticipantUserID:
			mine = append(mine, c)
		case b.DataType != 2 && member:
			mine = append(mine, c)
		}
	}
	slices.SortFunc(mine, func(x, y conversation) int {
		switch b.DataType {
		case 0:
			return cmp.Or(cmp.Compare(value(y.info.ModifyTime), value(x.info.ModifyTime)), cmp.Compare(x.info.ConversationShortID, y.info.ConversationShortID))
		case 2:
			return cmp.Or(cmp.Compare(value(y.info.CreateTime), value(x.info.CreateTime)), cmp.Compare(x.info.ConversationShortID, y.info.ConversationShortID))
		}
		return cmp.Or(cmp.Compare(value(x.info.CreateTime), value(y.info.CreateTime)), cmp.Compare(x.info.ConversationShortID, y.info.ConversationShortID))
	})
	w, aerr := s.pageOf("GetUserConversations", b.Cursor, int(b.Limit), len(mine))
	if aerr != nil {
		return nil, aerr
	}
	withCount := b.SkipMemberCount != nil && !*b.SkipMemberCount
	infos := []map[string]any{}
	for _, c := range mine[w.from:w.to] {
		infos = append(infos, c.coreInfo(*b.AppID, withCount))
	}
	if w.contradict {
		w.more, w.next = true, -1
	}
	return map[string]any{"HasMore": w.more, "NextCursor": w.next, "ConversationInfos": infos}, nil
}

// handleBlockList serves BatchGetBlockParticipants from a conversation's
// mute (BlockAction 0, the default) or block (1) list (see listedNow).
func (s *Server) handleBlockList(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID               *int64 `json:"AppId"`
		ConversationShortID *int64 `json:"ConversationShortId"`
		Cursor              int64  `json:"Cursor"`
		Limit               int64  `json:"Limit"`
		BlockAction         int64  `json:"BlockAction"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	conv, aerr := s.conversation(b.AppID, b.ConversationShortID)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.limit(b.Limit); aerr != nil {
		return nil, aerr
	}
	var list []ListedUser
	switch b.BlockAction {
	case 0:
		list = conv.muted
	case 1:
		list = conv.blocked
	default:
		return nil, s.businessError("InvalidParam", fmt.Sprintf("BlockAction %d is not 0 or 1", b.BlockAction))
	}
	list = s.listedNow(list)
	w, aerr := s.pageOf("BatchGetBlockParticipants", b.Cursor, int(b.Limit), len(list))
	if aerr != nil {
		return nil, aerr
	}
	if w.contradict {
		w.more, w.next = true, -1
	}
	return map[string]any{"HasMore": w.more, "NextCursor": w.next, "Participants": append([]ListedUser{}, list[w.from:w.to]...)}, nil
}

func ptrValue[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
