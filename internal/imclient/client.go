// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

// Package imclient calls Volcengine RTC's IM OpenAPI. It signs requests
// with volc-sdk-golang but owns its transport and decodes every response
// itself, because the SDK reports some API errors as empty successes.
package imclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/volcengine/volc-sdk-golang/base"
	"golang.org/x/time/rate"
)

const (
	// Service is the signing service name in every region.
	Service = "rtc"
	// APIVersion is the OpenAPI version of the IM actions.
	APIVersion = "2020-12-01"
	// DefaultRegion is used when no region is configured.
	DefaultRegion = "cn-north-1"

	// Defaults for the zero values of Config's limits.
	DefaultMaxBatchSize   = 100
	DefaultMaxQPS         = 90
	DefaultMaxRetries     = 3
	DefaultRequestTimeout = 30 * time.Second
	DefaultConcurrency    = 16

	// maxBody bounds how much of a response is read.
	maxBody = 64 << 20
)

// Hosts maps each supported region to its API host.
var regionHosts = map[string]string{
	"cn-north-1":     "rtc.volcengineapi.com",
	"ap-southeast-1": "open-ap-singapore-1.volcengineapi.com",
}

// Regions lists the supported regions.
func Regions() []string { return []string{"cn-north-1", "ap-southeast-1"} }

// Config holds what a Client needs. AccessKey and SecretKey are required.
type Config struct {
	AccessKey    string
	SecretKey    string
	SessionToken string
	Region       string
	// Endpoint, when set, replaces the region's scheme and host (and path).
	Endpoint  string
	UserAgent string

	// MaxBatchSize is the most user IDs sent in one call.
	MaxBatchSize int
	// MaxQPS is the request budget of the whole client, shared by every
	// call and retry; the API allows 100 per account.
	MaxQPS float64
	// MaxRetries is how many times a throttled, failed or timed-out call
	// is retried; zero means never.
	MaxRetries int
	// RequestTimeout bounds one attempt.
	RequestTimeout time.Duration
	// Concurrency bounds the calls in flight for one read.
	Concurrency int

	// Sleep, Jitter and Now are seams for tests; real ones when nil.
	// Jitter returns a duration in [d/2, d].
	Sleep  func(ctx context.Context, d time.Duration) error
	Jitter func(d time.Duration) time.Duration
	Now    func() time.Time
}

// Client is safe for concurrent use.
type Client struct {
	creds     base.Credentials
	endpoint  *url.URL
	userAgent string
	http      *http.Client

	maxBatch    int
	maxRetries  int
	timeout     time.Duration
	concurrency int
	limiter     *rate.Limiter
	window      *sendWindow
	sleep       func(ctx context.Context, d time.Duration) error
	jitter      func(d time.Duration) time.Duration
}

