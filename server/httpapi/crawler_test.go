package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// wantGuest checks that GET /auth/me answers a guest with 200 {"user": null}:
// a guest is a normal state, not an error (no 401 in every browser console).
func wantGuest(t testing.TB, c *client) {
	t.Helper()
	r := want(t, c.do("GET", "/api/v1/auth/me", nil), 200)
	var body map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &body); err != nil || len(body) != 1 || string(body["user"]) != "null" {
		t.Fatalf("guest /auth/me: %s", r.Body)
	}
}

func TestAuthMeAnswersGuestsWithNull(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		wantGuest(t, e.client(t))
		var ub userBody
		want(t, e.customer(t).do("GET", "/api/v1/auth/me", nil), 200).Into(t, &ub)
		if ub.User == nil || ub.User.Email == "" {
			t.Fatalf("customer /auth/me: %+v", ub.User)
		}
	})
}

func TestRobotsTxt(t *testing.T) {
	for _, tc := range []struct{ publicURL, host, want string }{
		{"https://shop.example.com/", "ignored.test", "https://shop.example.com/sitemap.xml"},
		{"", "evil.test", "http://localhost:8080/sitemap.xml"}, // the default; never the Host header
	} {
		e := newEnv(t, "sqlite", func(d *Deps) { d.PublicURL = tc.publicURL })
		r := want(t, e.client(t).do("GET", "http://"+tc.host+contract.PathRobots, nil), 200)
		if ct := r.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		body := string(r.Body)
		for _, line := range []string{"User-agent: *", "Disallow: /account", "Disallow: /admin", "Disallow: /checkout", "Disallow: /cart", "Sitemap: " + tc.want} {
			if !strings.Contains(body, line+"\n") {
				t.Errorf("robots.txt (public URL %q) lacks %q:\n%s", tc.publicURL, line, body)
			}
		}
	}
}

// TestSitemap parses /sitemap.xml with encoding/xml and checks it against
// the sitemaps.org protocol: a urlset in its namespace, absolute <loc>s
// under one origin, W3C datetimes, at most 50,000 URLs and 50 MB; and that
// it lists exactly the active catalog.
func TestSitemap(t *testing.T) {
	const origin = "https://shop.example.com"
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		admin := e.admin(t)
		// One product goes inactive: it must leave the sitemap.
		gone := e.anyProduct(t)
		want(t, admin.do("DELETE", fmt.Sprintf("/api/v1/admin/products/%d", gone.ID), nil), 200)

		r := want(t, e.client(t).do("GET", contract.PathSitemap, nil), 200)
		if ct := r.Header.Get("Content-Type"); ct != "application/xml; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if len(r.Body) > SitemapMaxBytes {
			t.Fatalf("sitemap is %d bytes, over the protocol's 50 MB", len(r.Body))
		}
		if !bytes.HasPrefix(r.Body, []byte(`<?xml version="1.0" encoding="UTF-8"?>`)) {
			t.Errorf("no XML declaration: %.80s", r.Body)
		}
		var set SitemapURLSet
		if err := xml.Unmarshal(r.Body, &set); err != nil {
			t.Fatalf("sitemap is not valid XML: %v", err)
		}
		if set.XMLName.Space != SitemapXMLNS || set.XMLName.Local != "urlset" {
			t.Fatalf("root element %+v", set.XMLName)
		}
		if len(set.URLs) == 0 || len(set.URLs) > SitemapMaxURLs {
			t.Fatalf("%d URLs", len(set.URLs))
		}
		got := map[string]bool{}
		for _, u := range set.URLs {
			if got[u.Loc] {
				t.Errorf("duplicate <loc> %s", u.Loc)
			}
			got[u.Loc] = true
			pu, err := url.Parse(u.Loc)
			if err != nil || !strings.HasPrefix(u.Loc, origin+"/") || pu.Host != "shop.example.com" || len(u.Loc) >= 2048 {
				t.Errorf("<loc> %q is not an absolute URL under %s (protocol: < 2,048 characters)", u.Loc, origin)
			}
			if u.LastMod != "" {
				if _, err := time.Parse(time.RFC3339, u.LastMod); err != nil {
					t.Errorf("<lastmod> %q is not a W3C datetime", u.LastMod)
				}
			}
		}

		// Exactly the home page, the catalog, the categories with active
		// products and the active products.
		wantLocs := map[string]bool{origin + "/": true, origin + "/catalog": true}
		for _, c := range e.categories(t) {
			if c.ProductCount > 0 {
				wantLocs[origin+"/catalog?category="+c.Slug] = true
			}
		}
		var page domain.Page[domain.Product]
		want(t, e.client(t).do("GET", "/api/v1/products?per_page=100", nil), 200).Into(t, &page)
		if page.Total > len(page.Items) {
			t.Fatalf("the seeded catalog has more than one page (%d); read them all", page.Total)
		}
		lastmod := map[string]string{}
		for _, p := range page.Items {
			loc := origin + "/products/" + p.Slug
			wantLocs[loc] = true
			lastmod[loc] = p.UpdatedAt.UTC().Format(time.RFC3339)
		}
		if got[origin+"/products/"+gone.Slug] {
			t.Errorf("the inactive product %s is in the sitemap", gone.Slug)
		}
		for loc := range wantLocs {
			if !got[loc] {
				t.Errorf("sitemap lacks %s", loc)
			}
		}
		for loc := range got {
			if !wantLocs[loc] {
				t.Errorf("sitemap has %s, which is not in the active catalog", loc)
			}
		}
		for _, u := range set.URLs {
			if w, ok := lastmod[u.Loc]; ok && u.LastMod != w {
				t.Errorf("%s: lastmod %q, want %q", u.Loc, u.LastMod, w)
			}
		}
	}, func(d *Deps) { d.PublicURL = origin })
}

// TestSitemapStaysWithinProtocolLimits fills the catalog past 50,000
// products (SQLite, one INSERT ... SELECT) and checks that the sitemap
// keeps to the protocol: at most 50,000 URLs and 50 MB, newest first.
func TestSitemapStaysWithinProtocolLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("inserts 50,000 products")
	}
	e := newEnv(t, "sqlite")
	_, err := e.store.DB().ExecContext(context.Background(), `
		WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
		INSERT INTO products (sku, slug, name, description, price, currency, category_id, images, attributes, stock, active, featured, created_at, updated_at)
		SELECT 'BULK-' || i, 'bulk-product-with-a-long-slug-' || i, 'Bulk ' || i, '', 100, p.currency, p.category_id, '[]', '{}', 1, 1, 0, p.created_at, p.updated_at
		FROM n, (SELECT currency, category_id, created_at, updated_at FROM products ORDER BY id LIMIT 1) AS p`, SitemapMaxURLs)
	if err != nil {
		t.Fatal(err)
	}
	r := want(t, e.client(t).do("GET", contract.PathSitemap, nil), 200)
	if len(r.Body) > SitemapMaxBytes {
		t.Fatalf("sitemap is %d bytes, over 50 MB", len(r.Body))
	}
	var set SitemapURLSet
	if err := xml.Unmarshal(r.Body, &set); err != nil {
		t.Fatalf("not valid XML: %v", err)
	}
	if len(set.URLs) != SitemapMaxURLs {
		t.Fatalf("%d URLs, want exactly the protocol's %d", len(set.URLs), SitemapMaxURLs)
	}
	if !strings.HasSuffix(set.URLs[0].Loc, "/") || !strings.HasSuffix(set.URLs[1].Loc, "/catalog") {
		t.Errorf("the home page and the catalog come first: %v", set.URLs[:2])
	}
}
