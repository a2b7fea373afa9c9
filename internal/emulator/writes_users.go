// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// The user writes. Users live in memory under Server.state, loaded from
// an app's "Users" fixtures the first time they are used. What the API
// does not document (a register of a registered user, an unregister of an
// unknown one) follows Options, both ways.

// User write actions.
const (
	ActionRegisterUsers   = "RegisterUsers"
	ActionUpdateUsers     = "BatchUpdateUser"
	ActionUnregisterUsers = "UnRegisterUsers"
)

// Documented limits of the user writes.
const (
	maxRegisterPerCall   = 20
	maxUpdatePerCall     = 10
	maxUnregisterPerCall = 10
	maxNickNameBytes     = 100
	maxPortraitBytes     = 500
	maxExtKeys           = 20
	maxExtKeyBytes       = 50
	maxExtValueBytes     = 500
	// MaxRobots is the most robots an app may have (documented).
	MaxRobots = 5000
)

// FailedInfos codes the emulator answers (the API documents none).
const (
	CodeUserAlreadyRegistered = "UserAlreadyRegistered"
	CodeUserNotFound          = "UserNotFound"
	CodeRobotMoreThanLimit    = "RobotMoreThanLimit"
	CodeScriptedFailure       = "InternalError"
)

func init() {
	handle(ActionRegisterUsers, writeAction((*Server).handleRegisterUsers))
	handle(ActionUpdateUsers, writeAction((*Server).handleUpdateUsers))
	handle(ActionUnregisterUsers, writeAction((*Server).handleUnregisterUsers))
}

// userRecord is a user now (nil: not registered) and before the last
// write, for the read lag (Options.ReadLag).
type userRecord struct {
	cur, prev *User
	at        time.Time
}

// seen is the user a read at now sees; nil when not registered.
func (r *userRecord) seen(now time.Time, lag time.Duration) *User {
	if r == nil {
		return nil
	}
	if lag > 0 && now.Before(r.at.Add(lag)) {
		return r.prev
	}
	return r.cur
}

// usersOf returns app's users, loading them from its fixtures the first
// time. The caller holds s.state.
func (s *Server) usersOf(app int64) (map[int64]*userRecord, error) {
	if m, ok := s.users[app]; ok {
		return m, nil
	}
	var fixtures []User
	if err := s.readSection(app, "Users", &fixtures); err != nil {
		return nil, err
	}
	m := make(map[int64]*userRecord, len(fixtures))
	for _, u := range fixtures {
		m[u.UserID] = &userRecord{cur: ptr(clone(u))}
	}
	if s.users == nil {
		s.users = map[int64]map[int64]*userRecord{}
	}
	s.users[app] = m
	return m, nil
}

// set records u (nil: unregistered) as the user's state from now on.
func (s *Server) setUser(m map[int64]*userRecord, id int64, u *User) {
	r := m[id]
	if r == nil {
		r = &userRecord{}
		m[id] = r
	}
	r.prev, r.cur, r.at = r.seen(s.opts.Now(), s.readLag), u, s.opts.Now()
}

type userBody struct {
	UserID   *int64             `json:"UserId"`
	NickName *string            `json:"NickName"`
	Portrait *string            `json:"Portrait"`
	Tags     *[]string          `json:"Tags"`
	Ext      *map[string]string `json:"Ext"`
	IsRobot  *bool              `json:"IsRobot"`
}

type usersWriteBody struct {
	AppID   *int64     `json:"AppId"`
	Users   []userBody `json:"Users"`
	UserIDs []int64    `json:"UserIds"`
}

// checkProfile refuses a profile over a documented limit.
func checkProfile(u userBody) string {
	switch {
	case u.UserID == nil || *u.UserID <= 0:
		return "UserId is missing or not positive"
	case u.NickName != nil && len(*u.NickName) > maxNickNameBytes:
		return fmt.Sprintf("user %d: NickName is longer than %d bytes", *u.UserID, maxNickNameBytes)
	case u.Portrait != nil && len(*u.Portrait) > maxPortraitBytes:
		return fmt.Sprintf("user %d: Portrait is longer than %d bytes", *u.UserID, maxPortraitBytes)
	case u.Ext != nil && len(*u.Ext) > maxExtKeys:
		return fmt.Sprintf("user %d: Ext has more than %d keys", *u.UserID, maxExtKeys)
	}
	if u.Ext != nil {
		for k, v := range *u.Ext {
			switch {
			case len(k) > maxExtKeyBytes || len(v) > maxExtValueBytes:
				return fmt.Sprintf("user %d: Ext key or value %q is too long", *u.UserID, k)
			case strings.HasPrefix(k, "s:"):
				return fmt.Sprintf("user %d: Ext key %q uses the reserved prefix s:", *u.UserID, k)
			}
		}
	}
	return ""
}

