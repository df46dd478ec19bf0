package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
)

// The OpenAPI 3.0 document is built from the routing table (apiRoutes) and
// the Go types of each route's request and response bodies, by
// reflection over their json tags. It is the machine-readable form of
// docs/api.md; TestOpenAPIMatchesRouter keeps router, document and that
// page in step.

type openAPIDoc = map[string]any

func (s *Server) openapi(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	return c.Send(s.openAPIJSON())
}

func (s *Server) openAPIJSON() []byte {
	s.openAPIOnce.Do(func() {
		b, err := json.MarshalIndent(buildOpenAPI(s.routes), "", "  ")
		if err != nil {
			panic(err) // only static types go in; a failure is a programming error
		}
		s.openAPIBytes = b
	})
	return s.openAPIBytes
}

// OpenAPIPath turns a Fiber route path into an OpenAPI path template
// ("/products/:slug" -> "/products/{slug}", "/images/:sku.svg" -> "/images/{sku}.svg").
func OpenAPIPath(fiberPath string) string {
	return fiberParamRE.ReplaceAllString(fiberPath, "{$1}")
}

var fiberParamRE = regexp.MustCompile(`:([A-Za-z0-9_]+)`)

func buildOpenAPI(routes []route) openAPIDoc {
	sg := &schemaGen{components: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, r := range routes {
		p := OpenAPIPath(r.path)
		op := map[string]any{
			"summary":     r.summary,
			"operationId": operationID(r.method, r.path),
			"tags":        []string{r.tag},
		}
		var params []any
		for _, m := range fiberParamRE.FindAllStringSubmatch(r.path, -1) {
			typ := "string"
			if m[1] == "id" || strings.HasSuffix(m[1], "_id") {
				typ = "integer"
			}
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": typ}})
		}
		for _, q := range r.query {
			qs := map[string]any{"type": q.typ}
			if q.maxLength > 0 {
				qs["maxLength"] = q.maxLength
			}
			params = append(params, map[string]any{"name": q.name, "in": "query", "required": q.required, "description": q.desc, "schema": qs})
		}
		for _, h := range r.headers {
			params = append(params, map[string]any{"name": h.name, "in": "header", "required": h.required, "description": h.desc, "schema": map[string]any{"type": h.typ}})
		}
		if params != nil {
			op["parameters"] = params
		}
		if r.request != nil {
			op["requestBody"] = map[string]any{
				"required": true,
				"content":  map[string]any{fiber.MIMEApplicationJSON: map[string]any{"schema": sg.schema(reflect.TypeOf(r.request))}},
			}
		}
		responses := map[string]any{}
		ok := map[string]any{"description": http.StatusText(r.status)}
		switch {
		case r.response != nil:
			ok["content"] = map[string]any{fiber.MIMEApplicationJSON: map[string]any{"schema": sg.schema(reflect.TypeOf(r.response))}}
		case r.contentType != "":
			ok["content"] = map[string]any{r.contentType: map[string]any{"schema": map[string]any{"type": "string"}}}
		}
		responses[itoa(r.status)] = ok
		for st, body := range r.also {
			desc := http.StatusText(st)
			if st == http.StatusOK && r.status == http.StatusCreated {
				desc = "the same order again (idempotent replay of the Idempotency-Key)"
			}
			responses[itoa(st)] = map[string]any{
				"description": desc,
				"content":     map[string]any{fiber.MIMEApplicationJSON: map[string]any{"schema": sg.schema(reflect.TypeOf(body))}},
			}
		}
		errs := append([]int{}, r.errors...)
		if r.request != nil {
			errs = append(errs, http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType)
		}
		if r.limited {
			errs = append(errs, http.StatusTooManyRequests)
		}
		switch r.access {
		case loggedIn:
			errs = append(errs, http.StatusUnauthorized)
			op["security"] = []any{map[string]any{"session": []string{}}}
		case adminOnly:
			errs = append(errs, http.StatusUnauthorized, http.StatusForbidden)
			op["security"] = []any{map[string]any{"session": []string{}}}
		}
		for _, st := range errs {
			responses[itoa(st)] = map[string]any{"$ref": "#/components/responses/Error"}
		}
		if r.limited {
			responses[itoa(http.StatusTooManyRequests)] = map[string]any{"$ref": "#/components/responses/RateLimited"}
		}
		if strings.HasPrefix(r.path, contract.APIBase+"/") {
			// Every JSON route reads the database (the session, at least):
			// while it is unreachable the answer is 503 unavailable.
			responses[itoa(http.StatusServiceUnavailable)] = map[string]any{"$ref": "#/components/responses/Unavailable"}
		}
		responses["default"] = map[string]any{"$ref": "#/components/responses/Error"}
		op["responses"] = responses
		if paths[p] == nil {
			paths[p] = map[string]any{}
		}
		paths[p][strings.ToLower(r.method)] = op
	}
	errSchema := sg.schema(reflect.TypeOf(ErrorBody{}))
	return openAPIDoc{
		"openapi": "3.0.3",
		"info": map[string]any{
			"title":       "shopstack storefront API",
			"version":     "1",
			"description": "JSON API of the storefront (docs/api.md). Every error has the shape {\"error\": {\"code\", \"message\", \"fields\"}}.",
		},
		"servers": []any{map[string]any{"url": "/"}},
		"paths":   paths,
		"components": map[string]any{
			"schemas": sg.components,
			"responses": map[string]any{
				"Error": map[string]any{
					"description": "An error (see docs/api.md for codes and statuses)",
					"content":     map[string]any{fiber.MIMEApplicationJSON: map[string]any{"schema": errSchema}},
				},
				"RateLimited": map[string]any{
					"description": "rate_limited: too many attempts from this client; retry after Retry-After seconds",
					"headers":     map[string]any{"Retry-After": retryAfterHeader},
					"content":     map[string]any{fiber.MIMEApplicationJSON: map[string]any{"schema": errSchema}},
				},
				"Unavailable": map[string]any{
					"description": "unavailable: the database cannot be reached (or timed out); retry after Retry-After seconds",
					"headers":     map[string]any{"Retry-After": retryAfterHeader},
					"content":     map[string]any{fiber.MIMEApplicationJSON: map[string]any{"schema": errSchema}},
				},
			},
			"securitySchemes": map[string]any{
				"session": map[string]any{"type": "apiKey", "in": "cookie", "name": CookieSession},
			},
		},
		"x-api-base": contract.APIBase,
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	up := true
	for _, r := range strings.TrimPrefix(path, contract.APIBase) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if up {
				r = unicode.ToUpper(r)
			}
			b.WriteRune(r)
			up = false
		} else {
			up = true
		}
	}
	return b.String()
}

