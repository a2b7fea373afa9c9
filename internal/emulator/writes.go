// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
)

// The six write actions. Conversations and members live in memory (the
// fixtures are where they start), under Server.state; every write replaces
// a conversation's value (copy on write), so the reads, which look a
// conversation up and then use their copy, see each write whole or not at
// all. What the API does not document, the emulator decides here, and the
// doc comment of each handler says how.

// Write actions.
const (
	ActionCreateConversation  = "CreateConversation"
	ActionModifyConversation  = "ModifyConversation"
	ActionDestroyConversation = "DestroyConversation"
	ActionAddParticipants     = "BatchAddConversationParticipant"
	ActionModifyParticipants  = "BatchModifyConversationParticipant"
	ActionRemoveParticipants  = "BatchDeleteConversationParticipant"
)

const (
	// DefaultMaxMembers is a normal group's member cap (documented; raised
	// in the console): Options.MaxMembers changes it.
	DefaultMaxMembers = 200
	// DefaultMaxLiveMembers is a live group's member cap (documented).
	DefaultMaxLiveMembers = 10000
	// MaxAdmins is the most admins a conversation holds (documented).
	MaxAdmins = 10
	// firstCreatedID is the short ID of the first conversation the
	// emulator creates; above 2^53, as real IDs are.
	firstCreatedID = 7100000000000000001
)

func init() {
	handle(ActionCreateConversation, writeAction((*Server).handleCreateConversation))
	handle(ActionModifyConversation, writeAction((*Server).handleModifyConversation))
	handle(ActionDestroyConversation, writeAction((*Server).handleDestroyConversation))
	handle(ActionAddParticipants, writeAction((*Server).handleAddParticipants))
	handle(ActionModifyParticipants, writeAction((*Server).handleModifyParticipants))
	handle(ActionRemoveParticipants, writeAction((*Server).handleRemoveParticipants))
}

// writeActions are the actions the API allows 50 calls a second, half the
// reads' 100.
var writeActions = map[string]bool{
	ActionCreateConversation: true, ActionModifyConversation: true, ActionDestroyConversation: true,
	ActionAddParticipants: true, ActionModifyParticipants: true, ActionRemoveParticipants: true,
	ActionRegisterUsers: true, ActionUpdateUsers: true, ActionUnregisterUsers: true,
	ActionAddBlock: true, ActionRemoveBlock: true, ActionAddWhitelist: true, ActionRemoveWhitelist: true,
	ActionMarkConversation: true,
}

// rateLimit is the calls of action one key may make per window: half of
// Options.RateLimit for a write action (at least one).
func (s *Server) rateLimit(action string) int {
	if writeActions[action] {
		return max(s.opts.RateLimit/2, 1)
	}
	return s.opts.RateLimit
}

// writeState is what the writes keep beside the conversations, and their
// scripted faults; guarded by Server.state.
type writeState struct {
	idempotent map[idemKey]int64 // (app, IdempotentId) to the conversation it created
	nextID     int64
	failUsers  map[string]map[int64]bool // by action: user IDs answered in FailedUserIds
	lieUsers   map[string]map[int64]bool // by action: user IDs applied, yet answered as failed
	lose       map[string][]Fault        // by action: answers to lose after applying
	drop       map[string][]string       // by action: Result fields to leave out
	replace    map[string][]resultField  // by action: Result fields to answer otherwise
}

// resultField is a Result field and the value a scripted answer gives it.
type resultField struct {
	name  string
	value any
}

type idemKey struct {
	app int64
	key string
}

// writeAction wraps a write's handler with the scripted losses: a write
// that succeeded may have its answer replaced (LoseAnswers) or a field of
// its Result left out (DropResultField), after the change was made.
func writeAction(h handler) handler {
	return func(s *Server, body []byte, rec *Request) (any, *apiError) {
		res, aerr := h(s, body, rec)
		if aerr != nil {
			return nil, aerr
		}
		s.state.Lock()
		defer s.state.Unlock()
		w := &s.writes
		if q := w.lose[rec.Action]; len(q) > 0 {
			f := q[0]
			w.lose[rec.Action] = q[1:]
			e := f.apiError()
			e.cut = f == (Fault{})
			return nil, e
		}
		if q := w.replace[rec.Action]; len(q) > 0 {
			f := q[0]
			w.replace[rec.Action] = q[1:]
			if m, ok := res.(map[string]any); ok {
				m = maps.Clone(m)
				m[f.name] = f.value
				res = m
			}
		}
		if q := w.drop[rec.Action]; len(q) > 0 {
			field := q[0]
			w.drop[rec.Action] = q[1:]
			if m, ok := res.(map[string]any); ok {
				m = maps.Clone(m)
				delete(m, field)
				res = m
			}
		}
		return res, nil
	}
}

