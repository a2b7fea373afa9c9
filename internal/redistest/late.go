// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package redistest

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Late is a TCP proxy in front of a Redis that holds each of its answers
// for a delay before passing it on: a Redis that answers late (loaded,
// far away). The delay may change while connections are open.
type Late struct {
	Addr  string // host:port to connect to instead of the server's
	l     net.Listener
	delay atomic.Int64
	wg    sync.WaitGroup
}

// NewLate starts a proxy to the Redis at to, with no delay yet.
func NewLate(to string) (*Late, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Late{Addr: l.Addr().String(), l: l}
	p.wg.Add(1)
	go p.accept(to)
	return p, nil
}

// SetDelay makes every answer from now on arrive d late.
func (p *Late) SetDelay(d time.Duration) { p.delay.Store(int64(d)) }

// Close stops accepting connections; those open end with their peers.
func (p *Late) Close() {
	_ = p.l.Close()
	p.wg.Wait()
}

func (p *Late) accept(to string) {
	defer p.wg.Done()
	for {
		c, err := p.l.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", to)
		if err != nil {
			_ = c.Close()
			continue
		}
		go func() {
			_, _ = io.Copy(u, c)
			_ = u.Close()
		}()
		go p.answers(u, c)
	}
}

// answers passes what the server sends on to the client, each read held
// for the delay from when it arrived: answers keep their order and
// spacing, each late by the delay.
func (p *Late) answers(from, to net.Conn) {
	defer func() { _ = to.Close() }()
	type chunk struct {
		b   []byte
		due time.Time
	}
	ch := make(chan chunk, 64)
	go func() {
		defer close(ch)
		for {
			buf := make([]byte, 32<<10)
			n, err := from.Read(buf)
			if n > 0 {
				ch <- chunk{buf[:n], time.Now().Add(time.Duration(p.delay.Load()))}
			}
			if err != nil {
				return
			}
		}
	}()
	for c := range ch {
		time.Sleep(time.Until(c.due))
		if _, err := to.Write(c.b); err != nil {
			_ = from.Close()
			for range ch { //nolint:revive // drain so the reader ends
			}
			return
		}
	}
}
