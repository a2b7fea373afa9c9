// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/volcengine/volc-sdk-golang/base"
)

// writeCall sends one signed call of action with body and returns the
// answer's HTTP status, error code ("" on success) and Result.
func writeCall(t *testing.T, ts *httptest.Server, action, body string) (int, string, map[string]json.RawMessage) {
	t.Helper()
	c := defaultCall()
	c.action, c.body = action, body
	r := do(t, ts, c)
	if !strings.HasPrefix(r.raw, "{") {
		return r.status, "", nil // a fault that imitates a proxy's page
	}
	var out struct {
		Result map[string]json.RawMessage
	}
	dec := json.NewDecoder(strings.NewReader(r.raw))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		t.Fatalf("%s: %v: %s", action, err, r.raw)
	}
	code := ""
	if r.meta.Error != nil {
		code = r.meta.Error.Code
	}
	return r.status, code, out.Result
}

func mustWrite(t *testing.T, ts *httptest.Server, action, body string) map[string]json.RawMessage {
	t.Helper()
	status, code, res := writeCall(t, ts, action, body)
	if status != 200 || code != "" {
		t.Fatalf("%s: HTTP %d %s", action, status, code)
	}
	return res
}

func createBody(key string, typ int) string {
	return fmt.Sprintf(`{"AppId":%d,"OwnerUserId":10001,"ConversationCoreInfo":{"ConversationType":%d,"Name":"ops","Ext":{"a":"1"}},"InboxType":0,"IdempotentId":%q}`,
		SampleAppID, typ, key)
}

func createdID(t *testing.T, res map[string]json.RawMessage) int64 {
	t.Helper()
	var id int64
	if err := json.Unmarshal(res["ConversationShortId"], &id); err != nil || id <= 0 {
		t.Fatalf("ConversationShortId %s: %v", res["ConversationShortId"], err)
	}
	return id
}

func userIDs(ps []Participant) []int64 {
	var ids []int64
	for _, p := range ps {
		ids = append(ids, p.ParticipantUserID)
	}
	return ids
}