// FailUsers makes every later call of the write action that names one of
// userIDs leave that user out and list it in FailedUserIds (the other
// users of the call are applied). No IDs stops it for that action.
func (s *Server) FailUsers(action string, userIDs ...int64) {
	s.state.Lock()
	defer s.state.Unlock()
	if s.writes.failUsers == nil {
		s.writes.failUsers = map[string]map[int64]bool{}
	}
	if len(userIDs) == 0 {
		delete(s.writes.failUsers, action)
		return
	}
	set := map[int64]bool{}
	for _, id := range userIDs {
		set[id] = true
	}
	s.writes.failUsers[action] = set
}

// LoseAnswers makes the next n successful calls of the write action lose
// their answer after the change was made: the client gets fault instead
// (FaultBadGateway, FaultUnavailable, ...), or, with the zero Fault, the
// connection is closed without an answer.
func (s *Server) LoseAnswers(action string, n int, fault Fault) {
	s.state.Lock()
	defer s.state.Unlock()
	if s.writes.lose == nil {
		s.writes.lose = map[string][]Fault{}
	}
	for range n {
		s.writes.lose[action] = append(s.writes.lose[action], fault)
	}
}

// DropResultField makes the next n successful calls of the write action
// answer without field in their Result (as "ConversationShortId"), after
// the change was made.
func (s *Server) DropResultField(action string, n int, field string) {
	s.state.Lock()
	defer s.state.Unlock()
	if s.writes.drop == nil {
		s.writes.drop = map[string][]string{}
	}
	for range n {
		s.writes.drop[action] = append(s.writes.drop[action], field)
	}
}

// ReplaceResultField makes the next n successful calls of the write
// action answer with field set to value in their Result (FailedUserIds
// naming users it applied, as strings, repeated, ...), after the change
// was made as asked.
func (s *Server) ReplaceResultField(action string, n int, field string, value any) {
	s.state.Lock()
	defer s.state.Unlock()
	if s.writes.replace == nil {
		s.writes.replace = map[string][]resultField{}
	}
	for range n {
		s.writes.replace[action] = append(s.writes.replace[action], resultField{field, value})
	}
}

// decodeWrite reads a write's body strictly: the API would silently
// ignore a field it does not know, so a client's misspelt field would look
// like a field left out; here it is an InvalidParam naming it. (The
// fields of the SDK's request types that this provider never sends, as
// the *Str user IDs, count as unknown.)
func (s *Server) decodeWrite(body []byte, v any) *apiError {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field") {
			return s.businessError("InvalidParam", "the emulator does not know this field: "+err.Error())
		}
		return s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	return nil
}

// live looks up a conversation a write may change: known and not
// dissolved. The caller holds s.state.
func (s *Server) live(app, conv *int64) (conversation, *apiError) {
	switch {
	case app == nil || *app <= 0 || *app > 1<<31-1:
		return conversation{}, s.businessError("InvalidParam", "AppId is missing or out of range")
	case conv == nil || *conv <= 0:
		return conversation{}, s.businessError("InvalidParam", "ConversationShortId is missing or not positive")
	case !s.apps[*app]:
		return conversation{}, s.businessError("AppNotFound", fmt.Sprintf("app %d not found", *app))
	}
	c, ok := s.convs[convKey{*app, *conv}]
	if !ok || ptrValue(c.info.Status) == 1 {
		return conversation{}, s.businessError("ConversationNotFound", fmt.Sprintf("conversation %d not found", *conv))
	}
	return c, nil
}

func (s *Server) now() int64 { return s.opts.Now().Unix() }

// coreBody is ConversationCoreInfo of CreateConversation and
// ModifyConversation.
type coreBody struct {
	ConversationShortID *int64             `json:"ConversationShortId"`
	ConversationType    *int64             `json:"ConversationType"`
	Name                *string            `json:"Name"`
	AvatarURL           *string            `json:"AvatarUrl"`
	Description         *string            `json:"Description"`
	Notice              *string            `json:"Notice"`
	Ext                 *map[string]string `json:"Ext"`
	OwnerUserID         *int64             `json:"OwnerUserId"`
}

