// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
)

// The moderation actions: a live group's mute and block lists, its speaker
// whitelist, and a conversation's marks. Each write is stateful, goes
// through writeAction (LoseAnswers, DropResultField), lists the users
// scripted by FailUsers as failed, and is seen by reads after the read lag.
const (
	ActionAddBlock         = "BatchAddBlockParticipants"
	ActionRemoveBlock      = "BatchDeleteBlockParticipants"
	ActionAddWhitelist     = "BatchAddWhitelistParticipant"
	ActionRemoveWhitelist  = "BatchRemoveWhitelistParticipant"
	ActionGetWhitelist     = "BatchGetWhitelistParticipant"
	ActionMarkConversation = "MarkConversation"
	ActionGetMarks         = "GetConversationMarks"
)

const (
	// DefaultMaxWhitelist is a live group's whitelist cap (documented as
	// the default, with BlockConversationWhiteParticipantMoreThanLimit).
	DefaultMaxWhitelist = 100
	// DefaultMaxMarks is the emulator's mark cap: the API names
	// ConversationMarkTypeMoreThanLimit but not the limit.
	DefaultMaxMarks = 20
	// CodeOnlyLive is the vendor's code for an action of live groups only.
	CodeOnlyLive = "OnlyLiveConversationSupport"
)

// WhitelistedUser is one user on a live group's speaker whitelist, as
// BatchGetWhitelistParticipant returns it.
type WhitelistedUser struct {
	ParticipantUserID int64             `json:"ParticipantUserId"`
	CreateTime        int64             `json:"CreateTime"`
	Operator          int64             `json:"Operator"`
	NickName          string            `json:"NickName"`
	Ext               map[string]string `json:"Ext"`
	AvatarURL         string            `json:"AvatarUrl"`
	Marks             []string          `json:"Marks,omitempty"`
}

func init() {
	handle(ActionAddBlock, writeAction((*Server).handleAddBlock))
	handle(ActionRemoveBlock, writeAction((*Server).handleRemoveBlock))
	handle(ActionAddWhitelist, writeAction((*Server).handleAddWhitelist))
	handle(ActionRemoveWhitelist, writeAction((*Server).handleRemoveWhitelist))
	handle(ActionGetWhitelist, (*Server).handleGetWhitelist)
	handle(ActionMarkConversation, writeAction((*Server).handleMark))
	handle(ActionGetMarks, (*Server).handleGetMarks)
}

// liveOnly refuses a block or whitelist action on a conversation that is
// not a live group (type 100), unless Options.NormalGroupModeration lets a
// normal group (type 2) take them.
func (s *Server) liveOnly(c conversation) *apiError {
	switch t := ptrValue(c.info.ConversationType); {
	case t == 100, t == 2 && s.opts.NormalGroupModeration:
		return nil
	default:
		return s.businessError(CodeOnlyLive, fmt.Sprintf("conversation %d is of type %d; this action is for live groups only", c.info.ConversationShortID, t))
	}
}

// blockList returns a pointer to c's mute (0) or block (1) list.
func (s *Server) blockList(c *conversation, action *int32) (*[]ListedUser, *apiError) {
	switch ptrValue(action) {
	case 0:
		return &c.muted, nil
	case 1:
		return &c.blocked, nil
	}
	return nil, s.businessError("InvalidParam", fmt.Sprintf("BlockAction %d is not 0 or 1", *action))
}

// moderationWrite runs apply on a copy of a live conversation under the
// state lock and stores it only when apply accepts the call.
func (s *Server) moderationWrite(app, conv *int64, liveOnly bool, apply func(c *conversation) (any, *apiError)) (any, *apiError) {
	s.state.Lock()
	defer s.state.Unlock()
	c, aerr := s.live(app, conv)
	if aerr != nil {
		return nil, aerr
	}
	if liveOnly {
		if aerr := s.liveOnly(c); aerr != nil {
			return nil, aerr
		}
	}
	c.muted, c.blocked, c.whitelist, c.marks = slices.Clone(c.muted), slices.Clone(c.blocked), slices.Clone(c.whitelist), slices.Clone(c.marks)
	res, aerr := apply(&c)
	if aerr != nil {
		return nil, aerr
	}
	s.put(convKey{*app, *conv}, c)
	return res, nil
}

