// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// PageSize is the most records one page of GetUserConversations or
// BatchGetBlockParticipants holds (documented), as of the member scan.
const PageSize = 20

// pageAnswer is one page of a cursor chain, as an action's Result gives it.
type pageAnswer[T any] struct {
	HasMore    *bool
	NextCursor *int64
	Items      []T
}

// checkPage refuses a page that does not say whether more follow, has no
// list (only a last page after others may leave it out) or holds more
// than its Limit; list names the action's list in the message.
func checkPage[T any](p pageAnswer[T], list string, first bool, limit int) string {
	switch {
	case p.HasMore == nil:
		return "the page does not say whether more follow (no HasMore)"
	case p.Items == nil && (*p.HasMore || first):
		return "the page has no " + list + " list"
	case len(p.Items) > limit:
		return fmt.Sprintf("the page holds %d records, more than the %d it was asked for", len(p.Items), limit)
	}
	return ""
}

// SizeLimit stops a paged read as soon as the records it keeps need more
// than Bytes, as Size measures each (in the caller's unit: the provider
// measures the state it will write), instead of after the whole list is
// in memory. No limit when Size is nil.
type SizeLimit[T any] struct {
	Bytes int
	Size  func(*T) int
}

// TooLargeError is why (ScanError.Err) a read stopped at its SizeLimit.
type TooLargeError struct {
	Limit int // SizeLimit.Bytes
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("the records read so far already need more than %d MiB", e.Limit>>20)
}

// Dropped counts the records a paged read left out, with the reason.
type Dropped struct {
	Elsewhere int // tagged with another app or conversation
	NoID      int // without the ID that names them
}

// Paged is a whole list a paged read returned.
type Paged[T any] struct {
	Records []T
	Pages   int
	Dropped
}

// recordRules say how a paged read tells its records apart and which
// belong to it.
type recordRules[T any] struct {
	key     func(*T) *int64 // the record's ID; a record without one is dropped
	idName  string          // the API's name of key, for messages
	belongs func(*T) bool   // false for a record of another app or conversation; nil: all belong
	where   string          // what belongs checks, for messages ("conversation")
}

// pager is the rule every paged read follows (DESIGN.md, "Paged
// reads"), one page at a time, whoever fetches the pages (chain, or
// the member scan with its look-ahead):
//   - records without their ID, then records of another app or
//     conversation, are dropped before repeats are removed, so a record
//     tagged wrongly once is not lost when it comes again rightly;
//   - the read fails, saying how far it got, on a page that says more
//     without a usable cursor, a cursor returned a second time, a count
//     beyond the bound, more records than the bound, more pages than the
//     count (or, without one, the bound) can fill, a size limit passed, or
//     a list whose every record was dropped.
type pager[T any] struct {
	action, noun string
	whole        string // what a count counts, for messages ("a conversation")
	rules        recordRules[T]
	size         SizeLimit[T]
	bound        int   // most distinct records a read may have
	count        int64 // the API's own count of the records, or -1

	out     []T
	seen    map[int64]bool
	cursors map[int64]bool
	pages   int
	bytes   int
	Dropped
}

func newPager[T any](action, noun string, bound int, rules recordRules[T], size SizeLimit[T]) *pager[T] {
	return &pager[T]{action: action, noun: noun, whole: "a list", rules: rules, size: size, bound: bound, count: -1,
		seen: map[int64]bool{}, cursors: map[int64]bool{0: true}}
}

// fail is the read stopped here: nothing of it may be used.
func (p *pager[T]) fail(reason string, err error) *ScanError {
	return &ScanError{Action: p.action, Noun: p.noun, Members: len(p.out), Pages: p.pages, Reason: reason, Err: err}
}

// take keeps a page's records that belong, each once, within the size
// limit.
func (p *pager[T]) take(items []T) error {
	p.pages++
	for i := range items {
		rec := &items[i]
		k := p.rules.key(rec)
		switch {
		case k == nil:
			p.NoID++
			continue
		case p.rules.belongs != nil && !p.rules.belongs(rec):
			p.Elsewhere++
			continue
		case p.seen[*k]:
			continue // joined again during the read, or repeated
		}
		p.seen[*k] = true
		p.out = append(p.out, *rec)
		if p.size.Size != nil {
			if p.bytes += p.size.Size(rec); p.bytes > p.size.Bytes {
				return p.fail("", &TooLargeError{Limit: p.size.Bytes})
			}
		}
	}
	return nil
}