// handleCreateConversation creates a group (2) or live group (100) with
// its owner as the only member (Role 1). An IdempotentId already used in
// the app answers Exist true with that conversation, whatever its state,
// and creates nothing; without one, every call creates.
func (s *Server) handleCreateConversation(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID        *int64   `json:"AppId"`
		OwnerUserID  *int64   `json:"OwnerUserId"`
		Core         coreBody `json:"ConversationCoreInfo"`
		InboxType    *int64   `json:"InboxType"`
		IdempotentID *string  `json:"IdempotentId"`
		OtherUserID  *int64   `json:"OtherUserId"`
	}
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	switch {
	case b.AppID == nil || *b.AppID <= 0 || *b.AppID > 1<<31-1:
		return nil, s.businessError("InvalidParam", "AppId is missing or out of range")
	case !s.apps[*b.AppID]:
		return nil, s.businessError("AppNotFound", fmt.Sprintf("app %d not found", *b.AppID))
	case b.OwnerUserID == nil || *b.OwnerUserID <= 0:
		return nil, s.businessError("InvalidParam", "OwnerUserId is missing or not positive")
	case b.Core.ConversationType == nil:
		return nil, s.businessError("InvalidParam", "ConversationCoreInfo.ConversationType is missing")
	case *b.Core.ConversationType == 1:
		return nil, s.businessError("InvalidParam", "the emulator does not create one-to-one conversations")
	case *b.Core.ConversationType != 2 && *b.Core.ConversationType != 100:
		return nil, s.businessError("InvalidParam", fmt.Sprintf("ConversationType %d is not 1, 2 or 100", *b.Core.ConversationType))
	}
	app := *b.AppID
	s.state.Lock()
	defer s.state.Unlock()
	w := &s.writes
	if w.idempotent == nil {
		w.idempotent = map[idemKey]int64{}
	}
	key := ptrValue(b.IdempotentID)
	if key != "" {
		if id, ok := w.idempotent[idemKey{app, key}]; ok {
			return createAnswer(app, s.convs[convKey{app, id}], true), nil
		}
	}
	if w.nextID == 0 {
		w.nextID = firstCreatedID
	}
	id := w.nextID
	for {
		if _, taken := s.convs[convKey{app, id}]; !taken {
			break
		}
		id++
	}
	w.nextID = id + 1
	now := s.now()
	typ, owner := *b.Core.ConversationType, *b.OwnerUserID
	c := conversation{info: Conversation{
		ConversationShortID: id, ConversationID: ptr(fmt.Sprintf("0:%d:%d:%d", typ, owner, id)),
		ConversationType: ptr(typ), Name: b.Core.Name, AvatarURL: b.Core.AvatarURL, Description: b.Core.Description,
		Notice: b.Core.Notice, OwnerUserID: ptr(owner), CreatorUserID: ptr(owner), InboxType: ptr(ptrValue(b.InboxType)),
		CreateTime: ptr(now), ModifyTime: ptr(now), Status: ptr(int64(0)),
	}}
	if b.Core.Ext != nil {
		c.info.Ext = maps.Clone(*b.Core.Ext)
	}
	if typ == 100 {
		c.info.OnlineCount = ptr(int64(0))
	}
	c.participants = []Participant{{ConversationShortID: id, ParticipantUserID: owner, Operator: owner, Role: 1,
		CreateTime: ptr(now), Status: ptr(int32(0)), Ext: map[string]string{}}}
	c.pos = map[int64]int{owner: 0}
	s.put(convKey{app, id}, c)
	if key != "" {
		w.idempotent[idemKey{app, key}] = id
	}
	return createAnswer(app, c, false), nil
}

func createAnswer(app int64, c conversation, exist bool) map[string]any {
	return map[string]any{
		"ConversationShortId": c.info.ConversationShortID, "ConversationId": ptrValue(c.info.ConversationID),
		"Exist": exist, "ConversationInfo": c.coreInfo(app, false),
	}
}