// userWrite checks what every user write needs and returns the app's
// users. The caller holds s.state.
func (s *Server) userWrite(b usersWriteBody, n, limit int) (map[int64]*userRecord, *apiError) {
	switch {
	case b.AppID == nil || *b.AppID <= 0 || *b.AppID > 1<<31-1:
		return nil, s.businessError("InvalidParam", "AppId is missing or out of range")
	case n == 0:
		return nil, s.businessError("InvalidParam", "no users given")
	case n > limit:
		return nil, s.businessError("InvalidParam", fmt.Sprintf("the call names %d users, more than the limit of %d", n, limit))
	case !s.apps[*b.AppID]:
		return nil, s.businessError("AppNotFound", fmt.Sprintf("app %d not found", *b.AppID))
	}
	m, err := s.usersOf(*b.AppID)
	if err != nil {
		return nil, s.businessError("InternalError", err.Error())
	}
	return m, nil
}

func failedInfo(id int64, code, message string) map[string]any {
	return map[string]any{"UserId": id, "Code": code, "Message": message}
}

func copyUser(u userBody, to *User) {
	if u.NickName != nil {
		to.NickName = ptr(*u.NickName)
	}
	if u.Portrait != nil {
		to.Portrait = ptr(*u.Portrait)
	}
	if u.Tags != nil {
		to.Tags = slices.Clone(*u.Tags)
	}
	if u.Ext != nil {
		to.Ext = maps.Clone(*u.Ext)
	}
}

// handleRegisterUsers registers users (at most 20 a call), CreateTime and
// ModifyTime now (milliseconds). A user already registered is listed in
// FailedInfos, or overwritten with Options.RegisterOverwrites (keeping
// CreateTime); robots beyond MaxRobots and users scripted by FailUsers are
// listed too. A profile over a limit refuses the call: nothing is applied.
func (s *Server) handleRegisterUsers(body []byte, rec *Request) (any, *apiError) {
	var b usersWriteBody
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	s.state.Lock()
	defer s.state.Unlock()
	m, aerr := s.userWrite(b, len(b.Users), maxRegisterPerCall)
	if aerr != nil {
		return nil, aerr
	}
	for _, u := range b.Users {
		if msg := checkProfile(u); msg != "" {
			return nil, s.businessError("InvalidParam", msg)
		}
	}
	robots := 0
	now := s.opts.Now()
	for _, r := range m {
		if r.cur != nil && ptrValue(r.cur.IsRobot) {
			robots++
		}
	}
	failed := []map[string]any{}
	fail := s.failedUsers(rec.Action)
	for _, u := range b.Users {
		id := *u.UserID
		old := m[id].seen(now, 0)
		robot := u.IsRobot != nil && *u.IsRobot
		switch {
		case fail[id]:
			failed = append(failed, failedInfo(id, CodeScriptedFailure, fmt.Sprintf("scripted failure of user %d", id)))
			continue
		case old != nil && !s.opts.RegisterOverwrites:
			failed = append(failed, failedInfo(id, CodeUserAlreadyRegistered, fmt.Sprintf("user %d is already registered", id)))
			continue
		case robot && (old == nil || !ptrValue(old.IsRobot)) && robots >= MaxRobots:
			failed = append(failed, failedInfo(id, CodeRobotMoreThanLimit, fmt.Sprintf("the app has %d robots already", MaxRobots)))
			continue
		}
		nu := User{UserID: id, IsRobot: ptr(robot), CreateTime: ptr(now.UnixMilli()), ModifyTime: ptr(now.UnixMilli())}
		if old != nil && old.CreateTime != nil {
			nu.CreateTime = ptr(*old.CreateTime)
		}
		copyUser(u, &nu)
		if robot && (old == nil || !ptrValue(old.IsRobot)) {
			robots++
		}
		s.setUser(m, id, &nu)
		failed = s.lie(rec.Action, id, failed)
	}
	return map[string]any{"FailedInfos": failed}, nil
}

// handleUpdateUsers (BatchUpdateUser) replaces whole profiles (at most 10 a
// call): every field is required (InvalidParam otherwise, nothing
// applied), IsRobot is refused. Users not registered, or scripted by
// FailUsers, are listed in FailedInfos. The system's Ext keys ("s:") are
// dropped, or kept with Options.UpdateKeepsSystemExt.
func (s *Server) handleUpdateUsers(body []byte, rec *Request) (any, *apiError) {
	var b usersWriteBody
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	s.state.Lock()
	defer s.state.Unlock()
	m, aerr := s.userWrite(b, len(b.Users), maxUpdatePerCall)
	if aerr != nil {
		return nil, aerr
	}
	for _, u := range b.Users {
		msg := checkProfile(u)
		switch {
		case msg != "":
		case u.NickName == nil || u.Portrait == nil || u.Tags == nil || u.Ext == nil:
			msg = fmt.Sprintf("user %d: BatchUpdateUser needs every field (NickName, Portrait, Tags, Ext)", *u.UserID)
		case u.IsRobot != nil:
			msg = "BatchUpdateUser has no IsRobot"
		}
		if msg != "" {
			return nil, s.businessError("InvalidParam", msg)
		}
	}
	failed := []map[string]any{}
	fail := s.failedUsers(rec.Action)
	now := s.opts.Now()
	for _, u := range b.Users {
		id := *u.UserID
		old := m[id].seen(now, 0)
		switch {
		case fail[id]:
			failed = append(failed, failedInfo(id, CodeScriptedFailure, fmt.Sprintf("scripted failure of user %d", id)))
			continue
		case old == nil:
			failed = append(failed, failedInfo(id, CodeUserNotFound, fmt.Sprintf("user %d is not registered", id)))
			continue
		}
		nu := User{UserID: id, IsRobot: old.IsRobot, CreateTime: old.CreateTime, ModifyTime: ptr(now.UnixMilli())}
		copyUser(u, &nu)
		if s.opts.UpdateKeepsSystemExt {
			for k, v := range old.Ext {
				if strings.HasPrefix(k, "s:") {
					if nu.Ext == nil {
						nu.Ext = map[string]string{}
					}
					nu.Ext[k] = v
				}
			}
		}
		s.setUser(m, id, &nu)
		failed = s.lie(rec.Action, id, failed)
	}
	return map[string]any{"FailedInfos": failed}, nil
}

