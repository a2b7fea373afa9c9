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
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"github.com/volcengine/volc-sdk-golang/base"
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
)

// regionHosts maps each supported region to its API host.
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

	// MaxBatchSize is the most IDs sent in one call.
	MaxBatchSize int
	// TrustBatchSize says MaxBatchSize was chosen by the user: the first
	// read does not probe it with a batch sent alone (see batched). A
	// refusal still splits calls.
	TrustBatchSize bool
	// MaxQPS is the request budget per action, shared by every call and
	// retry (and, with ScopeMachine, every process on the machine using
	// the same key and endpoint); the API allows 100 per account and
	// action, and some actions less (actionQPS).
	MaxQPS float64
	// BudgetScope is ScopeMachine (the default) or ScopeProcess.
	BudgetScope string
	// BudgetDir holds machine-wide budgets; DefaultBudgetDir when empty.
	BudgetDir string
	// BudgetRedisURL, when set (redis:// or rediss://, user and password
	// in it), shares each action's budget through Redis with every process
	// anywhere that uses the same key, endpoint and Redis; BudgetScope's
	// budget is then the fallback while Redis cannot be used. A secret:
	// never logged, and named in errors by host and port only.
	BudgetRedisURL string
	// BudgetShare (0 < share <= 1, default 1) is the fraction of MaxQPS
	// (or an action's lower limit) that the budget may use in all.
	BudgetShare float64
	// MaxRetries is how many times a throttled, failed or timed-out call
	// is retried; zero means never.
	MaxRetries int
	// RequestTimeout bounds one attempt.
	RequestTimeout time.Duration
	// Concurrency bounds the calls in flight for one read.
	Concurrency int

	// Clock and Jitter are seams for tests; real ones when nil. Jitter
	// returns a duration in [d/2, d].
	Clock  Clock
	Jitter func(d time.Duration) time.Duration
}