func TestCreateIsIdempotentAndReadable(t *testing.T) {
	s, ts := newServer(t, Options{})
	res := mustWrite(t, ts, ActionCreateConversation, createBody("k1", 2))
	id := createdID(t, res)
	if string(res["Exist"]) != "false" || id < firstCreatedID {
		t.Fatalf("first create: %v", res)
	}
	again := mustWrite(t, ts, ActionCreateConversation, createBody("k1", 2))
	if createdID(t, again) != id || string(again["Exist"]) != "true" || !bytes.Equal(again["ConversationId"], res["ConversationId"]) {
		t.Fatalf("repeat: %v, first %v", again, res)
	}
	other := mustWrite(t, ts, ActionCreateConversation, createBody("k2", 2))
	if createdID(t, other) == id {
		t.Fatal("another key must create another conversation")
	}
	if got := s.CreatedConversations(SampleAppID); len(got) != 2 || got[0] != id {
		t.Fatalf("created %v", got)
	}
	// Readable as any other conversation, with the owner as its member.
	res = mustWrite(t, ts, "BatchGetConversations", fmt.Sprintf(`{"AppId":%d,"ConversationShortId":[%d],"SkipMemberCount":false}`, SampleAppID, id))
	if !strings.Contains(string(res["ConversationCoreInfos"]), `"Name":"ops"`) ||
		!strings.Contains(string(res["ConversationCoreInfos"]), `"MemberCount":1`) ||
		!strings.Contains(string(res["ConversationCoreInfos"]), `"OwnerUserId":10001`) {
		t.Fatalf("read back: %s", res["ConversationCoreInfos"])
	}
	res = mustWrite(t, ts, "ScanConversationParticipantList", fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Cursor":0,"Limit":20}`, SampleAppID, id))
	if !strings.Contains(string(res["Participants"]), `"ParticipantUserId":10001`) || !strings.Contains(string(res["Participants"]), `"Role":1`) {
		t.Fatalf("scan: %s", res["Participants"])
	}
}

func TestMemberWritesChangeTheReads(t *testing.T) {
	s, ts := newServer(t, Options{})
	id := createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("k", 2)))
	conv := func(format string, args ...any) string {
		return fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,`, SampleAppID, id) + fmt.Sprintf(format, args...) + "}"
	}
	res := mustWrite(t, ts, ActionAddParticipants, conv(`"ParticipantInfos":[{"ParticipantUserId":20001,"Role":2,"NickName":"a","Ext":{"x":"1"}},{"ParticipantUserId":20002,"Level":3}]`))
	if string(res["FailedUserIds"]) != "[]" {
		t.Fatalf("add: %v", res)
	}
	ms, _ := s.Members(SampleAppID, id)
	if got := userIDs(ms); !slices.Equal(got, []int64{10001, 20001, 20002}) || ms[1].Role != 2 || *ms[1].NickName != "a" || *ms[2].Level != 3 {
		t.Fatalf("members after add: %+v", ms)
	}
	// Adding a member again overwrites their data: omitted fields reset.
	mustWrite(t, ts, ActionAddParticipants, conv(`"ParticipantInfos":[{"ParticipantUserId":20001,"NickName":"b"}]`))
	if p, _ := s.Member(SampleAppID, id, 20001); p.Role != 0 || *p.NickName != "b" || len(p.Ext) != 0 {
		t.Fatalf("overwritten member: %+v", p)
	}
	// Modify sets what it is given; others are unchanged; a non-member fails.
	res = mustWrite(t, ts, ActionModifyParticipants, conv(`"ParticipantInfos":[{"ParticipantUserId":20002,"Role":2,"BlockTime":99},{"ParticipantUserId":30000,"NickName":"n"}]`))
	if string(res["FailedUserIds"]) != "[30000]" {
		t.Fatalf("modify: %v", res)
	}
	if p, _ := s.Member(SampleAppID, id, 20002); p.Role != 2 || *p.Level != 3 || *p.BlockTime != 99 {
		t.Fatalf("modified member: %+v", p)
	}
	// Remove: the member disappears from every read; the owner and a
	// non-member are failed.
	res = mustWrite(t, ts, ActionRemoveParticipants, conv(`"ParticipantUserIds":[20001,10001,30000]`))
	if string(res["FailedUserIds"]) != "[10001,30000]" {
		t.Fatalf("remove: %v", res)
	}
	res = mustWrite(t, ts, "BatchGetConversationParticipant", conv(`"ParticipantUserIds":[20001,20002]`))
	if strings.Contains(string(res["Participants"]), "20001") || !strings.Contains(string(res["Participants"]), "20002") {
		t.Fatalf("batch get after remove: %s", res["Participants"])
	}
	res = mustWrite(t, ts, "GetConversationUserCount", fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d}`, SampleAppID, id))
	if string(res["Count"]) != "2" {
		t.Fatalf("count %s", res["Count"])
	}
}