// New checks cfg and returns a Client.
func New(cfg Config) (*Client, error) {
	if cfg.AccessKey == "" || cfg.SecretKey == "" {
		return nil, errors.New("access key and secret key are required")
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	host, ok := regionHosts[cfg.Region]
	if !ok {
		return nil, fmt.Errorf("unsupported region %q (supported: %s)", cfg.Region, strings.Join(Regions(), ", "))
	}
	raw := "https://" + host + "/"
	if cfg.Endpoint != "" {
		raw = cfg.Endpoint
	}
	ep, err := ParseEndpoint(raw)
	if err != nil {
		return nil, err
	}
	if cfg.MaxBatchSize <= 0 {
		cfg.MaxBatchSize = DefaultMaxBatchSize
	}
	if cfg.MaxQPS <= 0 {
		cfg.MaxQPS = DefaultMaxQPS
	}
	if cfg.MaxRetries < 0 {
		cfg.MaxRetries = 0
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = DefaultRequestTimeout
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = DefaultConcurrency
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleepContext
	}
	if cfg.Jitter == nil {
		cfg.Jitter = halfJitter
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Client{
		maxBatch:    cfg.MaxBatchSize,
		maxRetries:  cfg.MaxRetries,
		timeout:     cfg.RequestTimeout,
		concurrency: cfg.Concurrency,
		// A burst of one: no second ever holds more than MaxQPS+1 calls, and
		// the slack to the API's 100 absorbs jitter between the client's
		// clock and the API's.
		limiter: rate.NewLimiter(rate.Limit(cfg.MaxQPS), 1),
		window:  newSendWindow(int(cfg.MaxQPS), time.Second, cfg.Now, cfg.Sleep),
		sleep:   cfg.Sleep,
		jitter:  cfg.Jitter,

		creds: base.Credentials{
			AccessKeyID:     cfg.AccessKey,
			SecretAccessKey: cfg.SecretKey,
			SessionToken:    cfg.SessionToken,
			Region:          cfg.Region,
			Service:         Service,
		},
		endpoint:  ep,
		userAgent: cfg.UserAgent,
		http:      newHTTPClient(cfg.RequestTimeout),
	}, nil
}

// ParseEndpoint accepts an absolute http or https URL with a host and no
// query or fragment.
func ParseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("endpoint %q is not a valid URL: %v", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("endpoint %q must start with https:// or http://", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("endpoint %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("endpoint %q must not carry a query, fragment or user info", raw)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// Endpoint returns the URL requests are sent to, without the query.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// newHTTPClient bounds each attempt by timeout; the context also does.
func newHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			ForceAttemptHTTP2:     true,
			MaxIdleConns:          100,
			MaxIdleConnsPerHost:   100,
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: timeout,
		},
	}
}

// envelope is the common response shape. Result stays raw until the
// metadata says the call succeeded.
type envelope struct {
	ResponseMetadata struct {
		RequestID string `json:"RequestId"`
		Action    string `json:"Action"`
		Error     *struct {
			CodeN   int64  `json:"CodeN"`
			Code    string `json:"Code"`
			Message string `json:"Message"`
		} `json:"Error"`
	} `json:"ResponseMetadata"`
	Result json.RawMessage `json:"Result"`
}

// attempt sends one signed POST of action with payload and decodes the
// Result into out. Retries wrap it.
func (c *Client) attempt(ctx context.Context, action string, payload []byte, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	u := *c.endpoint
	u.RawQuery = url.Values{"Action": {action}, "Version": {APIVersion}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(payload))
	if err != nil {
		return fmt.Errorf("building %s request: %w", action, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	c.creds.Sign(req)

	start := time.Now()
	tflog.Debug(ctx, "volcrtc API request", map[string]any{
		"action": action, "url": u.String(), "body_bytes": len(payload),
	})
	resp, err := c.http.Do(req)
	if err != nil {
		return &TransportError{Action: action, Host: c.endpoint.Host, Err: err}
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return &TransportError{Action: action, Host: c.endpoint.Host, Err: fmt.Errorf("reading the response: %w", err)}
	}
	apiErr := decode(action, resp.StatusCode, raw, out)
	fields := map[string]any{
		"action": action, "status": resp.StatusCode, "body_bytes": len(raw),
		"duration_ms": time.Since(start).Milliseconds(),
	}
	if apiErr != nil {
		apiErr.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		fields["code"], fields["request_id"] = apiErr.Code, apiErr.RequestID
		tflog.Debug(ctx, "volcrtc API error", fields)
		return apiErr
	}
	tflog.Debug(ctx, "volcrtc API response", fields)
	return nil
}

// decode fills out from one response, or says why it cannot.
func decode(action string, status int, raw []byte, out any) *APIError {
	if len(raw) > maxBody {
		return &APIError{Action: action, HTTPStatus: status, Message: fmt.Sprintf("response body larger than %d bytes", maxBody)}
	}
	var env envelope
	jsonErr := json.Unmarshal(raw, &env)
	meta := env.ResponseMetadata
	if jsonErr == nil && meta.Error != nil && (meta.Error.Code != "" || meta.Error.CodeN != 0 || status/100 != 2) {
		e := &APIError{
			Action: action, HTTPStatus: status, RequestID: meta.RequestID,
			Code: meta.Error.Code, CodeN: meta.Error.CodeN, Message: meta.Error.Message,
		}
		if e.Code == "" && e.CodeN == 0 && e.Message == "" {
			e.Message = "the API reported an error without a code or message"
		}
		return e
	}
	if status/100 != 2 {
		return &APIError{Action: action, HTTPStatus: status, RequestID: meta.RequestID,
			Message: "unexpected response: " + snippet(raw)}
	}
	if jsonErr != nil {
		return &APIError{Action: action, HTTPStatus: status,
			Message: "response is not valid JSON: " + snippet(raw)}
	}
	if len(env.Result) == 0 || string(env.Result) == "null" {
		return &APIError{Action: action, HTTPStatus: status, RequestID: meta.RequestID,
			Message: "response has neither Result nor ResponseMetadata.Error"}
	}
	if err := json.Unmarshal(env.Result, out); err != nil {
		return &APIError{Action: action, HTTPStatus: status, RequestID: meta.RequestID,
			Message: "cannot decode Result: " + err.Error()}
	}
	return nil
}

// snippet returns a short printable excerpt of a body for messages.
func snippet(b []byte) string {
	const n = 200
	s := strings.ToValidUTF8(string(b), "?")
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "(empty body)"
	}
	if len(s) > n {
		s = s[:n] + "..."
	}
	return s
}
