// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// Fixtures is what the emulator serves. The JSON form uses the API's own
// field names for participants, so a real response can be pasted in.
type Fixtures struct {
	Credentials []Credential `json:"Credentials"`
	Apps        []App        `json:"Apps"`
}

// Credential is an access key the emulator accepts. When SessionToken is
// set, requests must carry it in X-Security-Token.
type Credential struct {
	AccessKey    string `json:"AccessKey"`
	SecretKey    string `json:"SecretKey"`
	SessionToken string `json:"SessionToken,omitempty"`
}

// App is one RTC application: its conversations, and the fixtures of
// other reads, each under a key of its own.
type App struct {
	AppID         int64          `json:"AppId"`
	Conversations []Conversation `json:"Conversations"`
	// Sections holds the fixtures of other reads by key (as "Users"), in
	// the API's JSON: each read's file declares its key (section) and reads
	// its own, so a new read adds a file, not fields here.
	Sections map[string]json.RawMessage `json:"-"`
}

// sectionKeys are the keys reads have declared, each with a new value of
// the type its fixtures decode into (New checks them with it).
var sectionKeys = map[string]func() any{}

// section declares a fixture key of App and the type of its fixtures;
// call it from a read's init.
func section(key string, newValue func() any) { sectionKeys[key] = newValue }

// SetSection stores v (marshaled as JSON) under key, for fixtures built
// in Go.
func (a *App) SetSection(key string, v any) error {
	if sectionKeys[key] == nil {
		return fmt.Errorf("no read uses the fixture key %q", key)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if a.Sections == nil {
		a.Sections = map[string]json.RawMessage{}
	}
	a.Sections[key] = b
	return nil
}

// UnmarshalJSON reads an app strictly: a key no read declared is an error,
// so that typos do not silently drop data.
func (a *App) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*a = App{}
	for key, v := range raw {
		switch {
		case key == "AppId":
			if err := json.Unmarshal(v, &a.AppID); err != nil {
				return fmt.Errorf("AppId: %w", err)
			}
		case key == "Conversations":
			dec := json.NewDecoder(bytes.NewReader(v))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&a.Conversations); err != nil {
				return fmt.Errorf("app conversations: %w", err)
			}
		case sectionKeys[key] != nil:
			if a.Sections == nil {
				a.Sections = map[string]json.RawMessage{}
			}
			a.Sections[key] = v
		default:
			return fmt.Errorf("json: unknown field %q in app", key)
		}
	}
	return nil
}

// MarshalJSON writes an app with its sections.
func (a App) MarshalJSON() ([]byte, error) {
	m := map[string]any{"AppId": a.AppID, "Conversations": a.Conversations}
	for key, v := range a.Sections {
		m[key] = v
	}
	return json.Marshal(m)
}

// readSection decodes the fixtures under key of app into v, strictly; v
// is left as it is when the app has none.
func (s *Server) readSection(app int64, key string, v any) error {
	raw, ok := s.sections[app][key]
	if !ok {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("fixtures of app %d, %s: %w", app, key, err)
	}
	return nil
}

// Conversation holds its metadata, as BatchGetConversations returns it
// (pointer fields are left out when nil), and its members in join order.
// A Status of 1 (dissolved) makes it unreadable through
// BatchGetConversations, as the API documents.
type Conversation struct {
	ConversationShortID int64             `json:"ConversationShortId"`
	ConversationID      *string           `json:"ConversationId,omitempty"`
	ConversationType    *int64            `json:"ConversationType,omitempty"`
	Name                *string           `json:"Name,omitempty"`
	Description         *string           `json:"Description,omitempty"`
	Notice              *string           `json:"Notice,omitempty"`
	AvatarURL           *string           `json:"AvatarUrl,omitempty"`
	OwnerUserID         *int64            `json:"OwnerUserId,omitempty"`
	OwnerUserIDStr      *string           `json:"OwnerUserIdStr,omitempty"`
	CreatorUserID       *int64            `json:"CreatorUserId,omitempty"`
	CreatorUserIDStr    *string           `json:"CreatorUserIdStr,omitempty"`
	OtherUserID         *int64            `json:"OtherUserId,omitempty"`
	OtherUserIDStr      *string           `json:"OtherUserIdStr,omitempty"`
	InboxType           *int64            `json:"InboxType,omitempty"`
	CreateTime          *int64            `json:"CreateTime,omitempty"`
	ModifyTime          *int64            `json:"ModifyTime,omitempty"`
	Status              *int64            `json:"Status,omitempty"`
	OnlineCount         *int64            `json:"OnlineCount,omitempty"`
	Ext                 map[string]string `json:"Ext,omitempty"`
	Participants        []Participant     `json:"Participants"`
	// The mute and block lists, as BatchGetBlockParticipants returns them.
	Muted   []ListedUser `json:"Muted,omitempty"`
	Blocked []ListedUser `json:"Blocked,omitempty"`
	// The live group's speaker whitelist, as BatchGetWhitelistParticipant
	// returns it.
	Whitelist []WhitelistedUser `json:"Whitelist,omitempty"`
}

