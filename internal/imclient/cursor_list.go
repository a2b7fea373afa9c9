// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"encoding/json"
)

// A cursor list is an action that answers a list page by page, at most
// PageSize records a page, with HasMore and NextCursor (BlockList,
// GetUserConversations). readCursorList reads one whole, by pager's rules.
// A new one (another list of a conversation's users, say) needs:
//
//   - its Action and a bound (MaxBlockListUsers is the model) in a file
//     named for it, and the bound in listBounds;
//   - its request body, with Cursor and Limit fields;
//   - its page: HasMore *bool, NextCursor *int64 and the list, with an
//     answer method that returns them as a pageAnswer;
//   - a method that builds the pager (newPager with its recordRules) and
//     returns readCursorList(ctx, c, pager, "ListName", new(itsPage),
//     func(cursor int64) any { return itsBody{..., Cursor: cursor, Limit: PageSize} }).
//
// The page's list is checked (checkPage) and the chain followed (chain)
// here; the member scan, which reads ahead, is the one paged read that
// does not come through it.

// cursorListPage is one page of a cursor list as the action's Result
// decodes: its answer is what chain and checkPage read.
type cursorListPage[T any] interface {
	answer() pageAnswer[T]
}

// readCursorList reads a cursor list to its end: body gives the request
// for a cursor, newPage a fresh page to decode each answer into, list the
// name of the page's list (for an answer without it).
func readCursorList[T any, P cursorListPage[T]](ctx context.Context, c *Client, p *pager[T], list string,
	newPage func() P, body func(cursor int64) any) (Paged[T], error) {
	return chain(ctx, p, func(ctx context.Context, cursor int64) (pageAnswer[T], error) {
		page := &checkedPage[T, P]{page: newPage(), list: list, first: cursor == 0}
		err := c.call(ctx, p.action, body(cursor), PageSize, page)
		return page.page.answer(), err
	})
}

// checkedPage decodes as its page does and checks the answer as a result.
type checkedPage[T any, P cursorListPage[T]] struct {
	page  P
	list  string
	first bool
}

func (w *checkedPage[T, P]) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, w.page) }

func (w *checkedPage[T, P]) check(limit int) string {
	return checkPage(w.page.answer(), w.list, w.first, limit)
}
