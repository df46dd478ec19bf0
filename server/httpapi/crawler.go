package httpapi

import (
	"encoding/xml"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// Limits of one sitemap file (sitemaps.org protocol): at most 50,000 URLs
// and 50 MB (52,428,800 bytes) uncompressed. A slug is at most 120
// characters, so 50,000 URLs stay far below the byte limit.
const (
	SitemapMaxURLs  = 50000
	SitemapMaxBytes = 50 * 1024 * 1024
	// sitemapFixedURLs are the home page and the catalog.
	sitemapFixedURLs = 2
)

// SitemapXMLNS is the namespace of a sitemaps.org urlset.
const SitemapXMLNS = "http://www.sitemaps.org/schemas/sitemap/0.9"

// crawlerCacheControl lets crawlers and caches reuse the files for an hour.
const crawlerCacheControl = "public, max-age=3600"

// SitemapURLSet is the XML document of /sitemap.xml (exported for tests).
type SitemapURLSet struct {
	XMLName xml.Name     `xml:"urlset"`
	XMLNS   string       `xml:"xmlns,attr"`
	URLs    []SitemapURL `xml:"url"`
}

// SitemapURL is one <url> of a sitemap; LastMod is a W3C datetime.
type SitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// publicBase is the storefront's origin for absolute links: Deps.PublicURL
// (contract.EnvPublicURL), never the request's Host header, which a client
// controls (a cache in front would otherwise keep a sitemap pointing at a
// host of the client's choosing).
func (s *Server) publicBase(*fiber.Ctx) string {
	return s.deps.PublicURL
}

// robots tells crawlers what to skip (pages behind a login, the cart and
// checkout) and where the sitemap is.
func (s *Server) robots(c *fiber.Ctx) error {
	var b strings.Builder
	b.WriteString("User-agent: *\nAllow: /\n")
	for _, p := range []string{"/account", "/admin", "/cart", "/checkout", "/search"} {
		b.WriteString("Disallow: " + p + "\n")
	}
	b.WriteString("\nSitemap: " + s.publicBase(c) + contract.PathSitemap + "\n")
	c.Set(fiber.HeaderCacheControl, crawlerCacheControl)
	c.Set(fiber.HeaderContentType, "text/plain; charset=utf-8")
	return c.SendString(b.String())
}

// sitemap lists the home page, the catalog, every category that has an
// active product and every active product, with their last change.
func (s *Server) sitemap(c *fiber.Ctx) error {
	sm, err := s.deps.Services.Sitemap.Sitemap(c.UserContext(), SitemapMaxURLs-sitemapFixedURLs)
	if err != nil {
		return err
	}
	base := s.publicBase(c)
	lastmod := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	var newest time.Time
	for _, p := range sm.Products {
		if p.UpdatedAt.After(newest) {
			newest = p.UpdatedAt
		}
	}
	set := SitemapURLSet{XMLNS: SitemapXMLNS, URLs: []SitemapURL{
		{Loc: base + "/", LastMod: lastmod(newest)},
		{Loc: base + "/catalog", LastMod: lastmod(newest)},
	}}
	for _, cat := range sm.Categories {
		set.URLs = append(set.URLs, SitemapURL{Loc: base + "/catalog?category=" + url.QueryEscape(cat.Slug), LastMod: lastmod(cat.UpdatedAt)})
	}
	for _, p := range sm.Products {
		set.URLs = append(set.URLs, SitemapURL{Loc: base + "/products/" + url.PathEscape(p.Slug), LastMod: lastmod(p.UpdatedAt)})
	}
	if len(set.URLs) > SitemapMaxURLs {
		set.URLs = set.URLs[:SitemapMaxURLs] // products are newest first: the oldest go
	}
	body, err := xml.Marshal(set)
	if err != nil {
		return domain.Internal("sitemap: %v", err)
	}
	c.Set(fiber.HeaderCacheControl, crawlerCacheControl)
	c.Set(fiber.HeaderContentType, "application/xml; charset=utf-8")
	return c.Send(append([]byte(xml.Header), body...))
}

// crawlerRoutes are the crawler files at the site root (the ingress routes
// these two exact paths to the backend).
func (s *Server) crawlerRoutes() []route {
	return []route{
		{method: "GET", path: contract.PathRobots, tag: "crawlers", summary: "robots.txt: what crawlers skip, and the sitemap's URL", contentType: "text/plain", status: 200, handler: s.robots},
		{method: "GET", path: contract.PathSitemap, tag: "crawlers", summary: "sitemap.xml of the active catalog (sitemaps.org protocol)", contentType: "application/xml", status: 200, handler: s.sitemap},
	}
}