// ListedUser is one user on a conversation's mute or block list; times
// are Unix seconds.
type ListedUser struct {
	ParticipantUserID    int64             `json:"ParticipantUserId"`
	ParticipantUserIDStr *string           `json:"ParticipantUserIdStr,omitempty"`
	NickName             *string           `json:"NickName,omitempty"`
	AvatarURL            *string           `json:"AvatarUrl,omitempty"`
	Marks                []string          `json:"Marks,omitempty"`
	Ext                  map[string]string `json:"Ext,omitempty"`
	BlockTime            *int64            `json:"BlockTime,omitempty"`  // until when
	CreateTime           *int64            `json:"CreateTime,omitempty"` // when it was set
}

// Participant mirrors the API's Participant. Pointer fields are optional
// and left out of responses when nil.
type Participant struct {
	ConversationShortID int64             `json:"ConversationShortId"`
	ParticipantUserID   int64             `json:"ParticipantUserId"`
	Operator            int64             `json:"Operator"`
	Role                int64             `json:"Role"`
	BlockTime           *int64            `json:"BlockTime,omitempty"`
	CreateTime          *int64            `json:"CreateTime,omitempty"`
	Ext                 map[string]string `json:"Ext"`
	Level               *int32            `json:"Level,omitempty"`
	NickName            *string           `json:"NickName,omitempty"`
	Status              *int32            `json:"Status,omitempty"`
	// Returned by ScanConversationParticipantList only.
	AvatarURL            *string  `json:"AvatarUrl,omitempty"`
	Marks                []string `json:"Marks,omitempty"`
	ParticipantUserIDStr *string  `json:"ParticipantUserIdStr,omitempty"`
	OperatorStr          *string  `json:"OperatorStr,omitempty"`
}

// batchGetView is what BatchGetConversationParticipant returns of p: the
// scan-only fields are left out.
func (p Participant) batchGetView() Participant {
	p.AvatarURL, p.Marks, p.ParticipantUserIDStr, p.OperatorStr = nil, nil, nil, nil
	return p
}

// LoadFixtures reads a fixture file; unknown fields are an error so that
// typos do not silently drop data.
func LoadFixtures(path string) (Fixtures, error) {
	var f Fixtures
	b, err := os.ReadFile(path)
	if err != nil {
		return f, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return f, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

type convKey struct {
	app  int64
	conv int64
}

// conversation is a fixture conversation with its members indexed.
type conversation struct {
	info           Conversation // without Participants and lists
	participants   []Participant
	muted, blocked []ListedUser
	pos            map[int64]int // user ID to index in participants
	// The live group's speaker whitelist and the conversation's marks
	// (moderation.go), changed by their write actions only.
	whitelist []WhitelistedUser
	marks     []string
}

// coreInfo is the conversation as BatchGetConversations returns it.
func (c conversation) coreInfo(app int64, withCount bool) map[string]any {
	b, _ := json.Marshal(c.info)
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber() // 64-bit IDs stay exact
	_ = dec.Decode(&m)
	delete(m, "Participants")
	m["AppId"] = app
	if withCount {
		m["MemberCount"] = len(c.participants)
	}
	return m
}

// index validates f and indexes it for lookups.
func (f Fixtures) index() (map[string]Credential, map[int64]bool, map[convKey]conversation, error) {
	creds := map[string]Credential{}
	for _, c := range f.Credentials {
		if c.AccessKey == "" || c.SecretKey == "" {
			return nil, nil, nil, fmt.Errorf("credential with empty AccessKey or SecretKey")
		}
		if _, dup := creds[c.AccessKey]; dup {
			return nil, nil, nil, fmt.Errorf("duplicate credential %q", c.AccessKey)
		}
		creds[c.AccessKey] = c
	}
	apps := map[int64]bool{}
	convs := map[convKey]conversation{}
	for _, a := range f.Apps {
		if apps[a.AppID] {
			return nil, nil, nil, fmt.Errorf("duplicate app %d", a.AppID)
		}
		apps[a.AppID] = true
		for _, c := range a.Conversations {
			k := convKey{a.AppID, c.ConversationShortID}
			if _, dup := convs[k]; dup {
				return nil, nil, nil, fmt.Errorf("duplicate conversation %d in app %d", c.ConversationShortID, a.AppID)
			}
			conv := conversation{participants: make([]Participant, len(c.Participants)), pos: make(map[int64]int, len(c.Participants))}
			conv.info = c
			conv.info.Participants, conv.info.Muted, conv.info.Blocked, conv.info.Whitelist = nil, nil, nil, nil
			conv.muted, conv.blocked, conv.whitelist = c.Muted, c.Blocked, c.Whitelist
			for i, p := range c.Participants {
				if _, dup := conv.pos[p.ParticipantUserID]; dup {
					return nil, nil, nil, fmt.Errorf("duplicate participant %d in conversation %d", p.ParticipantUserID, c.ConversationShortID)
				}
				conv.pos[p.ParticipantUserID] = i
				if p.ConversationShortID == 0 {
					p.ConversationShortID = c.ConversationShortID
				}
				conv.participants[i] = p
			}
			convs[k] = conv
		}
	}
	return creds, apps, convs, nil
}
