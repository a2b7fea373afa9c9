// Copyright (c) The terraform-provider-volcrtc authors
// SPDX-License-Identifier: MPL-2.0

package provider

import (
	"bytes"
	"fmt"
	"math"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/volcrtc/terraform-provider-volcrtc/internal/imclient"
)

// The data sources write their state as MessagePack themselves, straight
// from the API's records, in the encoding Terraform reads state in.
// Conversations can have 100,000 members: built as tftypes values and
// handed to the framework, which copies the tree several times (null
// blocks, semantic equality, encoding), one read of 100,000 members
// peaked at 1.9 GB in the plugin. Written directly, the state costs its
// own bytes.

// maxStateBytes is the most state one read may return. Terraform refuses
// a gRPC message over 256 MiB with a raw "ResourceExhausted"; a MiB is
// left for the rest of the response.
const maxStateBytes = 255 << 20

// StateTooLargeError is a state that Terraform would refuse to receive.
type stateTooLargeError struct {
	limit   int
	records int // nested objects written before the limit was crossed
}

func (e *stateTooLargeError) Error() string {
	return fmt.Sprintf("the state passed %d MiB after %d records", e.limit>>20, e.records)
}

// stateWriter encodes one state value. Encoding into a bytes.Buffer cannot
// fail, so the first error is kept and reported once by bytes; writing
// past limit is such an error, and ends the writing of records.
type stateWriter struct {
	buf     bytes.Buffer
	enc     *msgpack.Encoder
	err     error
	limit   int
	records int
}

// newStateWriter makes a writer with room for about size bytes (so a large
// state is not copied while its buffer grows) that stops past limit.
func newStateWriter(size, limit int) *stateWriter {
	w := &stateWriter{limit: limit}
	w.buf.Grow(min(size, limit))
	w.enc = msgpack.NewEncoder(&w.buf)
	return w
}

func (w *stateWriter) keep(err error) {
	if w.err == nil && err != nil {
		w.err = err
	}
}

// bytes returns the encoded state.
func (w *stateWriter) bytes() ([]byte, error) {
	if w.err == nil && w.buf.Len() > w.limit {
		w.err = &stateTooLargeError{limit: w.limit, records: w.records}
	}
	if w.err != nil {
		return nil, w.err
	}
	return w.buf.Bytes(), nil
}

// state is a data source's state: its attributes' values by name; an
// attribute left out is null. Values are what stateWriter.value writes.
type state map[string]any

// records is a list of nested objects in a state.
type records interface {
	writeTo(w *stateWriter)
	count() int
}

// objectList is a list of records as one field table describes them.
type objectList[T any] struct {
	o    object[T]
	recs []T
}

func (l objectList[T]) writeTo(w *stateWriter) { objects(w, l.o, l.recs) }
func (l objectList[T]) count() int             { return len(l.recs) }

// listOf is recs as a state value.
func listOf[T any](o object[T], recs []T) records { return objectList[T]{o, recs} }

// writeState writes st as an object of the attributes names, in that
// order (Terraform's: sorted), each null unless st has it.
func (w *stateWriter) writeState(names []string, st state) {
	w.objectHeader(len(names))
	for _, name := range names {
		w.key(name)
		w.value(st[name])
	}
}

// objectHeader starts an object of n attributes; keys follow in order.
func (w *stateWriter) objectHeader(n int) { w.keep(w.enc.EncodeMapLen(n)) }
func (w *stateWriter) listHeader(n int)   { w.keep(w.enc.EncodeArrayLen(n)) }
func (w *stateWriter) key(name string)    { w.keep(w.enc.EncodeString(name)) }
func (w *stateWriter) int(v int64)        { w.keep(w.enc.EncodeInt(v)) }
func (w *stateWriter) null()              { w.keep(w.enc.EncodeNil()) }

// ints writes a list of numbers, empty rather than null.
func (w *stateWriter) ints(vs []int64) {
	w.listHeader(len(vs))
	for _, v := range vs {
		w.int(v)
	}
}

// value writes a value: nil, int64, string, bool, []int64 (empty rather
// than null), []string, map[string]string (keys sorted, so the bytes are
// stable) or records.
func (w *stateWriter) value(v any) {
	switch v := v.(type) {
	case nil:
		w.null()
	case int64:
		w.int(v)
	case bool:
		w.keep(w.enc.EncodeBool(v))
	case []int64:
		w.ints(v)
	case records:
		v.writeTo(w)
	case string:
		w.keep(w.enc.EncodeString(v))
	case []string:
		w.listHeader(len(v))
		for _, s := range v {
			w.keep(w.enc.EncodeString(s))
		}
	case map[string]string:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		w.keep(w.enc.EncodeMapLen(len(keys)))
		for _, k := range keys {
			w.keep(w.enc.EncodeString(k))
			w.keep(w.enc.EncodeString(v[k]))
		}
	default:
		w.keep(fmt.Errorf("no encoding for %T", v))
	}
}

// objects writes a list of records as objects o describes.
func objects[T any](w *stateWriter, o object[T], recs []T) {
	fields := o.sorted()
	w.listHeader(len(recs))
	for _, rec := range recs {
		if w.buf.Len() > w.limit {
			w.keep(&stateTooLargeError{limit: w.limit, records: w.records})
			return
		}
		w.records++
		writeObject(w, fields, rec)
	}
}

// writeObject writes one record with fields, sorted.
func writeObject[T any](w *stateWriter, fields object[T], rec T) {
	w.objectHeader(len(fields))
	for _, f := range fields {
		w.key(f.name)
		w.value(f.value(rec))
	}
}

// stateSlack is what a state holds besides its records (arguments, list
// headers), with room to spare.
const stateSlack = 64 << 10

// stateLimit lets a paged read stop as soon as its state could not fit in
// maxStateBytes, while the pages arrive, instead of after it has read the
// whole list: each record is measured as it will be written (o's object,
// and extra bytes it adds elsewhere, such as its ID in another list). One
// per read: it reuses one buffer.
func stateLimit[T any](o object[T], extra int) imclient.SizeLimit[T] {
	fields := o.sorted()
	w := newStateWriter(0, math.MaxInt)
	return imclient.SizeLimit[T]{Bytes: maxStateBytes - stateSlack, Size: func(rec *T) int {
		w.buf.Reset()
		writeObject(w, fields, *rec)
		return w.buf.Len() + extra
	}}
}

// tooMuchData is the error of a state Terraform would refuse: what was
// read (progress), and what to do (advice).
func tooMuchData(progress, advice string) diag.Diagnostic {
	return diag.NewErrorDiagnostic("Too much data for one data source",
		fmt.Sprintf("%s Its state would be larger than the %d MiB Terraform accepts from a provider in one message, "+
			"so nothing was saved. %s", progress, (maxStateBytes>>20)+1, advice))
}

// sorted is o's fields by name, the order Terraform writes objects in.
func (o object[T]) sorted() object[T] {
	s := append(object[T](nil), o...)
	sort.Slice(s, func(i, j int) bool { return s[i].name < s[j].name })
	return s
}
