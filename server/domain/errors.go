// Package domain holds the storefront's plain types, the service interfaces
// the HTTP layer calls and the one error vocabulary every layer speaks.
//
// It imports neither Fiber nor Bun: the store (server/store) implements the
// interfaces with Bun, the HTTP layer (server/httpapi) calls them, and main
// wires the two together.
package domain

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Error codes. They are the "code" of every JSON error body; the HTTP layer
// maps each to a status once (docs/api.md).
const (
	ENOTFOUND          = "not_found"
	EINVALID           = "invalid"
	ECONFLICT          = "conflict"
	EUNAUTHORIZED      = "unauthorized"
	EFORBIDDEN         = "forbidden"
	EINTERNAL          = "internal"
	EINSUFFICIENTSTOCK = "insufficient_stock"
	EPAYMENTDECLINED   = "payment_declined"
	EPAYMENTFAILED     = "payment_failed"
	ERATELIMITED       = "rate_limited"
	// ECARTCHANGED: the cart is not what the customer was shown (another
	// tab changed it, or a price did) when the order was placed.
	ECARTCHANGED = "cart_changed"
	// EUNAVAILABLE: the database cannot be reached right now (connection
	// refused or reset, pool exhausted, statement timed out). The store
	// classifies these once; the HTTP layer answers 503 with Retry-After.
	EUNAVAILABLE = "unavailable"
)

// Error is the application error. Code is one of the E* constants, Message
// is safe to show to a user, Fields names offending input fields (only for
// EINVALID validation errors).
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, k+" "+e.Fields[k])
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// NotFound, Conflict, ... are shorthands for Errorf with that code.
func NotFound(format string, args ...any) *Error { return Errorf(ENOTFOUND, format, args...) }
func Conflict(format string, args ...any) *Error { return Errorf(ECONFLICT, format, args...) }
func Unauthorized(format string, args ...any) *Error {
	return Errorf(EUNAUTHORIZED, format, args...)
}
func Forbidden(format string, args ...any) *Error { return Errorf(EFORBIDDEN, format, args...) }
func Internal(format string, args ...any) *Error  { return Errorf(EINTERNAL, format, args...) }
func InsufficientStock(format string, args ...any) *Error {
	return Errorf(EINSUFFICIENTSTOCK, format, args...)
}
func PaymentDeclined(format string, args ...any) *Error {
	return Errorf(EPAYMENTDECLINED, format, args...)
}
func PaymentFailed(format string, args ...any) *Error {
	return Errorf(EPAYMENTFAILED, format, args...)
}
func RateLimited(format string, args ...any) *Error { return Errorf(ERATELIMITED, format, args...) }
func Unavailable(format string, args ...any) *Error { return Errorf(EUNAVAILABLE, format, args...) }

// Invalid returns an EINVALID error without fields: malformed input as a
// whole (HTTP 400).
func Invalid(format string, args ...any) *Error { return Errorf(EINVALID, format, args...) }

// InvalidFields returns an EINVALID error naming the offending fields: a
// well-formed request that breaks a rule (HTTP 422).
func InvalidFields(fields map[string]string) *Error {
	return &Error{Code: EINVALID, Message: "validation failed", Fields: fields}
}

// ErrorCode returns the code of the *Error in err's chain, "" for nil and
// EINTERNAL for any other error.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of the *Error in err's chain,
// or a generic message for any other error (never leak internals).
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// ErrorFields returns the field errors of the *Error in err's chain, or nil.
func ErrorFields(err error) map[string]string {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// fieldErrors collects validation failures; err() is nil when there are none.
type fieldErrors map[string]string

func (f fieldErrors) add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// merge adds the field errors of err (another rule's answer).
func (f fieldErrors) merge(err error) {
	for k, v := range ErrorFields(err) {
		f.add(k, v)
	}
}

func (f fieldErrors) err() error {
	if len(f) == 0 {
		return nil
	}
	return InvalidFields(map[string]string(f))
}

// checkText rejects NUL bytes, which PostgreSQL text cannot hold (and the
// SQL layer refuses), so they are a validation error everywhere.
func (f fieldErrors) checkText(field string, values ...string) {
	for _, v := range values {
		if strings.IndexByte(v, 0) >= 0 {
			f.add(field, "must not contain NUL characters")
			return
		}
	}
}

// HasNUL reports whether s contains a NUL byte (lookups by slug or SKU
// treat such values as not found).
func HasNUL(s string) bool { return strings.IndexByte(s, 0) >= 0 }
