// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"time"
)

// ActionGetAppToken issues a login token for a user (documented limit:
// 50 calls per second, see actionQPS).
const ActionGetAppToken = "GetAppToken"

// AppTokenInput names the user a token is for, and when it expires.
// Exactly one of UserID and UserIDStr is set.
type AppTokenInput struct {
	AppID     int32
	UserID    int64
	UserIDStr *string
	ExpiresAt time.Time
}

type appTokenBody struct {
	AppID      int32   `json:"AppId"`
	UserID     int64   `json:"UserId"`
	UserIDStr  *string `json:"UserIdStr,omitempty"`
	ExpireTime int64   `json:"ExpireTime"` // Unix milliseconds
}

type appTokenResult struct {
	Token *string `json:"Token"`
}

func (r *appTokenResult) check(int) string {
	if r.Token == nil || *r.Token == "" {
		return "the answer has no Token"
	}
	return ""
}

// GetAppToken returns a login token. It is a secret: the client never
// logs answers' bodies, and callers must not either.
func (c *Client) GetAppToken(ctx context.Context, in AppTokenInput) (string, error) {
	var out appTokenResult
	body := appTokenBody{AppID: in.AppID, UserID: in.UserID, UserIDStr: in.UserIDStr, ExpireTime: in.ExpiresAt.UnixMilli()}
	if err := c.call(ctx, ActionGetAppToken, body, 1, &out); err != nil {
		return "", err
	}
	return *out.Token, nil
}
