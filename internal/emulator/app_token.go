// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
)

func init() {
	handle("GetAppToken", (*Server).handleAppToken)
}

// handleAppToken serves GetAppToken: a token for a user of the app, until
// ExpireTime (Unix milliseconds, in the future). Tokens are made up and
// kept, so a test can look for them where they must not be.
func (s *Server) handleAppToken(body []byte, _ *Request) (any, *apiError) {
	var b struct {
		AppID      *int64  `json:"AppId"`
		UserID     int64   `json:"UserId"`
		UserIDStr  *string `json:"UserIdStr"`
		ExpireTime int64   `json:"ExpireTime"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, s.businessError("JsonParsingError", "cannot parse request body: "+err.Error())
	}
	switch {
	case b.AppID == nil || *b.AppID <= 0 || *b.AppID > 1<<31-1:
		return nil, s.businessError("InvalidParam", "AppId is missing or out of range")
	case b.UserID <= 0 && (b.UserIDStr == nil || *b.UserIDStr == ""):
		return nil, s.businessError("InvalidParam", "UserId or UserIdStr is required")
	case b.ExpireTime <= s.opts.Now().UnixMilli():
		return nil, s.businessError("InvalidParam", fmt.Sprintf("ExpireTime %d is not in the future", b.ExpireTime))
	case !s.apps[*b.AppID]:
		return nil, s.businessError("AppNotFound", fmt.Sprintf("app %d not found", *b.AppID))
	}
	s.mu.Lock()
	s.seq++
	sum := sha256.Sum256(fmt.Appendf(nil, "%d/%d/%v/%d/%d", *b.AppID, b.UserID, b.UserIDStr, b.ExpireTime, s.seq))
	token := "emu-token-" + hex.EncodeToString(sum[:16])
	s.tokens = append(s.tokens, token)
	s.mu.Unlock()
	out := map[string]any{"AppId": *b.AppID, "UserId": b.UserID, "Token": token}
	if b.UserIDStr != nil {
		out["UserIdStr"] = *b.UserIDStr
	}
	return out, nil
}

// Tokens returns the tokens GetAppToken issued, in order.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}
