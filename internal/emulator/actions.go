// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
)

// Cursor styles of ScanConversationParticipantList (Options.CursorStyle).
const (
	CursorOffset = "offset"
	CursorOpaque = "opaque"
)

// handlers serves each action the emulator knows, picked by the Action in
// the query; any other action gets the gateway's InvalidActionOrVersion.
var handlers = map[string]handler{}

// handler answers one action: a Result, or an error.
type handler func(*Server, []byte, *Request) (any, *apiError)

// handle serves action with h; each read's file calls it from its init.
func handle(action string, h handler) { handlers[action] = h }

func init() {
	handle("BatchGetConversationParticipant", (*Server).handleBatchGet)
	handle("ScanConversationParticipantList", (*Server).handleScan)
	handle("GetConversationUserCount", (*Server).handleUserCount)
	handle("BatchGetConversations", (*Server).handleConversations)
}

// ScanBody is the body of ScanConversationParticipantList.
type ScanBody struct {
	AppID               *int64 `json:"AppId"`
	ConversationShortID *int64 `json:"ConversationShortId"`
	Cursor              int64  `json:"Cursor"`
	Limit               int64  `json:"Limit"`
	OnlyUserIDs         *bool  `json:"OnlyUserIds"`
	Reverse             *bool  `json:"Reverse"`
}

// opaque cursors are not offsets: the token for position p (p > 0).
func opaqueCursor(p int) int64 { return int64(p)*1000 + 7 }

// position reads a cursor back; ok is false for one this emulator never
// handed out.
func (s *Server) position(cursor int64) (int, bool) {
	switch {
	case cursor == 0:
		return 0, true
	case cursor < 0:
		return 0, false
	case s.opts.CursorStyle == CursorOpaque:
		return int((cursor - 7) / 1000), (cursor-7)%1000 == 0
	case s.opts.OffsetUntil > 0 && cursor >= lateOpaque:
		return int((cursor - lateOpaque) / 1000), (cursor-lateOpaque)%1000 == 0
	case s.opts.OffsetUntil > 0 && cursor >= int64(s.opts.OffsetUntil):
		return 0, false // an offset this API no longer hands out
	}
	return int(cursor), true
}

// lateOpaque is where the tokens of Options.OffsetUntil start: far above
// any offset, so none is mistaken for one.
const lateOpaque = 1 << 40

func (s *Server) cursorAt(p int) int64 {
	switch {
	case s.opts.CursorStyle == CursorOpaque && p > 0:
		return opaqueCursor(p)
	case s.opts.OffsetUntil > 0 && p >= s.opts.OffsetUntil:
		return lateOpaque + int64(p)*1000
	}
	return int64(p)
}

// pageKey is one page (0-based, pages of ScanLimit records) of an action.
type pageKey struct {
	action string
	page   int
}

// FailPage makes every call of the paged action whose cursor points at the
// page'th page (0-based, pages of ScanLimit records) fail with fault.
func (s *Server) FailPage(action string, page int, fault Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pageFaults == nil {
		s.pageFaults = map[pageKey]Fault{}
	}
	s.pageFaults[pageKey{action, page}] = fault
}

// FailScanPage is FailPage of ScanConversationParticipantList.
func (s *Server) FailScanPage(page int, fault Fault) {
	s.FailPage("ScanConversationParticipantList", page, fault)
}

// ContradictPage makes the page'th page of the paged action say HasMore
// true with NextCursor -1, as a broken API might.
func (s *Server) ContradictPage(action string, page int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pageContradict == nil {
		s.pageContradict = map[pageKey]bool{}
	}
	s.pageContradict[pageKey{action, page}] = true
}

// ContradictScanPage is ContradictPage of ScanConversationParticipantList.
func (s *Server) ContradictScanPage(page int) {
	s.ContradictPage("ScanConversationParticipantList", page)
}

// window is one page of a paged action over n records: records [from, to),
// the page's HasMore and NextCursor, or the scripted fault. size is the
// page's size, at most the call's limit.
type window struct {
	from, to   int
	more       bool
	next       int64
	contradict bool
}

