// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"strings"
	"testing"
)

// Any body with any status decodes to members or to an *APIError that
// carries the status: never a panic, never an error of another kind, and
// never a success the body's error or status contradicts.
func FuzzDecode(f *testing.F) {
	for _, seed := range []struct {
		status int
		body   string
	}{
		{200, `{"ResponseMetadata":{"RequestId":"r"},"Result":{"Participants":[{"ConversationShortId":7000000000000000001,"ParticipantUserId":9007199254740993,"Operator":1,"Role":1,"Ext":{"a":"b"}}]}}`},
		{200, `{"ResponseMetadata":{"RequestId":"r","Error":{"Code":"ConversationNotFound","Message":"x"}}}`},
		{200, `{"ResponseMetadata":{"RequestId":"r","Error":{"Code":"InvalidParam"}},"Result":{"Participants":[]}}`},
		{401, `{"ResponseMetadata":{"RequestId":"r","Error":{"CodeN":100010,"Code":"SignatureDoesNotMatch","Message":"x"}}}`},
		{502, `<html><body>Bad Gateway</body></html>`},
		{200, ``},
		{200, `{"ResponseMetadata":{`},
		{200, `{"Result":{"Participants":null}}`},
		{200, `{"Result":{"Participants":[{"ParticipantUserId":99999999999999999999}]}}`},
		{200, `{"Result":{"Participants":[{"ParticipantUserId":1,"Ext":{"n":1}}]}}`},
		{200, `null`},
		{204, `{}`},
	} {
		f.Add(seed.status, []byte(seed.body))
	}
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		var out batchGetResult
		apiErr := decode("BatchGetConversationParticipant", status, body, 100, &out)
		if apiErr == nil {
			if status/100 != 2 {
				t.Fatalf("status %d decoded as success", status)
			}
			if strings.Contains(string(body), `"Error"`) && strings.Contains(string(body), `"Code":"`) && !strings.Contains(string(body), `"Code":""`) {
				// A body naming an error code must not pass as success
				// unless the code is empty; JSON nesting can put "Error"
				// elsewhere, so only flag the plain metadata shape.
				if strings.Contains(string(body), `{"ResponseMetadata":{"Error":{"Code":"`) {
					t.Fatalf("error body decoded as success: %s", body)
				}
			}
			return
		}
		if apiErr.HTTPStatus != status || apiErr.Action != "BatchGetConversationParticipant" {
			t.Fatalf("APIError %+v for status %d", apiErr, status)
		}
		if apiErr.Code == "" && apiErr.Message == "" && apiErr.CodeN == 0 {
			t.Fatalf("APIError says nothing: %+v", apiErr)
		}
		for _, r := range apiErr.Error() {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Fatalf("control character %U in %q", r, apiErr.Error())
			}
		}
	})
}
