// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"encoding/json"
	"fmt"
)

// User is a user's profile as BatchGetUser returns it; an app's users are
// its fixtures under "Users". Pointer fields are left out when nil.
type User struct {
	UserID     int64             `json:"UserId"`
	NickName   *string           `json:"NickName,omitempty"`
	Portrait   *string           `json:"Portrait,omitempty"`
	Tags       []string          `json:"Tags,omitempty"`
	Ext        map[string]string `json:"Ext,omitempty"`
	IsRobot    *bool             `json:"IsRobot,omitempty"`
	CreateTime *int64            `json:"CreateTime,omitempty"` // Unix milliseconds
	ModifyTime *int64            `json:"ModifyTime,omitempty"` // Unix milliseconds
}

// maxUsersPerCall is BatchGetUser's documented cap.
const maxUsersPerCall = 50

func init() {
	section("Users", func() any { return &[]User{} })
	handle("BatchGetUser", (*Server).handleBatchGetUser)
}

// WithUsers adds users to the first app of fx.
func WithUsers(fx Fixtures, users ...User) Fixtures {
	var all []User
	if raw, ok := fx.Apps[0].Sections["Users"]; ok {
		_ = json.Unmarshal(raw, &all)
	}
	all = append(all, users...)
	apps := append([]App(nil), fx.Apps...)
	if err := apps[0].SetSection("Users", all); err != nil {
		panic(err) // "Users" is declared above
	}
	fx.Apps = apps
	return fx
}

// handleBatchGetUser serves BatchGetUser: the users the app has, in request
// order, and the others in NotFoundUsers. With a read lag (Options.ReadLag), a user
// written less than that long ago is shown as before the write.
func (s *Server) handleBatchGetUser(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID   *int64  `json:"AppId"`
		UserIDs []int64 `json:"UserIds"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	limit := maxUsersPerCall
	if s.opts.MaxIDsPerCall > 0 {
		limit = min(limit, s.opts.MaxIDsPerCall)
	}
	switch {
	case b.AppID == nil || *b.AppID <= 0 || *b.AppID > 1<<31-1:
		return nil, s.businessError("InvalidParam", "AppId is missing or out of range")
	case len(b.UserIDs) == 0:
		return nil, s.businessError("InvalidParam", "UserIds is empty")
	case len(b.UserIDs) > limit:
		return nil, s.businessError("InvalidParam", fmt.Sprintf("UserIds has %d IDs, more than the limit of %d", len(b.UserIDs), limit))
	case !s.apps[*b.AppID]:
		return nil, s.businessError("AppNotFound", fmt.Sprintf("app %d not found", *b.AppID))
	}
	s.state.Lock()
	byID, err := s.usersOf(*b.AppID)
	if err != nil {
		s.state.Unlock()
		return nil, s.businessError("InternalError", err.Error())
	}
	now := s.opts.Now()
	visible := make(map[int64]User, len(b.UserIDs))
	for _, id := range b.UserIDs {
		if u := byID[id].seen(now, s.readLag); u != nil {
			visible[id] = clone(*u)
		}
	}
	s.state.Unlock()
	found, notFound := []map[string]any{}, []int64{}
	for _, id := range b.UserIDs {
		u, ok := visible[id]
		if !ok {
			notFound = append(notFound, id)
			continue
		}
		raw, _ := json.Marshal(u)
		var m map[string]any
		_ = json.Unmarshal(raw, &m)
		m["UserId"], m["AppId"] = u.UserID, *b.AppID // exact, whatever float64 made of them
		found = append(found, m)
	}
	return map[string]any{"Users": found, "NotFoundUsers": notFound}, nil
}
