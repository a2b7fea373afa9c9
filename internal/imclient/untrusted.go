// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Everything a response carries is untrusted: its size, its text and its
// redirects. This file holds the guards.

const (
	// bodyPerItem is the allowance per member (or conversation) a call can
	// return. A real member record is a few hundred bytes; this leaves room
	// for large Ext maps.
	bodyPerItem = 16 << 10
	// minBodyLimit is the smallest cap, for calls that ask for few items.
	minBodyLimit = 4 << 20
)

// secretAnswers are the actions whose answers hold a secret (a login
// token). Their bodies are never excerpted, in errors or in logs: a gateway
// page or a broken answer may carry the token, so a message says what was
// wrong, the status and the size, and nothing of the content. The API's
// own error code and message are kept: an error answer issues no token.
var secretAnswers = map[string]bool{ActionGetAppToken: true}

// secretWhy ends the message that replaces an excerpt.
const secretWhy = "the answers of this action hold a login token"

// bodyLimit is the most a response to a call asking for n items may hold.
func bodyLimit(n int) int64 {
	return max(int64(n)*bodyPerItem, minBodyLimit)
}

// readLimited reads at most limit bytes; ok is false when there was more.
// The buffer grows with what arrives, so a short answer stays small.
func readLimited(r io.Reader, limit int64) (raw []byte, ok bool, err error) {
	var buf bytes.Buffer
	n, err := buf.ReadFrom(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, false, err
	}
	return buf.Bytes(), n <= limit, nil
}

// printable escapes control and format characters (ESC, BEL, CR, LF, C1
// codes, bidirectional overrides) in text that came from the network, so
// a hostile answer cannot drive the user's terminal. Printable Unicode is
// kept; invalid UTF-8 becomes U+FFFD.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case unicode.IsPrint(r):
			b.WriteRune(r)
		case r < 0x100:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

// redirectTarget reduces a Location header to scheme and host.
func redirectTarget(location string, base *url.URL) string {
	if location == "" {
		return "(no Location header)"
	}
	u, err := base.Parse(location)
	if err != nil || u.Host == "" {
		return "(an unreadable Location)"
	}
	return printable(u.Scheme + "://" + u.Host)
}

// permanent reports whether a transport failure would fail again the same
// way: a header value Go refuses to send, or a certificate this machine
// does not trust.
func permanent(err error) bool {
	var (
		unknownCA *x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		verify    *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownCA) || errors.As(err, &hostname) || errors.As(err, &invalid) || errors.As(err, &verify) {
		return true
	}
	// net/http refuses such headers before sending, with a plain error.
	msg := err.Error()
	return strings.Contains(msg, "invalid header field value") || strings.Contains(msg, "invalid header field name")
}