func TestCapsAndOwnership(t *testing.T) {
	s, ts := newServer(t, Options{MaxMembers: 4})
	id := createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("k", 2)))
	add := func(infos ...string) (int, string) {
		status, code, _ := writeCall(t, ts, ActionAddParticipants, fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,"ParticipantInfos":[%s]}`,
			SampleAppID, id, strings.Join(infos, ",")))
		return status, code
	}
	if _, code := add(`{"ParticipantUserId":1}`, `{"ParticipantUserId":2}`, `{"ParticipantUserId":3}`, `{"ParticipantUserId":4}`); code != "ConversationParticipantsMoreThanLimit" {
		t.Fatalf("over the member cap: %q", code)
	}
	if ms, _ := s.Members(SampleAppID, id); len(ms) != 1 {
		t.Fatalf("a refused call applied %d members", len(ms)-1)
	}
	if _, code := add(`{"ParticipantUserId":1,"Role":1}`); code != "OwnerShouldBeEqual" {
		t.Fatalf("role 1 for a non-owner: %q", code)
	}
	var admins []string
	for u := 1; u <= MaxAdmins+1; u++ {
		admins = append(admins, fmt.Sprintf(`{"ParticipantUserId":%d,"Role":2}`, u))
	}
	s2, ts2 := newServer(t, Options{MaxMembers: 100})
	ts, s = ts2, s2
	id = createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("k", 2)))
	if _, code := add(admins...); code != "ManagerMoreThanLimit" {
		t.Fatalf("11 admins: %q", code)
	}
	if _, code := add(admins[:MaxAdmins]...); code != "" {
		t.Fatalf("10 admins: %q", code)
	}
	// Ownership moves to a member; the old owner stays as a member.
	if _, code, _ := writeCall(t, ts, ActionModifyConversation, fmt.Sprintf(`{"AppId":%d,"ConversationCoreInfo":{"ConversationShortId":%d,"OwnerUserId":404}}`, SampleAppID, id)); code != "ParticipantNotInConversation" {
		t.Fatalf("transfer to a non-member: %q", code)
	}
	mustWrite(t, ts, ActionModifyConversation, fmt.Sprintf(`{"AppId":%d,"ConversationCoreInfo":{"ConversationShortId":%d,"OwnerUserId":3,"Name":"new","Ext":{"b":"2"}}}`, SampleAppID, id))
	c, _ := s.ConversationState(SampleAppID, id)
	if *c.OwnerUserID != 3 || *c.Name != "new" || len(c.Ext) != 1 || c.Ext["b"] != "2" {
		t.Fatalf("after modify: %+v", c)
	}
	if p, _ := s.Member(SampleAppID, id, 10001); p.Role != 0 {
		t.Fatalf("old owner %+v", p)
	}
	// Only the owner destroys; a dissolved conversation is gone for reads and writes.
	destroy := func(owner int64) string {
		_, code, _ := writeCall(t, ts, ActionDestroyConversation, fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"OwnerUserId":%d}`, SampleAppID, id, owner))
		return code
	}
	if code := destroy(10001); code != "OnlyOwnerCanOperator" {
		t.Fatalf("destroy by the old owner: %q", code)
	}
	if code := destroy(3); code != "" {
		t.Fatalf("destroy by the owner: %q", code)
	}
	if c, _ := s.ConversationState(SampleAppID, id); *c.Status != 1 {
		t.Fatalf("status after destroy %v", c.Status)
	}
	if code := destroy(3); code != "ConversationNotFound" {
		t.Fatalf("destroy again: %q", code)
	}
	res := mustWrite(t, ts, "BatchGetConversations", fmt.Sprintf(`{"AppId":%d,"ConversationShortId":[%d]}`, SampleAppID, id))
	if string(res["ConversationCoreInfos"]) != "[]" {
		t.Fatalf("dissolved conversation read: %s", res["ConversationCoreInfos"])
	}
}

func TestMergeExtOption(t *testing.T) {
	s, ts := newServer(t, Options{MergeExt: true})
	id := createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("k", 2)))
	mustWrite(t, ts, ActionModifyConversation, fmt.Sprintf(`{"AppId":%d,"ConversationCoreInfo":{"ConversationShortId":%d,"Ext":{"b":"2"}}}`, SampleAppID, id))
	if c, _ := s.ConversationState(SampleAppID, id); len(c.Ext) != 2 {
		t.Fatalf("merged Ext %v", c.Ext)
	}
}