// handleUnregisterUsers unregisters users (at most 10 a call): they
// disappear from BatchGetUser. A user not registered is listed in
// FailedInfos, or counted as done with Options.UnregisterUnknownSucceeds;
// users scripted by FailUsers are listed.
func (s *Server) handleUnregisterUsers(body []byte, rec *Request) (any, *apiError) {
	var b usersWriteBody
	if aerr := s.decodeWrite(body, &b); aerr != nil {
		return nil, aerr
	}
	s.state.Lock()
	defer s.state.Unlock()
	m, aerr := s.userWrite(b, len(b.UserIDs), maxUnregisterPerCall)
	if aerr != nil {
		return nil, aerr
	}
	if len(b.Users) > 0 {
		return nil, s.businessError("InvalidParam", "UnRegisterUsers takes UserIds, not Users")
	}
	failed := []map[string]any{}
	fail := s.failedUsers(rec.Action)
	now := s.opts.Now()
	for _, id := range b.UserIDs {
		switch {
		case id <= 0:
			return nil, s.businessError("InvalidParam", "UserIds holds an ID that is not positive")
		case fail[id]:
			failed = append(failed, failedInfo(id, CodeScriptedFailure, fmt.Sprintf("scripted failure of user %d", id)))
		case m[id].seen(now, 0) == nil:
			if !s.opts.UnregisterUnknownSucceeds {
				failed = append(failed, failedInfo(id, CodeUserNotFound, fmt.Sprintf("user %d is not registered", id)))
			}
		default:
			s.setUser(m, id, nil)
		}
	}
	return map[string]any{"FailedInfos": failed}, nil
}

// LieAboutUsers makes every later RegisterUsers or BatchUpdateUser call
// that names one of userIDs apply the change for that user and still list
// it in FailedInfos: an answer that contradicts what was done. No IDs
// stops it for that action.
func (s *Server) LieAboutUsers(action string, userIDs ...int64) {
	s.state.Lock()
	defer s.state.Unlock()
	if s.writes.lieUsers == nil {
		s.writes.lieUsers = map[string]map[int64]bool{}
	}
	if len(userIDs) == 0 {
		delete(s.writes.lieUsers, action)
		return
	}
	set := map[int64]bool{}
	for _, id := range userIDs {
		set[id] = true
	}
	s.writes.lieUsers[action] = set
}

// lie adds id to failed when LieAboutUsers scripts it for action. The
// caller holds s.state.
func (s *Server) lie(action string, id int64, failed []map[string]any) []map[string]any {
	if !s.writes.lieUsers[action][id] {
		return failed
	}
	return append(failed, failedInfo(id, CodeScriptedFailure, fmt.Sprintf("scripted failure of user %d", id)))
}

// UserState returns a user as it is now (whatever a lagging read shows).
func (s *Server) UserState(app, id int64) (User, bool) {
	s.state.Lock()
	defer s.state.Unlock()
	m, err := s.usersOf(app)
	if err != nil || m[id] == nil || m[id].cur == nil {
		return User{}, false
	}
	return clone(*m[id].cur), true
}

// SetUser registers or replaces a user as someone outside Terraform would
// (no request is recorded); the read lag applies to it.
func (s *Server) SetUser(app int64, u User) error {
	s.state.Lock()
	defer s.state.Unlock()
	m, err := s.usersOf(app)
	if err != nil {
		return err
	}
	s.setUser(m, u.UserID, ptr(clone(u)))
	return nil
}

// RemoveUser unregisters a user as someone outside Terraform would.
func (s *Server) RemoveUser(app, id int64) error {
	s.state.Lock()
	defer s.state.Unlock()
	m, err := s.usersOf(app)
	if err != nil {
		return err
	}
	if m[id] == nil || m[id].cur == nil {
		return fmt.Errorf("user %d is not registered in app %d", id, app)
	}
	s.setUser(m, id, nil)
	return nil
}
