// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Package redistest runs a real redis-server for a test: on a free
// loopback port, in a directory of its own, stopped when the test ends.
// Production code never imports it.
package redistest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options choose how the server is reached.
type Options struct {
	// Password, when set, is required (requirepass).
	Password string
	// TLS serves only TLS, with a certificate for 127.0.0.1 from a CA made
	// for this server (Server.CAFile).
	TLS bool
}

// Server is one running redis-server.
type Server struct {
	Addr   string // 127.0.0.1:port
	CAFile string // with TLS: the CA that signed the server's certificate
	opts   Options
	dir    string
	cmd    *exec.Cmd
	done   chan struct{}
}

// required reports whether a missing redis-server is a failure, never a
// skip: in CI (CI set) and under make testall (scripts/redis-server.sh
// sets VOLCRTC_REQUIRE_REDIS).
func required() bool { return os.Getenv("CI") != "" || os.Getenv("VOLCRTC_REQUIRE_REDIS") != "" }

// Binary returns the redis-server to run, or ends the test saying how to
// get one: a failure in CI, a skip (that says so) elsewhere.
func Binary(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("VOLCRTC_REDIS_SERVER"); p != "" {
		return p
	}
	p, err := exec.LookPath("redis-server")
	if err == nil {
		return p
	}
	msg := "redis-server not found: install it (Debian/Ubuntu: apt-get install -y redis-server; macOS: brew install redis), " +
		"run scripts/redis-server.sh, or set VOLCRTC_REDIS_SERVER to its path (in CI and make testall this fails; " +
		"elsewhere it skips)"
	if required() {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Start runs a redis-server until the test ends.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	bin := Binary(t)
	s := &Server{opts: opts, dir: t.TempDir()}
	if opts.TLS {
		s.CAFile = writeCerts(t, s.dir)
	}
	var lastErr error
	for try := 0; try < 5; try++ { // another process may take the free port first
		if lastErr = s.start(bin); lastErr == nil {
			t.Cleanup(s.Stop)
			return s
		}
	}
	t.Fatalf("starting redis-server: %v", lastErr)
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer func() { _ = l.Close() }()
	return l.Addr().(*net.TCPAddr).Port, nil //nolint:forcetypeassert // a TCP listener
}

func (s *Server) start(bin string) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	if s.Addr != "" { // a restart keeps the address
		port, _ = strconv.Atoi(s.Addr[strings.LastIndex(s.Addr, ":")+1:])
	}
	args := []string{"--bind", "127.0.0.1", "--dir", s.dir, "--save", "", "--appendonly", "no",
		"--daemonize", "no", "--logfile", filepath.Join(s.dir, "redis.log"), "--protected-mode", "no"}
	if s.opts.TLS {
		args = append(args, "--port", "0", "--tls-port", strconv.Itoa(port),
			"--tls-cert-file", filepath.Join(s.dir, "server.pem"), "--tls-key-file", filepath.Join(s.dir, "server.key"),
			"--tls-ca-cert-file", s.CAFile, "--tls-auth-clients", "no")
	} else {
		args = append(args, "--port", strconv.Itoa(port))
	}
	if s.opts.Password != "" {
		args = append(args, "--requirepass", s.opts.Password)
	}
	cmd := exec.Command(bin, args...)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	addr := "127.0.0.1:" + strconv.Itoa(port)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case <-done:
			log, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
			return fmt.Errorf("redis-server exited: %s", lastLines(string(log)))
		default:
		}
		if c, err := net.DialTimeout("tcp", addr, 100*time.Millisecond); err == nil {
			_ = c.Close()
			s.Addr, s.cmd, s.done = addr, cmd, done
			return nil
		}
	}
	_ = cmd.Process.Kill()
	<-done
	return fmt.Errorf("redis-server did not listen on %s", addr)
}

func lastLines(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-5):], "\n")
}

// URL is the server's URL, with the password when it has one.
func (s *Server) URL() string {
	scheme := "redis"
	if s.opts.TLS {
		scheme = "rediss"
	}
	user := ""
	if s.opts.Password != "" {
		user = ":" + s.opts.Password + "@"
	}
	return scheme + "://" + user + s.Addr + "/0"
}

// Stop kills the server (as a crash would) and waits for it; stopping a
// stopped server does nothing.
func (s *Server) Stop() {
	if s.cmd == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.done
	s.cmd = nil
}

// Restart starts the server again on the same address, empty.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	var err error
	for try := 0; try < 50; try++ { // the port may linger a moment
		if err = s.start(Binary(t)); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("restarting redis-server: %v", err)
}

// Pause stops the server's process without closing its connections (a
// Redis that hangs), until the returned function resumes it.
func (s *Server) Pause(t testing.TB) (resume func()) {
	t.Helper()
	if err := s.cmd.Process.Signal(sigStop); err != nil {
		t.Fatal(err)
	}
	return func() { _ = s.cmd.Process.Signal(sigCont) }
}

// writeCerts makes a CA and a certificate for 127.0.0.1 signed by it, in
// dir, and returns the CA's file.
func writeCerts(t testing.TB, dir string) string {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "redistest CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		KeyUsage: x509.KeyUsageDigitalSignature}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, typ string, der []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("server.pem", "CERTIFICATE", leafDER)
	write("server.key", "EC PRIVATE KEY", keyDER)
	return write("ca.pem", "CERTIFICATE", caDER)
}

// Client is a client of the server, closed when the test ends.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	rdb, err := s.client()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// Keys lists the server's keys matching pattern.
func (s *Server) Keys(ctx context.Context, pattern string) ([]string, error) {
	rdb, err := s.client()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rdb.Close() }()
	return rdb.Keys(ctx, pattern).Result()
}

func (s *Server) client() (*redis.Client, error) {
	opts, err := redis.ParseURL(s.URL())
	if err != nil {
		return nil, err
	}
	if s.CAFile != "" {
		pool := x509.NewCertPool()
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			return nil, err
		}
		pool.AppendCertsFromPEM(pem)
		opts.TLSConfig = &tls.Config{RootCAs: pool, ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
	}
	return redis.NewClient(opts), nil
}