// handleModifyConversation sets the fields it is given. Ext replaces the
// stored map, or with Options.MergeExt is merged into it (the API does not
// document which). OwnerUserId transfers ownership to a current member
// (ParticipantNotInConversation otherwise): the new owner gets Role 1, the
// old one becomes a plain member.
func (s *Server) handleModifyConversation(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID *int64   `json:"AppId"`
		Core  coreBody `json:"ConversationCoreInfo"`
	}
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	s.state.Lock()
	defer s.state.Unlock()
	c, aerr := s.live(b.AppID, b.Core.ConversationShortID)
	if aerr != nil {
		return nil, aerr
	}
	info := c.info
	set := func(dst **string, v *string) {
		if v != nil {
			*dst = ptr(*v)
		}
	}
	set(&info.Name, b.Core.Name)
	set(&info.AvatarURL, b.Core.AvatarURL)
	set(&info.Description, b.Core.Description)
	set(&info.Notice, b.Core.Notice)
	if b.Core.Ext != nil {
		ext := map[string]string{}
		if s.opts.MergeExt {
			maps.Copy(ext, info.Ext)
		}
		maps.Copy(ext, *b.Core.Ext)
		info.Ext = ext
	}
	if o := b.Core.OwnerUserID; o != nil && *o != ptrValue(info.OwnerUserID) {
		i, ok := c.pos[*o]
		if *o <= 0 || !ok || ptrValue(c.participants[i].Status) == 1 {
			return nil, s.businessError("ParticipantNotInConversation",
				fmt.Sprintf("user %d is not a member of conversation %d", *o, c.info.ConversationShortID))
		}
		parts := slices.Clone(c.participants)
		if j, ok := c.pos[ptrValue(info.OwnerUserID)]; ok {
			parts[j].Role = 0
		}
		parts[i].Role = 1
		c.participants = parts
		info.OwnerUserID, info.OwnerUserIDStr = ptr(*o), nil
	}
	info.ModifyTime = ptr(s.now())
	c.info = info
	s.put(convKey{*b.AppID, info.ConversationShortID}, c)
	return map[string]any{}, nil
}

// handleDestroyConversation dissolves a conversation (Status 1; reads by
// BatchGetConversations leave it out, and writes answer
// ConversationNotFound), for its owner only (OnlyOwnerCanOperator).
func (s *Server) handleDestroyConversation(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID               *int64 `json:"AppId"`
		ConversationShortID *int64 `json:"ConversationShortId"`
		OwnerUserID         *int64 `json:"OwnerUserId"`
	}
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	s.state.Lock()
	defer s.state.Unlock()
	c, aerr := s.live(b.AppID, b.ConversationShortID)
	if aerr != nil {
		return nil, aerr
	}
	if ptrValue(c.info.ConversationType) == 1 {
		return nil, s.businessError("SingleConversationNotSupport", "one-to-one conversations cannot be destroyed")
	}
	if b.OwnerUserID == nil || *b.OwnerUserID != ptrValue(c.info.OwnerUserID) {
		return nil, s.businessError("OnlyOwnerCanOperator", "only the conversation's owner can destroy it")
	}
	c.info.Status, c.info.ModifyTime = ptr(int64(1)), ptr(s.now())
	s.put(convKey{*b.AppID, *b.ConversationShortID}, c)
	return map[string]any{}, nil
}

// infoBody is one of ParticipantInfos.
type infoBody struct {
	ParticipantUserID *int64             `json:"ParticipantUserId"`
	Role              *int64             `json:"Role"`
	Level             *int32             `json:"Level"`
	NickName          *string            `json:"NickName"`
	ReadIndex         *int64             `json:"ReadIndex"`
	Ext               *map[string]string `json:"Ext"`
	BlockTime         *int64             `json:"BlockTime"`
}

type membersBody struct {
	AppID               *int64     `json:"AppId"`
	ConversationShortID *int64     `json:"ConversationShortId"`
	Operator            *int64     `json:"Operator"`
	ParticipantInfos    []infoBody `json:"ParticipantInfos"`
	ParticipantUserIDs  []int64    `json:"ParticipantUserIds"`
	Barrier             *bool      `json:"Barrier"`
}

// memberWrite checks what every member write needs and returns the
// conversation. The caller holds s.state.
func (s *Server) memberWrite(b membersBody, n int) (conversation, *apiError) {
	c, aerr := s.live(b.AppID, b.ConversationShortID)
	switch {
	case aerr != nil:
		return c, aerr
	case ptrValue(c.info.ConversationType) == 1:
		return c, s.businessError("SingleConversationNotSupport", "one-to-one conversations have no member writes")
	case b.Operator == nil || *b.Operator <= 0:
		return c, s.businessError("InvalidParam", "Operator is missing or not positive")
	case n == 0:
		return c, s.businessError("InvalidParam", "no participants given")
	case s.opts.MaxIDsPerCall > 0 && n > s.opts.MaxIDsPerCall:
		return c, s.businessError("ConversationParticipantsMoreThanLimit",
			fmt.Sprintf("the call names %d participants, more than the limit of %d", n, s.opts.MaxIDsPerCall))
	}
	return c, nil
}