func TestLiveGroupScanListsOwnerAndAdmins(t *testing.T) {
	_, ts := newServer(t, Options{})
	id := createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("live", 100)))
	mustWrite(t, ts, ActionAddParticipants, fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,"ParticipantInfos":[{"ParticipantUserId":1,"Role":2},{"ParticipantUserId":2}]}`, SampleAppID, id))
	res := mustWrite(t, ts, "ScanConversationParticipantList", fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Cursor":0,"Limit":20}`, SampleAppID, id))
	var ps []Participant
	if err := json.Unmarshal(res["Participants"], &ps); err != nil {
		t.Fatal(err)
	}
	if got := userIDs(ps); !slices.Equal(got, []int64{10001, 1}) {
		t.Fatalf("live group scan lists %v", got)
	}
	res = mustWrite(t, ts, "GetConversationUserCount", fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d}`, SampleAppID, id))
	if string(res["Count"]) != "3" {
		t.Fatalf("count %s", res["Count"])
	}
}

func TestScriptedWriteFaults(t *testing.T) {
	s, ts := newServer(t, Options{})
	// An answer lost after the change was made.
	s.LoseAnswers(ActionCreateConversation, 1, FaultBadGateway)
	if status, _, _ := writeCall(t, ts, ActionCreateConversation, createBody("k", 2)); status != 502 {
		t.Fatalf("lost answer: HTTP %d", status)
	}
	if got := s.CreatedConversations(SampleAppID); len(got) != 1 {
		t.Fatalf("the lost create must have been made: %v", got)
	}
	id := s.CreatedConversations(SampleAppID)[0]
	// A Result field left out.
	s.DropResultField(ActionCreateConversation, 1, "ConversationShortId")
	if res := mustWrite(t, ts, ActionCreateConversation, createBody("k", 2)); res["ConversationShortId"] != nil || string(res["Exist"]) != "true" {
		t.Fatalf("dropped field: %v", res)
	}
	// Chosen users fail; the others are applied.
	s.FailUsers(ActionAddParticipants, 2)
	res := mustWrite(t, ts, ActionAddParticipants, fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,"ParticipantInfos":[{"ParticipantUserId":1},{"ParticipantUserId":2}]}`, SampleAppID, id))
	if string(res["FailedUserIds"]) != "[2]" {
		t.Fatalf("FailedUserIds %s", res["FailedUserIds"])
	}
	if ms, _ := s.Members(SampleAppID, id); !slices.Equal(userIDs(ms), []int64{10001, 1}) {
		t.Fatalf("members %v", userIDs(ms))
	}
	// A connection cut after applying.
	s.LoseAnswers(ActionRemoveParticipants, 1, Fault{})
	c := defaultCall()
	c.action = ActionRemoveParticipants
	c.body = fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,"ParticipantUserIds":[1]}`, SampleAppID, id)
	req := signed(t, ts, c)
	if resp, err := ts.Client().Do(req); err == nil {
		_ = resp.Body.Close()
		t.Fatalf("a cut connection answered HTTP %d", resp.StatusCode)
	}
	if _, ok := s.Member(SampleAppID, id, 1); ok {
		t.Fatal("the removal whose answer was cut must have been made")
	}
}

func TestStateHelpers(t *testing.T) {
	s, ts := newServer(t, Options{})
	id := createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("k", 2)))
	nick := "outside"
	if err := s.SetMember(SampleAppID, id, Participant{ParticipantUserID: 5, NickName: &nick}); err != nil {
		t.Fatal(err)
	}
	if err := s.UpdateMember(SampleAppID, id, 5, func(p *Participant) { p.Role = 2 }); err != nil {
		t.Fatal(err)
	}
	res := mustWrite(t, ts, "BatchGetConversationParticipant", fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"ParticipantUserIds":[5]}`, SampleAppID, id))
	if !strings.Contains(string(res["Participants"]), `"Role":2`) || !strings.Contains(string(res["Participants"]), `"NickName":"outside"`) {
		t.Fatalf("read after SetMember: %s", res["Participants"])
	}
	// A copy handed out is not the emulator's.
	p, _ := s.Member(SampleAppID, id, 5)
	*p.NickName = "changed"
	if q, _ := s.Member(SampleAppID, id, 5); *q.NickName != "outside" {
		t.Fatal("Member must return a copy")
	}
	if err := s.RemoveMember(SampleAppID, id, 5); err != nil {
		t.Fatal(err)
	}
	if err := s.RemoveMember(SampleAppID, id, 5); err == nil {
		t.Fatal("removing a non-member must fail")
	}
	if err := s.UpdateConversation(SampleAppID, id, func(c *Conversation) { c.Name = &nick }); err != nil {
		t.Fatal(err)
	}
	if c, _ := s.ConversationState(SampleAppID, id); *c.Name != "outside" {
		t.Fatalf("name %v", c.Name)
	}
	if err := s.AddConversation(SampleAppID, Conversation{ConversationShortID: 990001, Participants: []Participant{{ParticipantUserID: 1}}}); err != nil {
		t.Fatal(err)
	}
	if ms, ok := s.Members(SampleAppID, 990001); !ok || len(ms) != 1 || ms[0].ConversationShortID != 990001 {
		t.Fatalf("added conversation %v", ms)
	}
}

