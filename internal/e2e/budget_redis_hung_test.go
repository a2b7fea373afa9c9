// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package e2e

import (
	"bytes"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/emulator"
)

// hungRedis is a Redis that hangs: it accepts connections and answers
// their handshake (HELLO, as a Redis before 6 does: unknown command), and
// then nothing. It counts the budget operations sent to it (EVALSHA or
// EVAL of a budget script); a PING, which the provider sends to learn
// whether Redis answers again, is not one.
func hungRedis(t *testing.T) (addr string, ops *atomic.Int64) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ops = &atomic.Int64{}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		_ = l.Close()
		mu.Lock()
		for _, c := range conns {
			_ = c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				// Commands are RESP arrays whose first bulk string is the
				// name: "$7\r\nevalsha\r\n", "$4\r\neval\r\n", "$5\r\nhello\r\n".
				var seen []byte
				buf := make([]byte, 32<<10)
				for {
					n, err := c.Read(buf)
					seen = append(seen, bytes.ToLower(buf[:n])...)
					for _, name := range []string{"$5\r\nhello\r\n", "$7\r\nevalsha\r\n", "$4\r\neval\r\n"} {
						for i := bytes.Index(seen, []byte(name)); i >= 0; i = bytes.Index(seen, []byte(name)) {
							seen = seen[i+len(name):]
							if name == "$5\r\nhello\r\n" {
								_, _ = c.Write([]byte("-ERR unknown command 'HELLO'\r\n"))
							} else {
								ops.Add(1)
							}
						}
					}
					if len(seen) > 16 {
						seen = seen[len(seen)-16:] // a name cut between two reads
					}
					if err != nil {
						_, _ = io.Copy(io.Discard, c)
						return
					}
				}
			}()
		}
	}()
	return l.Addr().String(), ops
}

// A Redis that hangs from the start of 100 reads of one call each, one at
// a time (-parallelism=1), paced at 20 a second (5 s): they all end, with
// the one warning naming Redis, and one budget operation was sent to
// Redis, the one that found it hung. After it no call asks Redis: it is
// tried again in the background. Before, the first call past each backoff
// (1 s, then 2 s) sent its reservation to Redis and waited 250 ms for it;
// a Redis hanging for 16 s made a 5.9 s read take 27.4 s.
func TestAccBudgetRedisHungOffThePath(t *testing.T) {
	addr, ops := hungRedis(t)
	dir := t.TempDir()
	config := `terraform {
  required_providers {
    volcrtc = { source = "volcrtc/volcrtc" }
  }
}
provider "volcrtc" {
  max_qps = 20
}
data "volcrtc_conversation_participants" "one" {
  count                 = 100
  app_id                = 100001
  conversation_short_id = 7000000000000000001
  participant_user_ids  = [count.index + 1]
}
output "missing" { value = sum([for d in data.volcrtc_conversation_participants.one : length(d.missing_user_ids)]) }
`
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	c := newCLI(t, dir, emulator.Options{Latency: 5 * time.Millisecond, RateLimit: 100})
	c.setenv("VOLCRTC_BUDGET_REDIS_URL", "redis://"+addr+"/0")
	out := c.run("apply", "-auto-approve", "-input=false", "-no-color", "-parallelism=1")
	if n := strings.Count(out, "Request budget not shared through Redis"); n != 1 || !strings.Contains(out, addr) {
		t.Fatalf("%d warnings about Redis, want one naming %s:\n%s", n, addr, out)
	}
	if st := c.emu.Stats(); st.OK != 100 {
		t.Fatalf("%+v: want the 100 calls answered", st)
	}
	if n := ops.Load(); n != 1 {
		t.Fatalf("%d budget operations sent to the hung Redis, want 1: the calls after the one that found it hung "+
			"must not ask Redis", n)
	}
}