// memberCap is how many members c may hold.
func (s *Server) memberCap(c conversation) int {
	if ptrValue(c.info.ConversationType) == 100 {
		return DefaultMaxLiveMembers
	}
	if s.opts.MaxMembers > 0 {
		return s.opts.MaxMembers
	}
	return DefaultMaxMembers
}

// checkCaps refuses a conversation's new member list over the member cap
// or with more than MaxAdmins admins; nothing of the call is applied.
func (s *Server) checkCaps(c conversation, parts []Participant) *apiError {
	members, admins := 0, 0
	for _, p := range parts {
		if ptrValue(p.Status) == 1 {
			continue
		}
		members++
		if p.Role == 2 {
			admins++
		}
	}
	if limit := s.memberCap(c); members > limit {
		return s.businessError("ConversationParticipantsMoreThanLimit",
			fmt.Sprintf("conversation %d would hold %d members, more than its limit of %d", c.info.ConversationShortID, members, limit))
	}
	if admins > MaxAdmins {
		return s.businessError("ManagerMoreThanLimit",
			fmt.Sprintf("conversation %d would have %d admins, more than %d", c.info.ConversationShortID, admins, MaxAdmins))
	}
	return nil
}

// role is the role a write sets: an invalid value becomes 0 (documented);
// 1 only for the owner (OwnerShouldBeEqual), who keeps it whatever is sent.
func (s *Server) role(c conversation, user int64, r *int64) (int64, *apiError) {
	owner := user == ptrValue(c.info.OwnerUserID)
	switch {
	case owner:
		return 1, nil
	case r == nil:
		return 0, nil
	case *r == 1:
		return 0, s.businessError("OwnerShouldBeEqual", fmt.Sprintf("user %d is not the conversation's owner and cannot get role 1", user))
	case *r == 2:
		return 2, nil
	}
	return 0, nil
}

// failedUsers returns the scripted FailedUserIds of action.
func (s *Server) failedUsers(action string) map[int64]bool { return s.writes.failUsers[action] }

// writeMembers is what the three member writes share: under the state
// lock it checks the call (memberWrite; n is how many participants it
// names), lets apply change a copy of the conversation, and stores the
// copy only if apply accepts the call, so a refused call changes nothing.
// The answer lists the users apply could not write; fail are those
// scripted to fail for action.
func (s *Server) writeMembers(b membersBody, n int, action string,
	apply func(b membersBody, c *conversation, fail map[int64]bool) ([]int64, *apiError)) (any, *apiError) {
	s.state.Lock()
	defer s.state.Unlock()
	c, aerr := s.memberWrite(b, n)
	if aerr != nil {
		return nil, aerr
	}
	failed, aerr := apply(b, &c, s.failedUsers(action))
	if aerr != nil {
		return nil, aerr
	}
	s.put(convKey{*b.AppID, *b.ConversationShortID}, c)
	return map[string]any{"FailedUserIds": failed}, nil
}

// handleAddParticipants adds members (appended in join order, CreateTime
// now) and overwrites the data of those who already are (documented):
// Role, Level, NickName and Ext become what the call sends, an omitted one
// its default; a member keeps their join time, the owner their role. Users
// scripted by FailUsers are listed in FailedUserIds and not added. Over
// the member cap or the admin cap, nothing is applied.
func (s *Server) handleAddParticipants(body []byte, rec *Request) (any, *apiError) {
	var b membersBody
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	return s.writeMembers(b, len(b.ParticipantInfos), rec.Action, s.addParticipants)
}