// schemaGen turns Go types into JSON Schemas (OpenAPI 3.0 dialect), putting
// named structs into components and referring to them by $ref.
type schemaGen struct {
	components map[string]any
}

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case reflect.Interface:
		return map[string]any{}
	case reflect.Struct:
		name := schemaName(t)
		if name == "" {
			return g.structSchema(t)
		}
		if _, done := g.components[name]; !done {
			g.components[name] = map[string]any{} // placeholder against recursion
			g.components[name] = g.structSchema(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	default:
		return map[string]any{}
	}
}

func (g *schemaGen) structSchema(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	var walk func(t reflect.Type)
	walk = func(t reflect.Type) {
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			tag := f.Tag.Get("json")
			if tag == "-" {
				continue
			}
			name, _, _ := strings.Cut(tag, ",")
			if f.Anonymous && name == "" {
				ft := f.Type
				for ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if ft.Kind() == reflect.Struct {
					walk(ft)
					continue
				}
			}
			if name == "" {
				name = f.Name
			}
			ps := g.schema(f.Type)
			for _, flag := range strings.Split(f.Tag.Get("openapi"), ",") {
				switch flag {
				case "nullable":
					// OpenAPI 3.0 ignores siblings of $ref: wrap it.
					ps = map[string]any{"allOf": []any{ps}, "nullable": true}
				case "required":
					// Documents what the handler's parse or the
					// domain's service layer requires.
					required = append(required, name)
				}
				// minimum=N, maximum=N: the bounds of an integer that
				// the service layer enforces.
				if k, v, ok := strings.Cut(flag, "="); ok && ps["type"] == "integer" && (k == "minimum" || k == "maximum") {
					ps[k] = json.Number(v)
				}
			}
			applyInputLimits(t, name, ps)
			props[name] = ps
		}
	}
	walk(t)
	s := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

var genericArgRE = regexp.MustCompile(`[A-Za-z0-9_./-]*\.`)

// schemaName names a struct for components: "Product", "PageOfProduct",
// "ItemsBodyOfCategory". Anonymous structs get no name (inlined).
func schemaName(t reflect.Type) string {
	n := t.Name()
	if n == "" {
		return ""
	}
	if i := strings.IndexByte(n, '['); i >= 0 {
		args := genericArgRE.ReplaceAllString(n[i+1:len(n)-1], "")
		n = n[:i] + "Of" + strings.ReplaceAll(args, ",", "And")
	}
	r := []rune(n)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

// retryAfterHeader documents Retry-After (delay-seconds) on 429 and 503.
var retryAfterHeader = map[string]any{
	"description": "seconds to wait before trying again",
	"schema":      map[string]any{"type": "integer", "minimum": 1},
}
