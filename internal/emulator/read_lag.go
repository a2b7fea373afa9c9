// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import "time"

// Nothing in the API promises that a read shows a write at once. With a
// read lag, every change to a conversation or its members (by a write
// action or by a test helper) reaches the read actions only after the lag,
// while writes see it at once, as a replicated store would serve them.

// version is a conversation as it was from a moment on.
type version struct {
	from    time.Time
	conv    conversation
	present bool
}

// SetReadLag makes changes visible to reads d after they are made; 0
// (the default) shows them at once.
func (s *Server) SetReadLag(d time.Duration) {
	s.state.Lock()
	defer s.state.Unlock()
	s.readLag = d
	if d == 0 {
		s.history = nil
	}
}

// put stores a conversation's new value, under the state lock.
func (s *Server) put(k convKey, c conversation) {
	if s.readLag > 0 {
		if s.history == nil {
			s.history = map[convKey][]version{}
		}
		h := s.history[k]
		if len(h) == 0 {
			old, ok := s.convs[k]
			h = append(h, version{conv: old, present: ok})
		}
		s.history[k] = append(h, version{from: s.opts.Now(), conv: c, present: true})
	}
	s.convs[k] = c
}

// visible is a conversation as reads see it, under the state lock (read
// or write: it changes nothing).
func (s *Server) visible(k convKey) (conversation, bool) {
	h := s.history[k]
	if s.readLag <= 0 || len(h) == 0 {
		c, ok := s.convs[k]
		return c, ok
	}
	cutoff := s.opts.Now().Add(-s.readLag)
	for i := len(h) - 1; i > 0; i-- {
		if !h[i].from.After(cutoff) {
			return h[i].conv, h[i].present
		}
	}
	return h[0].conv, h[0].present
}
