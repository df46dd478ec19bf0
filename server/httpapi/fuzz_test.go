package httpapi

import (
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
)

// The fuzz targets feed arbitrary bytes to the JSON decoding of each write
// endpoint, through the real router on a real (SQLite) store. Whatever the
// body, the answer is never a 5xx, and it is either the one error shape or
// a JSON success. The seeds below run in every `go test`; `go test
// -fuzz=FuzzAddCartItem ./server/httpapi` explores further.

type fuzzTarget struct {
	method, path string
	as           string // guest, customer, admin
	// seeds are more seeds that depend on the target's data (for the
	// customer, computed with the logged-in client).
	seeds []string
}

func fuzzWrite(f *testing.F, target func(e *testEnv, c *client) fuzzTarget, seeds ...string) {
	e := newEnv(f, "sqlite")
	base := e.client(f)
	tgt := target(e, base)
	switch tgt.as {
	case "customer":
		email, pw := e.registerUser(f)
		base = e.login(f, email, pw)
		tgt = target(e, base) // the target may need the customer's data
	case "admin":
		base = e.admin(f)
	}
	for _, s := range append(seeds, tgt.seeds...) {
		f.Add([]byte(s))
	}
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte) {
		c := newClient(t, e.srv.App())
		for k, v := range base.cookies {
			c.cookies[k] = v
		}
		res := c.do(tgt.method, tgt.path, body, HeaderIdempotencyKey, fmt.Sprintf("fuzz-%d", n.Add(1)))
		switch {
		case res.Status >= 500:
			t.Fatalf("%s %s with %q: %d %s", tgt.method, tgt.path, body, res.Status, res.Body)
		case res.Status >= 400:
			mustErrorShape(t, res.Body)
		case res.Status == 204:
		default:
			if !json.Valid(res.Body) {
				t.Fatalf("success body is not JSON: %q", res.Body)
			}
		}
	})
}

// Seeds shared by every target: the classes of broken JSON.
var brokenSeeds = []string{``, `{`, `}`, `null`, `[]`, `"s"`, `1`, `{} {}`, `{"a":1}`, `{"a":`, "\xff\xfe", `{"__proto__":{}}`}

func seeds(valid ...string) []string { return append(valid, brokenSeeds...) }

func FuzzRegister(f *testing.F) {
	fuzzWrite(f, func(*testEnv, *client) fuzzTarget { return fuzzTarget{"POST", "/api/v1/auth/register", "guest", nil} },
		seeds(`{"email":"f@shop.test","password":"password123","name":"F"}`,
			`{"email":"f@shop.test","password":"short","name":""}`,
			`{"email":123,"password":true,"name":null}`,
			`{"email":"a@b.c","password":"`+string(make([]byte, 200))+`","name":"x"}`)...)
}

func FuzzLogin(f *testing.F) {
	fuzzWrite(f, func(*testEnv, *client) fuzzTarget { return fuzzTarget{"POST", "/api/v1/auth/login", "guest", nil} },
		seeds(`{"email":"`+adminEmail+`","password":"`+adminPassword+`"}`,
			`{"email":"x@y.z","password":"nope"}`, `{"email":"","password":""}`, `{"email":["a"]}`)...)
}

func FuzzUpdateProfile(f *testing.F) {
	fuzzWrite(f, func(*testEnv, *client) fuzzTarget { return fuzzTarget{"PATCH", "/api/v1/account", "customer", nil} },
		seeds(`{"name":"New Name"}`, `{"name":""}`, `{"name":null}`, `{}`, `{"name":5}`, `{"email":"x"}`)...)
}

const fuzzAddress = `{"name":"A","line1":"1 St","line2":"","city":"C","region":"R","postal_code":"123","country":"US","phone":"1"}`

func FuzzCreateAddress(f *testing.F) {
	fuzzWrite(f, func(*testEnv, *client) fuzzTarget {
		return fuzzTarget{"POST", "/api/v1/account/addresses", "customer", nil}
	},
		seeds(fuzzAddress, `{"name":"A","country":"USA"}`, `{"country":1}`, `{"id":5,"name":"A","line1":"x","city":"c","postal_code":"1","country":"de"}`)...)
}

func FuzzUpdateAddress(f *testing.F) {
	fuzzWrite(f, func(e *testEnv, c *client) fuzzTarget {
		path := "/api/v1/account/addresses/1"
		if c.cookies[CookieSession] != nil {
			var a struct{ ID int64 }
			res := c.do("POST", "/api/v1/account/addresses", fuzzAddress)
			if res.Status == 201 {
				_ = json.Unmarshal(res.Body, &a)
				path = fmt.Sprintf("/api/v1/account/addresses/%d", a.ID)
			}
		}
		return fuzzTarget{"PUT", path, "customer", nil}
	}, seeds(fuzzAddress, `{"name":""}`, `{"postal_code":12345}`)...)
}

func FuzzAddCartItem(f *testing.F) {
	fuzzWrite(f, func(*testEnv, *client) fuzzTarget { return fuzzTarget{"POST", "/api/v1/cart/items", "guest", nil} },
		seeds(`{"product_id":1,"quantity":1}`, `{"product_id":1,"quantity":-1}`, `{"product_id":1,"quantity":0}`,
			`{"product_id":1,"quantity":1000000}`, `{"product_id":-5,"quantity":1}`, `{"product_id":1.5,"quantity":1}`,
			`{"product_id":99999999999999999999,"quantity":1}`, `{"product_id":"1","quantity":"1"}`, `{"quantity":1}`)...)
}

