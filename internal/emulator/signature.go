// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/url"
	"sort"
	"strings"
)

// This file is the emulator's own implementation of Volcengine's
// HMAC-SHA256 request signing. It deliberately shares no code with
// volc-sdk-golang so that it can catch mistakes in how the client signs.

const (
	algorithm  = "HMAC-SHA256"
	dateLayout = "20060102T150405Z"
)

// Authorization is a parsed Authorization header.
type Authorization struct {
	AccessKey     string
	Date          string // YYYYMMDD
	Region        string
	Service       string
	SignedHeaders []string
	Signature     string
}

// Scope returns "date/region/service/request".
func (a Authorization) Scope() string {
	return a.Date + "/" + a.Region + "/" + a.Service + "/request"
}

var errMalformedAuth = errors.New("malformed Authorization header")

// ParseAuthorization parses
// "HMAC-SHA256 Credential=AK/DATE/REGION/SERVICE/request, SignedHeaders=a;b, Signature=hex".
func ParseAuthorization(h string) (Authorization, error) {
	var a Authorization
	rest, ok := strings.CutPrefix(strings.TrimSpace(h), algorithm+" ")
	if !ok {
		return a, errMalformedAuth
	}
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return a, errMalformedAuth
		}
		fields[k] = v
	}
	cred := strings.Split(fields["Credential"], "/")
	if len(cred) != 5 || cred[4] != "request" || cred[0] == "" {
		return a, errMalformedAuth
	}
	a.AccessKey, a.Date, a.Region, a.Service = cred[0], cred[1], cred[2], cred[3]
	if fields["SignedHeaders"] == "" || fields["Signature"] == "" {
		return a, errMalformedAuth
	}
	a.SignedHeaders = strings.Split(fields["SignedHeaders"], ";")
	a.Signature = fields["Signature"]
	return a, nil
}

// CanonicalRequest builds the canonical request text. headers maps a
// lowercase header name to its value; only signedHeaders are used, in
// sorted order.
func CanonicalRequest(method, path string, query url.Values, headers map[string]string, signedHeaders []string, payloadHash string) string {
	names := append([]string(nil), signedHeaders...)
	sort.Strings(names)
	var ch strings.Builder
	for _, n := range names {
		ch.WriteString(n)
		ch.WriteByte(':')
		ch.WriteString(strings.TrimSpace(headers[n]))
		ch.WriteByte('\n')
	}
	return strings.Join([]string{
		method,
		canonicalPath(path),
		canonicalQuery(query),
		ch.String(),
		strings.Join(names, ";"),
		payloadHash,
	}, "\n")
}

// StringToSign builds the string that is signed.
func StringToSign(xDate, scope, canonicalRequest string) string {
	return algorithm + "\n" + xDate + "\n" + scope + "\n" + HexSHA256([]byte(canonicalRequest))
}

// SigningKey derives the key for one day, region and service.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte(secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "request")
}

// Signature returns hex(HMAC(key, stringToSign)).
func Signature(key []byte, stringToSign string) string {
	return hex.EncodeToString(hmacSHA256(key, stringToSign))
}

// HexSHA256 returns the lowercase hex SHA-256 of b.
func HexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

func canonicalPath(p string) string {
	if p == "" {
		return "/"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = escape(s)
	}
	return strings.Join(segs, "/")
}

func canonicalQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		vals := append([]string(nil), q[k]...)
		sort.Strings(vals)
		for _, v := range vals {
			parts = append(parts, escape(k)+"="+escape(v))
		}
	}
	return strings.Join(parts, "&")
}

// escape percent-encodes everything but RFC 3986 unreserved characters,
// so a space becomes %20.
func escape(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == '~' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}