// signed builds the request do sends, without sending it.
func signed(t *testing.T, ts *httptest.Server, c call) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, ts.URL+"/?Action="+c.action+"&Version="+c.version, strings.NewReader(c.body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	base.Credentials{AccessKeyID: c.ak, SecretAccessKey: c.sk, Region: c.region, Service: "rtc"}.Sign(req)
	return req
}

// Write actions are throttled at half the reads' rate, as the API's 50
// against 100.
func TestWritesHaveHalfTheRate(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	_, ts := newServer(t, Options{RateLimit: 4, Now: clock.Now})
	for i := range 3 {
		status, code, _ := writeCall(t, ts, ActionCreateConversation, createBody(fmt.Sprint(i), 2))
		if want := map[bool]int{true: 200, false: 429}[i < 2]; status != want {
			t.Fatalf("create %d: HTTP %d %s, want %d", i, status, code, want)
		}
	}
	for i := range 4 {
		if r := do(t, ts, defaultCall()); r.status != 200 {
			t.Fatalf("read %d: HTTP %d", i, r.status)
		}
	}
}

// Reads running while members are written see each write whole (run
// under the race detector, this also proves reads and writes share no
// memory they change).
func TestReadsDuringWrites(t *testing.T) {
	_, ts := newServer(t, Options{RateLimit: -1, MaxMembers: 1000})
	id := createdID(t, mustWrite(t, ts, ActionCreateConversation, createBody("k", 2)))
	done := make(chan struct{})
	errs := make(chan string, 1)
	go func() {
		defer close(done)
		for i := range 40 {
			res := mustWrite(t, ts, "ScanConversationParticipantList",
				fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Cursor":0,"Limit":20}`, SampleAppID, id))
			var ps []Participant
			if err := json.Unmarshal(res["Participants"], &ps); err != nil || len(ps) == 0 || ps[0].ParticipantUserID != 10001 {
				select {
				case errs <- fmt.Sprintf("scan %d: %s", i, res["Participants"]):
				default:
				}
			}
		}
	}()
	for i := range 40 {
		u := 20000 + i
		mustWrite(t, ts, ActionAddParticipants, fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,"ParticipantInfos":[{"ParticipantUserId":%d,"Ext":{"n":"%d"}}]}`, SampleAppID, id, u, i))
		mustWrite(t, ts, ActionModifyParticipants, fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,"ParticipantInfos":[{"ParticipantUserId":%d,"NickName":"x"}]}`, SampleAppID, id, u))
		if i%2 == 0 {
			mustWrite(t, ts, ActionRemoveParticipants, fmt.Sprintf(`{"AppId":%d,"ConversationShortId":%d,"Operator":10001,"ParticipantUserIds":[%d]}`, SampleAppID, id, u))
		}
	}
	<-done
	select {
	case e := <-errs:
		t.Fatal(e)
	default:
	}
}

func TestWriteBodyIsReadStrictly(t *testing.T) {
	_, ts := newServer(t, Options{})
	_, code, _ := writeCall(t, ts, ActionCreateConversation, strings.Replace(createBody("k", 2), `"Name"`, `"Title"`, 1))
	if code != "InvalidParam" {
		t.Fatalf("an unknown field: %q", code)
	}
}