// Client is safe for concurrent use.
type Client struct {
	creds     base.Credentials
	endpoint  *url.URL
	userAgent string
	http      *http.Client

	mu           sync.Mutex
	batches      map[string]*batchSize // by action, made on first use
	maxBatchSize int
	trustBatch   bool
	maxRetries   int
	// maxScanMembers is MaxScanMembers, maxListed the other paged reads'
	// bounds; tests lower them.
	maxScanMembers int
	maxListed      listBounds
	timeout        time.Duration
	concurrency    int
	clock          Clock
	jitter         func(d time.Duration) time.Duration

	maxQPS       float64
	budgetScope  string
	budgetDir    string
	budgetShare  float64
	redis        *redisClient             // nil unless BudgetRedisURL is set
	redisNotice  notice                   // why Redis could not be used, the first time
	budgets      map[string]*budget       // by action, made on first use
	budgetNotice notice                   // why the machine's budget is not used
	merges       map[mergeKey]*mergeQueue // made on first use (see merged)
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
	if cfg.Clock == nil {
		cfg.Clock = RealClock{}
	}
	if cfg.Jitter == nil {
		cfg.Jitter = halfJitter
	}
	if cfg.BudgetShare == 0 {
		cfg.BudgetShare = 1
	}
	if !(cfg.BudgetShare > 0 && cfg.BudgetShare <= 1) {
		return nil, fmt.Errorf("budget share %v is not within (0, 1]", cfg.BudgetShare)
	}
	var rdb *redisClient
	if cfg.BudgetRedisURL != "" {
		if rdb, err = newRedisClient(cfg.BudgetRedisURL); err != nil {
			return nil, err
		}
	}
	switch cfg.BudgetScope {
	case "":
		cfg.BudgetScope = ScopeMachine
	case ScopeMachine, ScopeProcess:
	default:
		return nil, fmt.Errorf("unknown budget scope %q (%s or %s)", cfg.BudgetScope, ScopeMachine, ScopeProcess)
	}
	return &Client{
		batches:        map[string]*batchSize{},
		maxBatchSize:   cfg.MaxBatchSize,
		trustBatch:     cfg.TrustBatchSize,
		maxRetries:     cfg.MaxRetries,
		maxScanMembers: MaxScanMembers,
		maxListed:      listBounds{MaxUserConversations, MaxBlockListUsers},
		timeout:        cfg.RequestTimeout,
		concurrency:    cfg.Concurrency,
		clock:          cfg.Clock,
		jitter:         cfg.Jitter,
		maxQPS:         cfg.MaxQPS,
		budgetScope:    cfg.BudgetScope,
		budgetDir:      cfg.BudgetDir,
		budgetShare:    cfg.BudgetShare,
		redis:          rdb,
		budgets:        map[string]*budget{},

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
// user info, query or fragment. Its errors never quote user info: a URL
// with user info is shown without it, and one that cannot be parsed is
// not shown at all when it may hold a password.
func ParseEndpoint(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if strings.Contains(raw, "@") || !errors.As(err, &ue) {
			return nil, errors.New("endpoint is not a valid URL (the value is not shown, as it may hold a password); " +
				"check that special characters are percent-encoded")
		}
		return nil, fmt.Errorf("endpoint %q is not a valid URL: %v", raw, ue.Err)
	}
	if u.User != nil {
		u.User = nil
		return nil, fmt.Errorf("endpoint %q must not carry user info (a user name or password before @; removed "+
			"from this message): credentials go in access_key and secret_key", u.String())
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("endpoint %q must start with https:// or http://", raw)
	}
	if u.Host == "" || u.Hostname() == "" {
		return nil, fmt.Errorf("endpoint %q has no host", raw)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("endpoint %q must not carry a query or fragment", raw)
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

// Endpoint returns the URL requests are sent to, without the query.
func (c *Client) Endpoint() string { return c.endpoint.String() }

// Clock is the client's clock (Config.Clock), for callers that wait beside
// it, so that one fake clock moves them too.
func (c *Client) Clock() Clock { return c.clock }

// newHTTPClient bounds each attempt by timeout; the context also does. It
// never follows a redirect: attempt turns a 3xx into an error.
func newHTTPClient(timeout time.Duration) *http.Client {
	return &http.Client{
		Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
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
// Result, of at most bodyLimit(items) bytes, into out. Retries wrap it.
func (c *Client) attempt(ctx context.Context, action string, payload []byte, items int, out any) error {
	limit := bodyLimit(items)
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

	start := c.clock.Now()
	tflog.Debug(ctx, "volcrtc API request", map[string]any{
		"action": action, "url": u.String(), "body_bytes": len(payload),
	})
	resp, err := c.http.Do(req)
	if err != nil {
		return &TransportError{Action: action, Host: c.endpoint.Host, Err: err, Permanent: permanent(err)}
	}
	defer func() { _ = resp.Body.Close() }()
	if resp.StatusCode/100 == 3 {
		return &RedirectError{Action: action, Status: resp.StatusCode, Target: redirectTarget(resp.Header.Get("Location"), req.URL)}
	}
	raw, complete, err := readLimited(resp.Body, limit)
	if err != nil {
		return &TransportError{Action: action, Host: c.endpoint.Host, Err: fmt.Errorf("reading the response: %w", err)}
	}
	var apiErr *APIError
	if complete {
		apiErr = decode(action, resp.StatusCode, raw, items, out)
	} else {
		apiErr = &APIError{Action: action, HTTPStatus: resp.StatusCode, Unreadable: true, Message: fmt.Sprintf(
			"the response is larger than the %d MiB this call can need; it was not read further", limit>>20)}
	}
	fields := map[string]any{
		"action": action, "status": resp.StatusCode, "body_bytes": len(raw),
		"duration_ms": c.clock.Now().Sub(start).Milliseconds(),
	}
	if apiErr != nil {
		apiErr.RetryAfter = parseRetryAfter(resp.Header.Get("Retry-After"), c.clock.Now())
		fields["code"], fields["request_id"] = apiErr.Code, apiErr.RequestID
		tflog.Debug(ctx, "volcrtc API error", fields)
		return apiErr
	}
	tflog.Debug(ctx, "volcrtc API response", fields)
	return nil
}

// decode fills out from one response of a call that asked for items
// records, or says why it cannot. Text from the body is made printable; a
// body that is not the API's envelope is Unreadable.
func decode(action string, status int, raw []byte, items int, out any) *APIError {
	var env envelope
	jsonErr := json.Unmarshal(raw, &env)
	meta := env.ResponseMetadata
	if jsonErr == nil && meta.Error != nil && (meta.Error.Code != "" || meta.Error.CodeN != 0 || status/100 != 2) {
		e := &APIError{
			Action: action, HTTPStatus: status, RequestID: printable(meta.RequestID),
			Code: printable(meta.Error.Code), CodeN: meta.Error.CodeN, Message: printable(meta.Error.Message),
		}
		if e.Code == "" && e.CodeN == 0 && e.Message == "" {
			e.Message = "the API reported an error without a code or message"
		}
		return e
	}
	requestID := printable(meta.RequestID)
	if status/100 != 2 {
		return &APIError{Action: action, HTTPStatus: status, RequestID: requestID, Unreadable: true,
			Message: "unexpected response: " + excerpt(action, raw)}
	}
	if jsonErr != nil {
		return &APIError{Action: action, HTTPStatus: status, Unreadable: true,
			Message: "response is not valid JSON: " + excerpt(action, raw)}
	}
	if len(env.Result) == 0 || string(env.Result) == "null" {
		if _, ok := out.(*noResult); ok && requestID != "" {
			return nil // the action answers no Result: its envelope is the success
		}
		return &APIError{Action: action, HTTPStatus: status, RequestID: requestID, Unreadable: true,
			Message: "response has neither Result nor ResponseMetadata.Error"}
	}
	// From here on the answer is the API's envelope: what is wrong is the
	// Result's shape, not a proxy's page.
	if err := json.Unmarshal(env.Result, out); err != nil {
		msg := "cannot decode Result: " + printable(err.Error())
		if secretAnswers[action] { // a number's error quotes the number
			msg = fmt.Sprintf("cannot decode Result: it is not what %s returns (%s)", action, excerpt(action, env.Result))
		}
		return &APIError{Action: action, HTTPStatus: status, RequestID: requestID, Unreadable: true, Envelope: true, Message: msg}
	}
	if r, ok := out.(result); ok {
		if msg := r.check(items); msg != "" {
			return &APIError{Action: action, HTTPStatus: status, RequestID: requestID, Unreadable: true, Envelope: true,
				Message: printable(msg)}
		}
	}
	return nil
}

// result is a Result type that can say what its answer lacks: a list the
// action always returns, or more records than items were asked for. An
// answer that says less than it must is unreadable, never "nothing".
type result interface {
	check(items int) string
}

// excerpt returns a short printable excerpt of a body of action's answer
// for messages, or, when the action's answers hold a secret, only the
// body's size.
func excerpt(action string, b []byte) string {
	if secretAnswers[action] {
		return fmt.Sprintf("%d bytes, not shown: %s", len(b), secretWhy)
	}
	const n = 200
	s := strings.ToValidUTF8(string(b[:min(len(b), 4*n)]), "?")
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return "(empty body)"
	}
	if r := []rune(s); len(r) > n {
		s = string(r[:n]) + "..."
	}
	return printable(s)
}
