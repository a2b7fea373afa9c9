// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package imclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

const (
	backoffBase = 250 * time.Millisecond
	backoffMax  = 8 * time.Second
	// retryAfterMax caps how long a Retry-After header can make us wait.
	retryAfterMax = time.Minute
)

// retryable reports whether err is worth another attempt.
func retryable(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		switch apiErr.HTTPStatus {
		case http.StatusTooManyRequests, http.StatusInternalServerError, http.StatusBadGateway,
			http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true
		}
		return serverFailure(apiErr.Code)
	}
	var te *TransportError
	return errors.As(err, &te) && !te.Permanent
}

// serverFailure reports whether an error code says the API failed or was
// busy, not that it refused the call.
func serverFailure(code string) bool {
	switch code {
	case CodeFlowLimitExceeded, CodeInternalError, CodeInternalServiceTimeout:
		return true
	}
	return false
}

// Refused reports whether err is the API rejecting the call, so that it
// certainly did nothing: a readable answer with an error code that is not
// a server failure (retryable's codes, a 5xx status).
func Refused(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && !apiErr.Unreadable && apiErr.Code != "" &&
		apiErr.HTTPStatus < http.StatusInternalServerError && !serverFailure(apiErr.Code)
}

// ThrottleDeadline is how long one call keeps being retried after the API
// throttles it. Throttled retries do not count against max_retries: the
// shared budget re-paces them (and cuts its rate), so a call waits its
// turn rather than fail because other clients were calling too.
const ThrottleDeadline = 2 * time.Minute

// throttledErr reports whether the API throttled the call.
func throttledErr(err error) (*APIError, bool) {
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		return nil, false
	}
	return apiErr, apiErr.HTTPStatus == http.StatusTooManyRequests || apiErr.Code == CodeFlowLimitExceeded
}

// call runs one action with the action's budget and the retry policy.
// items is how many records the answer can hold, which bounds its size.
func (c *Client) call(ctx context.Context, action string, body any, items int, out any) error {
	return c.callSettled(ctx, action, body, items, out, nil)
}

// settleFunc is asked, before a call that failed without a throttle is
// sent again, what the failed attempt may already have done: done is true
// when nothing is left to send; otherwise body and items are what to send
// instead. An error ends the retries with the attempt's error.
type settleFunc func(ctx context.Context) (body any, items int, done bool, err error)

// callSettled is call for a write whose repeat is not free (an add posts
// a message in the group each time): an attempt that failed after it may
// have been applied (a 5xx, an error answer, no answer) is settled before
// it is sent again, and only what is still to do is sent.
func (c *Client) callSettled(ctx context.Context, action string, body any, items int, out any, settle settleFunc) error {
	// tflog masks a context's fields in place when it logs: every call
	// logs on a copy of its own, so calls running at once never share one.
	ctx = tflog.SetField(ctx, "action", action)
	payload, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("encoding %s request: %w", action, err)
	}
	b := c.budgetOf(action)
	start := c.clock.Now()
	failures, throttles := 0, 0
	for {
		slot, err := takeSlot(ctx, b) // a merged call's first attempt has its slot
		if err != nil {
			return ctxErr(ctx, err)
		}
		err = c.attempt(httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
			WroteRequest: func(httptrace.WroteRequestInfo) { b.wrote(ctx, slot) },
		}), action, payload, items, out)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if stopOf(ctx).Err() != nil { // see withStop
			return withAttempts(err, failures+throttles+1)
		}
		var delay time.Duration
		if apiErr, ok := throttledErr(err); ok {
			throttles++
			b.throttled(ctx)
			if c.clock.Now().Sub(start) >= ThrottleDeadline {
				return withAttempts(err, failures+throttles)
			}
			// The budget paces the retry; a Retry-After holds this call
			// back further.
			delay = min(apiErr.RetryAfter, retryAfterMax)
		} else {
			failures++
			if !retryable(err) || failures > c.maxRetries || noRepeat(ctx) {
				return withAttempts(err, failures+throttles)
			}
			delay = c.backoff(failures, err)
		}
		fields := map[string]any{"action": action, "attempt": failures + throttles, "max_attempts": c.maxRetries + 1,
			"throttled": throttles, "delay_ms": delay.Milliseconds(), "error": err.Error()}
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			fields["code"], fields["http_status"], fields["request_id"] = apiErr.Code, apiErr.HTTPStatus, apiErr.RequestID
		}
		tflog.Warn(ctx, "retrying volcrtc API call", fields)
		if delay > 0 {
			if err := c.clock.Sleep(stopOf(ctx), delay); err != nil {
				return ctxErr(ctx, err)
			}
		}
		if _, throttled := throttledErr(err); settle != nil && !throttled {
			next, n, done, serr := settle(ctx)
			if serr != nil {
				tflog.Warn(ctx, "could not read back what a failed call did; not sending it again", map[string]any{
					"action": action, "error": serr.Error()})
				return withAttempts(err, failures+throttles)
			}
			if done {
				tflog.Info(ctx, "a failed call had been applied: nothing left to send", map[string]any{"action": action})
				return nil
			}
			if payload, err = json.Marshal(next); err != nil {
				return fmt.Errorf("encoding %s request: %w", action, err)
			}
			items = n
		}
	}
}

// backoff is exponential with jitter, but never shorter than Retry-After.
func (c *Client) backoff(attempt int, err error) time.Duration {
	d := backoffBase << (attempt - 1)
	if d > backoffMax || d <= 0 {
		d = backoffMax
	}
	d = c.jitter(d)
	var apiErr *APIError
	if errors.As(err, &apiErr) && apiErr.RetryAfter > d {
		d = min(apiErr.RetryAfter, retryAfterMax)
	}
	return d
}

func withAttempts(err error, n int) error {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		apiErr.Attempts = n
	}
	var te *TransportError
	if errors.As(err, &te) {
		te.Attempts = n
	}
	return err
}

type noRepeatKey struct{}

// withNoRepeat returns ctx, on which call retries only throttled calls
// (the API refused them before doing anything): for a write whose repeat
// is not safe, a lost answer is settled by reading back, never by sending
// it again blindly.
func withNoRepeat(ctx context.Context) context.Context {
	return context.WithValue(ctx, noRepeatKey{}, true)
}

func noRepeat(ctx context.Context) bool {
	v, _ := ctx.Value(noRepeatKey{}).(bool)
	return v
}

type stopKey struct{}

// withStop returns ctx, on which call stops retrying once stop is done
// without canceling an attempt in flight. A write runs its calls on a
// context that is not canceled, with the caller's as stop: after Ctrl-C the
// calls already sent still get their answers, so what they did is known.
func withStop(ctx, stop context.Context) context.Context {
	return context.WithValue(ctx, stopKey{}, stop)
}

// stopOf is the stop context of ctx (see withStop), or ctx itself.
func stopOf(ctx context.Context) context.Context {
	if s, ok := ctx.Value(stopKey{}).(context.Context); ok {
		return s
	}
	return ctx
}

// ctxErr prefers the context's own error, which says why we stopped.
func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

// parseRetryAfter reads seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

// halfJitter returns a random duration in [d/2, d].
func halfJitter(d time.Duration) time.Duration {
	half := d / 2
	return half + rand.N(d-half+1)
}