// handleAddBlock mutes (BlockAction 0) or blocks (1) users for the seconds
// each is given: BlockTime becomes now plus them (Options.MaxBlockSeconds,
// ZeroBlockForever). A user already listed gets the new end. A duration
// the emulator does not take refuses the whole call.
func (s *Server) handleAddBlock(body []byte, rec *Request) (any, *apiError) {
	var b struct {
		AppID                 *int64           `json:"AppId"`
		ConversationShortID   *int64           `json:"ConversationShortId"`
		ParticipantBlockInfos map[string]int64 `json:"ParticipantBlockInfos"`
		BlockAction           *int32           `json:"BlockAction"`
	}
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	return s.moderationWrite(b.AppID, b.ConversationShortID, true, func(c *conversation) (any, *apiError) {
		list, aerr := s.blockList(c, b.BlockAction)
		if aerr != nil {
			return nil, aerr
		}
		n := len(b.ParticipantBlockInfos)
		switch {
		case n == 0:
			return nil, s.businessError("InvalidParam", "ParticipantBlockInfos is empty")
		case s.opts.MaxIDsPerCall > 0 && n > s.opts.MaxIDsPerCall:
			return nil, s.businessError("ConversationParticipantsMoreThanLimit",
				fmt.Sprintf("the call names %d participants, more than the limit of %d", n, s.opts.MaxIDsPerCall))
		}
		type entry struct{ user, secs int64 }
		entries := make([]entry, 0, n)
		for key, secs := range b.ParticipantBlockInfos {
			user, err := strconv.ParseInt(key, 10, 64)
			switch {
			case err != nil || user <= 0:
				return nil, s.businessError("InvalidParam", fmt.Sprintf("ParticipantBlockInfos key %q is not a positive user ID", key))
			case secs < 0, secs == 0 && !s.opts.ZeroBlockForever:
				return nil, s.businessError("InvalidParam", fmt.Sprintf("user %d: block duration %d is not positive", user, secs))
			case s.opts.MaxBlockSeconds > 0 && secs > s.opts.MaxBlockSeconds:
				return nil, s.businessError("InvalidParam", fmt.Sprintf("user %d: block duration %d s is longer than %d s", user, secs, s.opts.MaxBlockSeconds))
			}
			entries = append(entries, entry{user, secs})
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].user < entries[j].user })
		fail := s.failedUsers(ActionAddBlock)
		failed := []int64{}
		now := s.now()
		for _, e := range entries {
			if fail[e.user] {
				failed = append(failed, e.user)
				continue
			}
			until := int64(0)
			if e.secs > 0 {
				until = now + e.secs
			}
			i := slices.IndexFunc(*list, func(u ListedUser) bool { return u.ParticipantUserID == e.user })
			if i < 0 {
				*list = append(*list, ListedUser{ParticipantUserID: e.user, CreateTime: ptr(now), Ext: map[string]string{}})
				i = len(*list) - 1
			}
			(*list)[i].BlockTime = ptr(until)
		}
		return map[string]any{"FailedParticipantUserIds": failed}, nil
	})
}

// handleRemoveBlock unmutes or unblocks users; a user not listed is not a
// failure (the goal holds). Users scripted by FailUsers are listed in
// FailedParticipantUserIds and stay.
func (s *Server) handleRemoveBlock(body []byte, rec *Request) (any, *apiError) {
	var b struct {
		AppID               *int64  `json:"AppId"`
		ConversationShortID *int64  `json:"ConversationShortId"`
		ParticipantUserIDs  []int64 `json:"ParticipantUserIds"`
		BlockAction         *int32  `json:"BlockAction"`
	}
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	return s.moderationWrite(b.AppID, b.ConversationShortID, true, func(c *conversation) (any, *apiError) {
		list, aerr := s.blockList(c, b.BlockAction)
		if aerr != nil {
			return nil, aerr
		}
		if aerr := s.checkIDs(b.ParticipantUserIDs); aerr != nil {
			return nil, aerr
		}
		fail := s.failedUsers(ActionRemoveBlock)
		failed, gone := []int64{}, map[int64]bool{}
		for _, u := range b.ParticipantUserIDs {
			if fail[u] {
				failed = append(failed, u)
			} else {
				gone[u] = true
			}
		}
		*list = slices.DeleteFunc(*list, func(u ListedUser) bool { return gone[u.ParticipantUserID] })
		return map[string]any{"FailedParticipantUserIds": failed}, nil
	})
}

// checkIDs checks a ParticipantUserIds list of a moderation write.
func (s *Server) checkIDs(ids []int64) *apiError {
	switch {
	case len(ids) == 0:
		return s.businessError("InvalidParam", "ParticipantUserIds is empty")
	case s.opts.MaxIDsPerCall > 0 && len(ids) > s.opts.MaxIDsPerCall:
		return s.businessError("ConversationParticipantsMoreThanLimit",
			fmt.Sprintf("the call names %d participants, more than the limit of %d", len(ids), s.opts.MaxIDsPerCall))
	}
	for _, id := range ids {
		if id <= 0 {
			return s.businessError("InvalidParam", "ParticipantUserIds holds an ID that is not positive")
		}
	}
	return nil
}

