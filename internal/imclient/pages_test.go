// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func intp(v int64) *int64 { return &v }
func boolp(v bool) *bool  { return &v }

// The paged reads' rule: the whole list, each record once, or an error
// that says how far it got: a repeated cursor, a page that says more
// without a usable cursor, too many pages, a failed page.
func TestChain(t *testing.T) {
	page := func(_ int64, more bool, next *int64, ids ...int64) pageAnswer[int64] {
		return pageAnswer[int64]{HasMore: boolp(more), NextCursor: next, Items: append([]int64{}, ids...)}
	}
	key := func(v *int64) *int64 { return v }
	cases := map[string]struct {
		pages map[int64]pageAnswer[int64]
		want  string
	}{
		"whole": {map[int64]pageAnswer[int64]{0: page(0, true, intp(2), 1, 2), 2: page(2, true, intp(4), 2, 3), 4: page(4, false, intp(-1))}, "[1 2 3]"},
		"repeated cursor": {map[int64]pageAnswer[int64]{0: page(0, true, intp(2), 1), 2: page(2, true, intp(2), 2)},
			"stopped after 2 page(s) and 2 thing(s): the API returned cursor 2 a second time"},
		"more without a cursor": {map[int64]pageAnswer[int64]{0: page(0, true, nil, 1)}, "HasMore true) but gave no NextCursor"},
		"too many pages": {map[int64]pageAnswer[int64]{0: page(0, true, intp(1), 1), 1: page(1, true, intp(2), 2),
			2: page(2, true, intp(3), 3), 3: page(3, true, intp(4), 4)}, "beyond this provider's bound of 3 pages"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			got, _, err := chain(context.Background(), "X", "thing", 3, key, func(_ context.Context, cursor int64) (pageAnswer[int64], error) {
				p, ok := tc.pages[cursor]
				if !ok {
					return p, errors.New("no such page")
				}
				return p, nil
			})
			var se *ScanError
			switch {
			case strings.HasPrefix(tc.want, "["):
				if err != nil || fmt.Sprint(got) != tc.want {
					t.Fatalf("got %v, %v", got, err)
				}
			case !errors.As(err, &se) || got != nil || !strings.Contains(err.Error(), tc.want):
				t.Fatalf("err %v", err)
			}
		})
	}
}
