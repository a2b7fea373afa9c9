// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

// What the reads by ID have in common: key the API's answer by ID, keep
// only what was asked, once each, and put it back in request order.

// indexByID keys found by the ID each record gives (idName says what it
// is, as "a user ID"), keeping requested IDs once each, and records that
// belong (belongs nil keeps all; it names why a record does not, as "of
// another conversation"). ignored counts what was left out, for warnIgnored.
func indexByID[T any](requested []int64, found []T, idName string, id func(*T) *int64, belongs func(*T) (bool, string)) (byID map[int64]T, ignored []ignoredCount) {
	asked := make(map[int64]bool, len(requested))
	for _, r := range requested {
		asked[r] = true
	}
	byID = make(map[int64]T, len(found))
	var noID, unrequested, dup int
	others := map[string]int{}
	var otherOrder []string
	for i := range found {
		rec := &found[i]
		key := id(rec)
		if key == nil {
			noID++
			continue
		}
		if belongs != nil {
			if ok, why := belongs(rec); !ok {
				if others[why] == 0 {
					otherOrder = append(otherOrder, why)
				}
				others[why]++
				continue
			}
		}
		switch _, seen := byID[*key]; {
		case !asked[*key]:
			unrequested++
		case seen:
			dup++
		default:
			byID[*key] = *rec
		}
	}
	ignored = []ignoredCount{{noID, "without " + idName}}
	for _, why := range otherOrder {
		ignored = append(ignored, ignoredCount{others[why], why})
	}
	return byID, append(ignored, ignoredCount{unrequested, "not requested"}, ignoredCount{dup, "repeated"})
}

// inRequestOrder returns what byID holds of requested, in that order, and
// the requested IDs it lacks or, by gone, holds as no longer there.
func inRequestOrder[T any](requested []int64, byID map[int64]T, gone func(T) bool) (found []T, missing []int64) {
	missing = []int64{}
	for _, id := range requested {
		rec, ok := byID[id]
		if ok {
			found = append(found, rec)
		}
		if !ok || (gone != nil && gone(rec)) {
			missing = append(missing, id)
		}
	}
	return found, missing
}
