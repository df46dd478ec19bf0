package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gofiber/fiber/v2"
)

// client drives the real Fiber app through app.Test and keeps cookies like
// a browser would (by name; Secure is honoured by sending them anyway,
// since app.Test is the "localhost" case).
type client struct {
	t       testing.TB
	app     *fiber.App
	cookies map[string]*http.Cookie
	headers map[string]string
	spec    *openapi3.T // when set, every JSON answer is checked against it
}

func newClient(t testing.TB, app *fiber.App) *client {
	return &client{t: t, app: app, cookies: map[string]*http.Cookie{}, headers: map[string]string{}}
}

type response struct {
	Status  int
	Header  http.Header
	Body    []byte
	Cookies []*http.Cookie
}

// JSON decodes the body into a generic value.
func (r *response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v: %s", err, r.Body)
	}
	return m
}

// Into decodes the body into v.
func (r *response) Into(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decoding %T: %v: %s", v, err, r.Body)
	}
}

// ErrorCode returns error.code of an error body, failing if the body does
// not have the one error shape.
func (r *response) ErrorCode(t testing.TB) string {
	t.Helper()
	e := mustErrorShape(t, r.Body)
	return e.Error.Code
}

func mustErrorShape(t testing.TB, body []byte) ErrorBody {
	t.Helper()
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || len(raw) != 1 || raw["error"] == nil {
		t.Fatalf("not an error body: %s", body)
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(raw["error"], &inner); err != nil {
		t.Fatalf("error is not an object: %s", body)
	}
	for k := range inner {
		if k != "code" && k != "message" && k != "fields" && k != "cart" {
			t.Fatalf("unexpected key %q in error body %s", k, body)
		}
	}
	var e ErrorBody
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("bad error body (%v): %s", err, body)
	}
	return e
}

// do sends a request. body may be nil, a string/[]byte (sent raw) or any
// other value (sent as JSON). Writes get Content-Type: application/json
// unless a "Content-Type" header is given in hdr.
func (c *client) do(method, path string, body any, hdr ...string) *response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	for _, ck := range c.cookies {
		req.AddCookie(&http.Cookie{Name: ck.Name, Value: ck.Value})
	}
	res, err := c.app.Test(req, -1)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := &response{Status: res.StatusCode, Header: res.Header, Body: out, Cookies: res.Cookies()}
	if c.spec != nil {
		checkResponseSchema(c.t, c.spec, method, path, decoded(c.t, r))
	}
	for _, ck := range r.Cookies {
		if ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now())) || ck.Value == "" {
			delete(c.cookies, ck.Name)
		} else {
			c.cookies[ck.Name] = ck
		}
	}
	return r
}

// want fails unless r has status; it returns r for chaining.
func want(t testing.TB, r *response, status int) *response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d; body: %s", r.Status, status, r.Body)
	}
	if status >= 400 {
		mustErrorShape(t, r.Body)
	}
	return r
}

// wantErr fails unless r is an error with that status and code.
func wantErr(t testing.TB, r *response, status int, code string) ErrorBody {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d (%s); body: %s", r.Status, status, code, r.Body)
	}
	e := mustErrorShape(t, r.Body)
	if e.Error.Code != code {
		t.Fatalf("code %q, want %q; body: %s", e.Error.Code, code, r.Body)
	}
	return e
}