// pageOf serves the page at cursor, of at most size records, over n
// records of action, with the cursor style and the scripted faults.
func (s *Server) pageOf(action string, cursor int64, size, n int) (window, *apiError) {
	pos, ok := s.position(cursor)
	if !ok {
		return window{}, s.businessError("InvalidParam", fmt.Sprintf("Cursor %d is not valid", cursor))
	}
	s.mu.Lock()
	f, fail := s.pageFaults[pageKey{action, pos / s.opts.ScanLimit}]
	contradict := s.pageContradict[pageKey{action, pos / s.opts.ScanLimit}]
	s.mu.Unlock()
	if fail {
		return window{}, f.apiError()
	}
	w := window{from: min(pos, n), to: min(pos+size, n), contradict: contradict}
	w.more = w.to < n
	w.next = -1
	if w.more {
		w.next = s.cursorAt(w.to)
	}
	return w, nil
}

// scanned is who a plain scan lists: every member, but of a live group
// (type 100) only the owner and admins, as the API documents.
func scanned(conv conversation) []Participant {
	if conv.info.ConversationType == nil || *conv.info.ConversationType != 100 {
		return conv.participants
	}
	var out []Participant
	for _, p := range conv.participants {
		if p.Role == 1 || p.Role == 2 {
			out = append(out, p)
		}
	}
	return out
}

// handleScan serves ScanConversationParticipantList in join order.
func (s *Server) handleScan(body []byte, rec *Request) (any, *apiError) {
	var b ScanBody
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	conv, aerr := s.conversation(b.AppID, b.ConversationShortID)
	if aerr != nil {
		return nil, aerr
	}
	if b.Limit <= 0 || b.Limit > int64(s.opts.ScanLimit) {
		return nil, s.businessError("InvalidParam", fmt.Sprintf("Limit must be between 1 and %d", s.opts.ScanLimit))
	}
	members := scanned(conv)
	size := int(b.Limit)
	if s.opts.ScanPageSize > 0 && s.opts.ScanPageSize < size {
		size = s.opts.ScanPageSize
	}
	w, aerr := s.pageOf("ScanConversationParticipantList", b.Cursor, size, len(members))
	if aerr != nil {
		return nil, aerr
	}
	page := append([]Participant{}, members[w.from:w.to]...)
	if w.contradict {
		return map[string]any{"HasMore": true, "NextCursor": -1, "Participants": page}, nil
	}
	more, next := w.more, w.next
	if s.opts.ScanNeverEnds {
		more = true
		next = s.cursorAt(w.to)
		if s.opts.CursorStyle == CursorOpaque {
			pos, _ := s.position(b.Cursor)
			next = s.cursorAt(pos + size)
		}
	}
	return map[string]any{"HasMore": more, "NextCursor": next, "Participants": page}, nil
}

// handleUserCount serves GetConversationUserCount.
func (s *Server) handleUserCount(body []byte, _ *Request) (any, *apiError) {
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
	return map[string]any{"Count": len(conv.participants) * max(1, s.opts.UserCountTimes)}, nil
}

// handleConversations serves BatchGetConversations: known, not dissolved
// conversations in request order; others are left out.
func (s *Server) handleConversations(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID                *int64  `json:"AppId"`
		ConversationShortIDs []int64 `json:"ConversationShortId"`
		SkipMemberCount      *bool   `json:"SkipMemberCount"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	switch {
	case b.AppID == nil || *b.AppID <= 0 || *b.AppID > 1<<31-1:
		return nil, s.businessError("InvalidParam", "AppId is missing or out of range")
	case len(b.ConversationShortIDs) == 0:
		return nil, s.businessError("InvalidParam", "ConversationShortId is empty")
	case s.opts.MaxIDsPerCall > 0 && len(b.ConversationShortIDs) > s.opts.MaxIDsPerCall:
		return nil, s.businessError("InvalidParam",
			fmt.Sprintf("ConversationShortId has %d IDs, more than the limit of %d", len(b.ConversationShortIDs), s.opts.MaxIDsPerCall))
	case !s.apps[*b.AppID]:
		return nil, s.businessError("AppNotFound", fmt.Sprintf("app %d not found", *b.AppID))
	}
	withCount := b.SkipMemberCount != nil && !*b.SkipMemberCount
	infos := []map[string]any{}
	s.state.RLock()
	defer s.state.RUnlock()
	for _, id := range b.ConversationShortIDs {
		c, ok := s.visible(convKey{*b.AppID, id})
		if !ok || (c.info.Status != nil && *c.info.Status == 1) {
			if s.opts.NotFoundAsError {
				return nil, s.businessError("ConversationNotFound", fmt.Sprintf("conversation %d not found", id))
			}
			continue
		}
		infos = append(infos, c.coreInfo(*b.AppID, withCount))
	}
	return map[string]any{"ConversationCoreInfos": infos}, nil
}