type whitelistBody struct {
	AppID               *int64  `json:"AppId"`
	ConversationShortID *int64  `json:"ConversationShortId"`
	Operator            *int64  `json:"Operator"`
	ParticipantUserIDs  []int64 `json:"ParticipantUserIds"`
}

func (s *Server) whitelistCap() int {
	if s.opts.MaxWhitelist > 0 {
		return s.opts.MaxWhitelist
	}
	return DefaultMaxWhitelist
}

// handleAddWhitelist puts users on the speaker whitelist (a user already
// on it is done). Over the cap, nothing is applied.
func (s *Server) handleAddWhitelist(body []byte, rec *Request) (any, *apiError) {
	var b whitelistBody
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	return s.moderationWrite(b.AppID, b.ConversationShortID, true, func(c *conversation) (any, *apiError) {
		if b.Operator == nil || *b.Operator <= 0 {
			return nil, s.businessError("InvalidParam", "Operator is missing or not positive")
		}
		if aerr := s.checkIDs(b.ParticipantUserIDs); aerr != nil {
			return nil, aerr
		}
		fail := s.failedUsers(ActionAddWhitelist)
		failed := []int64{}
		for _, u := range b.ParticipantUserIDs {
			switch {
			case fail[u]:
				failed = append(failed, u)
			case !slices.ContainsFunc(c.whitelist, func(w WhitelistedUser) bool { return w.ParticipantUserID == u }):
				c.whitelist = append(c.whitelist, WhitelistedUser{ParticipantUserID: u, CreateTime: s.now(), Operator: *b.Operator, Ext: map[string]string{}})
			}
		}
		if len(c.whitelist) > s.whitelistCap() {
			return nil, s.businessError("BlockConversationWhiteParticipantMoreThanLimit",
				fmt.Sprintf("the whitelist of conversation %d would hold %d users, more than %d", c.info.ConversationShortID, len(c.whitelist), s.whitelistCap()))
		}
		return map[string]any{"FailedUserIds": failed}, nil
	})
}

// handleRemoveWhitelist takes users off the whitelist; a user not on it
// is not a failure.
func (s *Server) handleRemoveWhitelist(body []byte, rec *Request) (any, *apiError) {
	var b whitelistBody
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	return s.moderationWrite(b.AppID, b.ConversationShortID, true, func(c *conversation) (any, *apiError) {
		if b.Operator == nil || *b.Operator <= 0 {
			return nil, s.businessError("InvalidParam", "Operator is missing or not positive")
		}
		if aerr := s.checkIDs(b.ParticipantUserIDs); aerr != nil {
			return nil, aerr
		}
		fail := s.failedUsers(ActionRemoveWhitelist)
		failed, gone := []int64{}, map[int64]bool{}
		for _, u := range b.ParticipantUserIDs {
			if fail[u] {
				failed = append(failed, u)
			} else {
				gone[u] = true
			}
		}
		c.whitelist = slices.DeleteFunc(c.whitelist, func(w WhitelistedUser) bool { return gone[w.ParticipantUserID] })
		return map[string]any{"FailedUserIds": failed}, nil
	})
}

