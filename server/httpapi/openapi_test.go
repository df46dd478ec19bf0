package httpapi

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The OpenAPI document is checked twice: it must be a valid OpenAPI 3.0
// document, and every JSON answer the tests receive must match the schema
// the document gives for that operation and status (client.do checks each
// response). So the document cannot describe a shape the server does not
// send, e.g. an array where the server sends null.

var (
	specOnce sync.Once
	spec     *openapi3.T
	specErr  error
)

func loadSpec(s *Server) (*openapi3.T, error) {
	specOnce.Do(func() {
		loader := openapi3.NewLoader()
		spec, specErr = loader.LoadFromData(s.openAPIJSON())
		if specErr == nil {
			specErr = spec.Validate(context.Background())
		}
	})
	return spec, specErr
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	e := newEnv(t, "sqlite")
	doc, err := loadSpec(e.srv)
	if err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			if op.Summary == "" || op.OperationID == "" || op.Responses == nil || op.Responses.Default() == nil {
				t.Errorf("%s %s: incomplete operation", method, path)
			}
		}
	}
}

// matchTemplate reports whether a request path fits an OpenAPI path
// template ("/api/v1/products/{slug}", "/api/v1/images/{sku}.svg").
func matchTemplate(tmpl, path string) bool {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i, seg := range ts {
		open := strings.IndexByte(seg, '{')
		if open < 0 {
			if seg != ps[i] {
				return false
			}
			continue
		}
		closeIdx := strings.IndexByte(seg, '}')
		prefix, suffix := seg[:open], seg[closeIdx+1:]
		if !strings.HasPrefix(ps[i], prefix) || !strings.HasSuffix(ps[i], suffix) || len(ps[i]) <= len(prefix)+len(suffix) {
			return false
		}
	}
	return true
}

// checkResponseSchema validates a JSON response against the document.
func checkResponseSchema(t testing.TB, doc *openapi3.T, method, path string, r *response) {
	t.Helper()
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") || len(r.Body) == 0 {
		return
	}
	path, _, _ = strings.Cut(path, "?")
	var op *openapi3.Operation
	for tmpl, item := range doc.Paths.Map() {
		if matchTemplate(tmpl, path) {
			if o := item.GetOperation(strings.ToUpper(method)); o != nil {
				op = o
			}
		}
	}
	if op == nil {
		return // unknown route or method: the error shape is checked by the tests
	}
	ref := op.Responses.Status(r.Status)
	if ref == nil {
		ref = op.Responses.Default()
		if r.Status < 400 {
			t.Errorf("%s %s: status %d is not documented", method, path, r.Status)
			return
		}
	}
	mt := ref.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		t.Errorf("%s %s: status %d documented without a JSON schema", method, path, r.Status)
		return
	}
	var v any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Errorf("%s %s: body is not JSON: %v", method, path, err)
		return
	}
	if err := mt.Schema.Value.VisitJSON(v); err != nil {
		t.Errorf("%s %s: %d body does not match the OpenAPI schema: %v\nbody: %.500s", method, path, r.Status, err, r.Body)
	}
}

// TestOpenAPIDocumentsOutagesAndRateLimits: every JSON route documents the
// 503 `unavailable` it answers while the database is down, and the
// rate-limited ones their 429, both with Retry-After.
func TestOpenAPIDocumentsOutagesAndRateLimits(t *testing.T) {
	e := newEnv(t, "sqlite")
	doc, err := loadSpec(e.srv)
	if err != nil {
		t.Fatal(err)
	}
	header := func(ref *openapi3.ResponseRef) bool {
		return ref != nil && ref.Value != nil && ref.Value.Headers["Retry-After"] != nil
	}
	limited := 0
	for path, item := range doc.Paths.Map() {
		if !strings.HasPrefix(path, "/api/v1/") {
			continue
		}
		for method, op := range item.Operations() {
			if !header(op.Responses.Status(503)) {
				t.Errorf("%s %s: no 503 with Retry-After", method, path)
			}
			if r := op.Responses.Status(429); r != nil {
				limited++
				if !header(r) {
					t.Errorf("%s %s: a 429 without Retry-After", method, path)
				}
			}
		}
	}
	if limited == 0 {
		t.Error("no route documents its rate limit (429)")
	}
}