func FuzzSetCartQuantity(f *testing.F) {
	fuzzWrite(f, func(e *testEnv, c *client) fuzzTarget {
		path := "/api/v1/cart/items/1"
		if c.cookies[CookieSession] != nil {
			p := e.anyProduct(c.t)
			c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1})
			path = fmt.Sprintf("/api/v1/cart/items/%d", p.ID)
		}
		return fuzzTarget{"PATCH", path, "customer", nil}
	}, seeds(`{"quantity":2}`, `{"quantity":-1}`, `{"quantity":0}`, `{"quantity":1e3}`, `{"quantity":null}`)...)
}

func FuzzPlaceOrder(f *testing.F) {
	fuzzWrite(f, func(e *testEnv, c *client) fuzzTarget {
		tgt := fuzzTarget{method: "POST", path: "/api/v1/orders", as: "customer"}
		if c.cookies[CookieSession] != nil {
			p := e.anyProduct(c.t)
			c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1})
			// The order as the customer is shown it, and with a stale total.
			valid := c.shown(checkoutBody(goodCard))
			stale := c.shown(checkoutBody(goodCard))
			stale["expected_total"] = valid["expected_total"].(int64) + 1
			tgt.seeds = []string{string(mustJSONNoT(valid)), string(mustJSONNoT(stale)),
				`{"shipping_address":{},"shipping_method":"","payment":{},"expected_total":-1}`,
				`{"expected_total":1e30}`, `{"expected_total":"12"}`, `{"expected_total":1.5}`}
		}
		return tgt
	}, seeds(string(mustJSONNoT(checkoutBody(goodCard))), // no expected_total: 422
		string(mustJSONNoT(checkoutBody("4000000000000002"))),
		string(mustJSONNoT(checkoutBody("4000000000000119"))),
		string(mustJSONNoT(checkoutBody("1234"))),
		`{"shipping_address":{},"shipping_method":"","payment":{}}`,
		`{"shipping_address":[],"payment":{"exp_month":"12"}}`,
		`{"payment":{"card_number":"4242424242424242","exp_month":13,"exp_year":1999,"cvc":"1"}}`)...)
}

func FuzzAdminCreateProduct(f *testing.F) {
	fuzzWrite(f, func(*testEnv, *client) fuzzTarget { return fuzzTarget{"POST", "/api/v1/admin/products", "admin", nil} },
		seeds(`{"sku":"FZ-1","name":"Fuzz","description":"d","price":100,"category_slug":"x","stock":1}`,
			`{"sku":"FZ-2","name":"Fuzz 2","price":-1,"stock":-1}`,
			`{"sku":"fz","name":"","price":1e20}`,
			`{"sku":"FZ-3","name":"F","price":1,"category_slug":"c","stock":1,"images":[""],"attributes":{"":"x"}}`,
			`{"attributes":{"a":1}}`, `{"images":"x"}`,
			`{"sku":"FZ-4","name":"F","price":1,"category_slug":"c","stock":99999999999}`)...)
}

func FuzzAdminUpdateProduct(f *testing.F) {
	fuzzWrite(f, func(e *testEnv, c *client) fuzzTarget {
		p := e.anyProduct(c.t)
		return fuzzTarget{"PATCH", fmt.Sprintf("/api/v1/admin/products/%d", p.ID), "admin", nil}
	}, seeds(`{"price":123}`, `{"name":""}`, `{"slug":"Bad Slug"}`, `{"stock":-4}`, `{"active":"yes"}`, `{"category_slug":"nope"}`, `{}`, `{"stock":4294967296}`, `{"price":9223372036854775807}`)...)
}

func FuzzAdminAdjustStock(f *testing.F) {
	fuzzWrite(f, func(e *testEnv, c *client) fuzzTarget {
		p := e.anyProduct(c.t)
		return fuzzTarget{"POST", fmt.Sprintf("/api/v1/admin/products/%d/stock", p.ID), "admin", nil}
	}, seeds(`{"delta":1}`, `{"delta":-100000}`, `{"stock":5}`, `{"stock":-1}`, `{"delta":1,"stock":1}`, `{}`, `{"delta":9223372036854775807}`, `{"delta":2147483647}`, `{"stock":2147483648}`)...)
}

func FuzzAdminUpdateOrder(f *testing.F) {
	fuzzWrite(f, func(e *testEnv, c *client) fuzzTarget {
		// A real order to move along.
		cust := e.customer(c.t)
		p := e.anyProduct(c.t)
		cust.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 1})
		var o struct{ ID int64 }
		res := cust.do("POST", "/api/v1/orders", cust.shown(checkoutBody(goodCard)), HeaderIdempotencyKey, "fuzz-admin-order")
		_ = json.Unmarshal(res.Body, &o)
		return fuzzTarget{"PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), "admin", nil}
	}, seeds(`{"status":"shipped"}`, `{"status":"lost"}`, `{"status":1}`, `{}`)...)
}

func mustJSONNoT(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