// handleGetWhitelist serves BatchGetWhitelistParticipant in the order
// users were added, by cursor, at most ScanLimit (20) a page.
func (s *Server) handleGetWhitelist(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID               *int64 `json:"AppId"`
		ConversationShortID *int64 `json:"ConversationShortId"`
		Cursor              int64  `json:"Cursor"`
		Limit               int64  `json:"Limit"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	conv, aerr := s.conversation(b.AppID, b.ConversationShortID)
	if aerr != nil {
		return nil, aerr
	}
	if aerr := s.liveOnly(conv); aerr != nil {
		return nil, aerr
	}
	if aerr := s.limit(b.Limit); aerr != nil {
		return nil, aerr
	}
	w, aerr := s.pageOf(ActionGetWhitelist, b.Cursor, int(b.Limit), len(conv.whitelist))
	if aerr != nil {
		return nil, aerr
	}
	if w.contradict {
		w.more, w.next = true, -1
	}
	return map[string]any{"HasMore": w.more, "NextCursor": w.next, "Participants": append([]WhitelistedUser{}, conv.whitelist[w.from:w.to]...)}, nil
}

// handleMark adds (MarkAction 1) or deletes (2) marks; adding one held or
// deleting one not held changes nothing. Over MaxMarks, nothing is
// applied. Any conversation type takes marks.
func (s *Server) handleMark(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID               *int64   `json:"AppId"`
		ConversationShortID *int64   `json:"ConversationShortId"`
		MarkTypes           []string `json:"MarkTypes"`
		MarkAction          *int32   `json:"MarkAction"`
		Operator            *int64   `json:"Operator"`
	}
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	return s.moderationWrite(b.AppID, b.ConversationShortID, false, func(c *conversation) (any, *apiError) {
		if len(b.MarkTypes) == 0 {
			return nil, s.businessError("InvalidParam", "MarkTypes is empty")
		}
		for _, m := range b.MarkTypes {
			if m == "" {
				return nil, s.businessError("InvalidParam", "MarkTypes holds an empty mark")
			}
		}
		switch ptrValue(b.MarkAction) {
		case 1:
			for _, m := range b.MarkTypes {
				if !slices.Contains(c.marks, m) {
					c.marks = append(c.marks, m)
				}
			}
		case 2:
			c.marks = slices.DeleteFunc(c.marks, func(m string) bool { return slices.Contains(b.MarkTypes, m) })
		default:
			return nil, s.businessError("InvalidParam", fmt.Sprintf("MarkAction %d is not 1 or 2", ptrValue(b.MarkAction)))
		}
		limit := s.opts.MaxMarks
		if limit <= 0 {
			limit = DefaultMaxMarks
		}
		if len(c.marks) > limit {
			return nil, s.businessError("ConversationMarkTypeMoreThanLimit",
				fmt.Sprintf("conversation %d would hold %d marks, more than %d", c.info.ConversationShortID, len(c.marks), limit))
		}
		return map[string]any{}, nil
	})
}

// handleGetMarks answers a conversation's marks, in the order added.
func (s *Server) handleGetMarks(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID               *int64 `json:"AppId"`
		ConversationShortID *int64 `json:"ConversationShortId"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	conv, aerr := s.conversation(b.AppID, b.ConversationShortID)
	if aerr != nil {
		return nil, aerr
	}
	return map[string]any{"MarkTypes": append([]string{}, conv.marks...)}, nil
}

// listedNow is a mute or block list as reads show it: without the blocks
// that have ended, unless Options.KeepExpiredBlocks.
func (s *Server) listedNow(list []ListedUser) []ListedUser {
	if s.opts.KeepExpiredBlocks {
		return list
	}
	now := s.now()
	return slices.DeleteFunc(slices.Clone(list), func(u ListedUser) bool {
		end := ptrValue(u.BlockTime)
		return end > 0 && end <= now
	})
}

// Test helpers (as state.go's): the lists as they are now, and changes
// made as someone outside Terraform would.

// BlockList returns a conversation's mute (0) or block (1) list as stored,
// ended blocks included.
func (s *Server) BlockList(app, conv int64, list int32) []ListedUser {
	s.state.RLock()
	defer s.state.RUnlock()
	c := s.convs[convKey{app, conv}]
	if list == 1 {
		return clone(c.blocked)
	}
	return clone(c.muted)
}

// SetBlock puts user on a mute (0) or block (1) list until the Unix
// second until (0: no end), or changes their end.
func (s *Server) SetBlock(app, conv int64, list int32, user, until int64) error {
	return s.editMembers(app, conv, func(c *conversation) {
		l := &c.muted
		if list == 1 {
			l = &c.blocked
		}
		*l = slices.Clone(*l)
		if i := slices.IndexFunc(*l, func(u ListedUser) bool { return u.ParticipantUserID == user }); i >= 0 {
			(*l)[i].BlockTime = ptr(until)
			return
		}
		*l = append(*l, ListedUser{ParticipantUserID: user, BlockTime: ptr(until), CreateTime: ptr(s.now())})
	})
}

// Whitelist returns the user IDs on a conversation's whitelist, in order.
func (s *Server) Whitelist(app, conv int64) []int64 {
	s.state.RLock()
	defer s.state.RUnlock()
	var ids []int64
	for _, w := range s.convs[convKey{app, conv}].whitelist {
		ids = append(ids, w.ParticipantUserID)
	}
	return ids
}

// AddToWhitelist puts users on a conversation's whitelist.
func (s *Server) AddToWhitelist(app, conv int64, users ...int64) error {
	return s.editMembers(app, conv, func(c *conversation) {
		c.whitelist = slices.Clone(c.whitelist)
		for _, u := range users {
			c.whitelist = append(c.whitelist, WhitelistedUser{ParticipantUserID: u, CreateTime: s.now(), Operator: 1, Ext: map[string]string{}})
		}
	})
}

// Marks returns a conversation's marks, in the order added.
func (s *Server) Marks(app, conv int64) []string {
	s.state.RLock()
	defer s.state.RUnlock()
	return slices.Clone(s.convs[convKey{app, conv}].marks)
}

// SetMarks replaces a conversation's marks.
func (s *Server) SetMarks(app, conv int64, marks ...string) error {
	return s.editMembers(app, conv, func(c *conversation) { c.marks = slices.Clone(marks) })
}
