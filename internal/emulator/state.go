// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
)

// Test helpers: read the emulator's conversations and members as they are
// now, and change them as someone outside Terraform would (no request is
// recorded, no budget spent). Values returned are copies.

// ConversationState returns a conversation's metadata (Participants,
// Muted and Blocked left empty), dissolved ones included (Status 1).
func (s *Server) ConversationState(app, conv int64) (Conversation, bool) {
	s.state.RLock()
	defer s.state.RUnlock()
	c, ok := s.convs[convKey{app, conv}]
	if !ok {
		return Conversation{}, false
	}
	return clone(c.info), true
}

// CreatedConversations returns the short IDs of the conversations that
// CreateConversation created in app, in creation order.
func (s *Server) CreatedConversations(app int64) []int64 {
	s.state.RLock()
	defer s.state.RUnlock()
	var ids []int64
	for k := range s.convs {
		if k.app == app && k.conv >= firstCreatedID && k.conv < s.writes.nextID {
			ids = append(ids, k.conv)
		}
	}
	slices.Sort(ids)
	return ids
}

// UpdateConversation changes a conversation's metadata with edit, which
// gets a copy (its Participants, Muted and Blocked are ignored).
func (s *Server) UpdateConversation(app, conv int64, edit func(*Conversation)) error {
	s.state.Lock()
	defer s.state.Unlock()
	c, ok := s.convs[convKey{app, conv}]
	if !ok {
		return fmt.Errorf("conversation %d not found in app %d", conv, app)
	}
	info := clone(c.info)
	edit(&info)
	info.ConversationShortID = conv
	info.Participants, info.Muted, info.Blocked, info.Whitelist = nil, nil, nil, nil
	c.info = info
	s.put(convKey{app, conv}, c)
	return nil
}

// AddConversation adds a conversation with its members to app, as the
// fixtures would.
func (s *Server) AddConversation(app int64, fixture Conversation) error {
	fx := Fixtures{Apps: []App{{AppID: app, Conversations: []Conversation{clone(fixture)}}}}
	_, _, convs, err := fx.index()
	if err != nil {
		return err
	}
	s.state.Lock()
	defer s.state.Unlock()
	if !s.apps[app] {
		return fmt.Errorf("app %d not found", app)
	}
	k := convKey{app, fixture.ConversationShortID}
	if _, dup := s.convs[k]; dup {
		return fmt.Errorf("conversation %d already exists in app %d", fixture.ConversationShortID, app)
	}
	s.put(k, convs[k])
	return nil
}

// Members returns a conversation's member records in join order (members
// who left, Status 1, included), as BatchGetConversationParticipant would
// return them with the scan-only fields.
func (s *Server) Members(app, conv int64) ([]Participant, bool) {
	s.state.RLock()
	defer s.state.RUnlock()
	c, ok := s.convs[convKey{app, conv}]
	if !ok {
		return nil, false
	}
	out := make([]Participant, len(c.participants))
	for i, p := range c.participants {
		out[i] = clone(p)
	}
	return out, true
}

// Member returns one member's record.
func (s *Server) Member(app, conv, user int64) (Participant, bool) {
	s.state.RLock()
	defer s.state.RUnlock()
	c, ok := s.convs[convKey{app, conv}]
	if !ok {
		return Participant{}, false
	}
	i, ok := c.pos[user]
	if !ok {
		return Participant{}, false
	}
	return clone(c.participants[i]), true
}

// SetMember adds p to a conversation (at the end of the join order), or
// replaces the record of the member with p's user ID. ConversationShortID
// is filled in when zero.
func (s *Server) SetMember(app, conv int64, p Participant) error {
	if p.ParticipantUserID <= 0 {
		return fmt.Errorf("user ID %d is not positive", p.ParticipantUserID)
	}
	p = clone(p)
	if p.ConversationShortID == 0 {
		p.ConversationShortID = conv
	}
	return s.editMembers(app, conv, func(c *conversation) {
		if i, ok := c.pos[p.ParticipantUserID]; ok {
			c.participants[i] = p
			return
		}
		c.pos[p.ParticipantUserID] = len(c.participants)
		c.participants = append(c.participants, p)
	})
}

// UpdateMember changes one member's record with edit, which gets a copy.
func (s *Server) UpdateMember(app, conv, user int64, edit func(*Participant)) error {
	var missing bool
	err := s.editMembers(app, conv, func(c *conversation) {
		i, ok := c.pos[user]
		if !ok {
			missing = true
			return
		}
		p := clone(c.participants[i])
		edit(&p)
		p.ParticipantUserID = user
		c.participants[i] = p
	})
	if err == nil && missing {
		err = fmt.Errorf("user %d is not in conversation %d", user, conv)
	}
	return err
}

// RemoveMember removes a member's record: the user disappears from every
// read.
func (s *Server) RemoveMember(app, conv, user int64) error {
	var missing bool
	err := s.editMembers(app, conv, func(c *conversation) {
		if _, ok := c.pos[user]; !ok {
			missing = true
			return
		}
		c.participants = slices.DeleteFunc(c.participants, func(p Participant) bool { return p.ParticipantUserID == user })
		c.pos = make(map[int64]int, len(c.participants))
		for i, p := range c.participants {
			c.pos[p.ParticipantUserID] = i
		}
	})
	if err == nil && missing {
		err = fmt.Errorf("user %d is not in conversation %d", user, conv)
	}
	return err
}

// editMembers runs edit on a copy of a conversation's member list and
// index, and stores the result.
func (s *Server) editMembers(app, conv int64, edit func(*conversation)) error {
	s.state.Lock()
	defer s.state.Unlock()
	c, ok := s.convs[convKey{app, conv}]
	if !ok {
		return fmt.Errorf("conversation %d not found in app %d", conv, app)
	}
	c.participants = slices.Clone(c.participants)
	c.pos = maps.Clone(c.pos)
	edit(&c)
	s.put(convKey{app, conv}, c)
	return nil
}

// clone deep-copies a fixture value (its pointers and maps), so that a
// caller's changes never reach the emulator's copy, or the reverse.
func clone[T any](v T) T {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // fixture types always marshal
	}
	var out T
	if err := json.Unmarshal(b, &out); err != nil {
		panic(err)
	}
	return out
}