// pagesFor is the most pages a list of n records may take: twice what
// full pages hold, plus ten, for an API whose pages are shorter than asked.
func pagesFor(n int64) int64 { return n/PageSize*2 + 10 }

// next reads where the last page says the list goes on, and whether it
// may go on.
func (p *pager[T]) next(hasMore bool, next *int64) (cursor int64, more bool, err error) {
	cursor, more, reason := nextCursor(hasMore, next)
	if reason != "" || !more {
		if reason != "" {
			return 0, false, p.fail(reason, nil)
		}
		return 0, false, nil
	}
	bound := int64(p.bound)
	switch {
	case p.cursors[cursor]:
		return 0, false, p.fail(fmt.Sprintf("the API returned cursor %d a second time, so the list would never end", cursor), nil)
	case p.count > bound:
		return 0, false, p.fail(fmt.Sprintf("%s counts %d %ss, more than this provider's bound of %d %ss a read, "+
			"so the list cannot be read whole", p.whole, p.count, p.noun, p.bound, p.noun), nil)
	case len(p.out) >= p.bound:
		return 0, false, p.fail(fmt.Sprintf("the API still had more after %d pages, beyond this provider's bound of %d %ss a read",
			p.pages, p.bound, p.noun), nil)
	case p.count >= 0 && int64(p.pages) >= pagesFor(p.count):
		return 0, false, p.fail(fmt.Sprintf("the API still had more after %d pages, far more than %s of %d %ss fills",
			p.pages, p.whole, p.count, p.noun), nil)
	case int64(p.pages) >= pagesFor(bound):
		return 0, false, p.fail(fmt.Sprintf("the API still had more after %d pages, more than %d %ss (this provider's bound a read) fill",
			p.pages, p.bound, p.noun), nil)
	}
	p.cursors[cursor] = true
	return cursor, true, nil
}

// done is the whole list, unless the API returned records and none could
// be used: an empty list would then look like the answer.
func (p *pager[T]) done() ([]T, error) {
	dropped := p.Elsewhere + p.NoID
	switch {
	case len(p.out) > 0 || dropped == 0:
		return p.out, nil
	case p.NoID == 0:
		return nil, p.fail(fmt.Sprintf("every one of the %d records the API returned belongs to another %s", dropped, p.rules.where), nil)
	case p.Elsewhere == 0:
		return nil, p.fail(fmt.Sprintf("none of the %d records the API returned has a %s", dropped, p.rules.idName), nil)
	}
	return nil, p.fail(fmt.Sprintf("none of the %d records the API returned could be used (%d of another %s, %d without a %s)",
		dropped, p.Elsewhere, p.rules.where, p.NoID, p.rules.idName), nil)
}

// chain reads a cursor chain page by page (fetch gets a context that logs
// the cursor) to where the API says it ends, by pager's rule.
func chain[T any](ctx context.Context, p *pager[T], fetch func(ctx context.Context, cursor int64) (pageAnswer[T], error)) (Paged[T], error) {
	var cursor int64
	for {
		page, err := fetch(tflog.SetField(ctx, "cursor", cursor), cursor)
		if err != nil {
			return Paged[T]{}, p.fail("", err)
		}
		if err := p.take(page.Items); err != nil {
			return Paged[T]{}, err
		}
		next, more, err := p.next(*page.HasMore, page.NextCursor)
		if err != nil {
			return Paged[T]{}, err
		}
		if !more {
			recs, err := p.done()
			if err != nil {
				return Paged[T]{}, err
			}
			return Paged[T]{Records: recs, Pages: p.pages, Dropped: p.Dropped}, nil
		}
		cursor = next
	}
}

// listBounds are the bounds of the paged reads other than the member scan.
type listBounds struct{ userConversations, blockList int }

// nextCursor reads where a page says the list goes on. A page that says
// more follow must name a usable cursor: one that contradicts itself
// would otherwise end the read early and look complete.
func nextCursor(hasMore bool, next *int64) (cursor int64, more bool, reason string) {
	if !hasMore {
		return 0, false, ""
	}
	switch {
	case next == nil:
		return 0, false, "the API said more followed (HasMore true) but gave no NextCursor"
	case *next < 0:
		return 0, false, fmt.Sprintf("the API said more followed (HasMore true) but gave NextCursor %d, which means the end", *next)
	}
	return *next, true, ""
}