// addParticipants is the change handleAddParticipants makes, run by writeMembers
// under the state lock.
func (s *Server) addParticipants(b membersBody, c *conversation, fail map[int64]bool) ([]int64, *apiError) {
	parts := slices.Clone(c.participants)
	pos := maps.Clone(c.pos)
	failed := []int64{}
	now := s.now()
	for _, in := range b.ParticipantInfos {
		if in.ParticipantUserID == nil || *in.ParticipantUserID <= 0 {
			return nil, s.businessError("InvalidParam", "ParticipantUserId is missing or not positive")
		}
		user := *in.ParticipantUserID
		if fail[user] {
			failed = append(failed, user)
			continue
		}
		role, aerr := s.role(*c, user, in.Role)
		if aerr != nil {
			return nil, aerr
		}
		p := Participant{ConversationShortID: c.info.ConversationShortID, ParticipantUserID: user, Operator: *b.Operator,
			Role: role, Level: in.Level, NickName: in.NickName, Ext: map[string]string{}, CreateTime: ptr(now), Status: ptr(int32(0))}
		if in.Ext != nil {
			p.Ext = maps.Clone(*in.Ext)
		}
		if i, ok := pos[user]; ok {
			if ptrValue(parts[i].Status) != 1 {
				p.CreateTime = parts[i].CreateTime
			}
			p.BlockTime = parts[i].BlockTime
			parts[i] = p
			continue
		}
		pos[user] = len(parts)
		parts = append(parts, p)
	}
	if aerr := s.checkCaps(*c, parts); aerr != nil {
		return nil, aerr
	}
	c.participants, c.pos = parts, pos
	return failed, nil
}

// handleModifyParticipants sets the fields it is given (an omitted one is
// unchanged; Ext is replaced, or merged with Options.MergeExt). Users who
// are not members, who left, or scripted by FailUsers are listed in
// FailedUserIds. Over the admin cap, nothing is applied.
func (s *Server) handleModifyParticipants(body []byte, rec *Request) (any, *apiError) {
	var b membersBody
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	return s.writeMembers(b, len(b.ParticipantInfos), rec.Action, s.modifyParticipants)
}

// modifyParticipants is the change handleModifyParticipants makes, run by writeMembers
// under the state lock.
func (s *Server) modifyParticipants(b membersBody, c *conversation, fail map[int64]bool) ([]int64, *apiError) {
	parts := slices.Clone(c.participants)
	failed := []int64{}
	for _, in := range b.ParticipantInfos {
		if in.ParticipantUserID == nil || *in.ParticipantUserID <= 0 {
			return nil, s.businessError("InvalidParam", "ParticipantUserId is missing or not positive")
		}
		user := *in.ParticipantUserID
		i, member := c.pos[user]
		if fail[user] || !member || ptrValue(parts[i].Status) == 1 {
			failed = append(failed, user)
			continue
		}
		p := parts[i]
		if in.Role != nil {
			role, aerr := s.role(*c, user, in.Role)
			if aerr != nil {
				return nil, aerr
			}
			p.Role = role
		}
		if in.Level != nil {
			p.Level = ptr(*in.Level)
		}
		if in.NickName != nil {
			p.NickName = ptr(*in.NickName)
		}
		if in.BlockTime != nil {
			p.BlockTime = ptr(*in.BlockTime)
		}
		if in.Ext != nil {
			ext := map[string]string{}
			if s.opts.MergeExt {
				maps.Copy(ext, p.Ext)
			}
			maps.Copy(ext, *in.Ext)
			p.Ext = ext
		}
		p.Operator = *b.Operator
		parts[i] = p
	}
	if aerr := s.checkCaps(*c, parts); aerr != nil {
		return nil, aerr
	}
	c.participants = parts
	return failed, nil
}

// handleRemoveParticipants removes members: they disappear from every
// read. The owner, users who are not members (the API does not document
// what it answers for them; the emulator takes the stricter reading), and
// users scripted by FailUsers are listed in FailedUserIds.
func (s *Server) handleRemoveParticipants(body []byte, rec *Request) (any, *apiError) {
	var b membersBody
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	return s.writeMembers(b, len(b.ParticipantUserIDs), rec.Action, s.removeParticipants)
}

// removeParticipants is the change handleRemoveParticipants makes, run by writeMembers
// under the state lock.
func (s *Server) removeParticipants(b membersBody, c *conversation, fail map[int64]bool) ([]int64, *apiError) {
	gone := map[int64]bool{}
	failed := []int64{}
	for _, user := range b.ParticipantUserIDs {
		i, member := c.pos[user]
		switch {
		case user <= 0:
			return nil, s.businessError("InvalidParam", "ParticipantUserIds holds an ID that is not positive")
		case fail[user], !member, ptrValue(c.participants[i].Status) == 1, user == ptrValue(c.info.OwnerUserID):
			failed = append(failed, user)
		default:
			gone[user] = true
		}
	}
	c.participants = slices.DeleteFunc(slices.Clone(c.participants), func(p Participant) bool { return gone[p.ParticipantUserID] })
	c.pos = make(map[int64]int, len(c.participants))
	for i, p := range c.participants {
		c.pos[p.ParticipantUserID] = i
	}
	return failed, nil
}

func ptr[T any](v T) *T { return &v }
