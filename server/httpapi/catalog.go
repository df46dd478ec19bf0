package httpapi

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

func (s *Server) listCategories(c *fiber.Ctx) error {
	return s.catalogJSON(c, "categories", func(ctx context.Context) (any, error) {
		cats, err := s.deps.Services.Catalog.ListCategories(ctx)
		if err != nil {
			return nil, err
		}
		if cats == nil {
			cats = []domain.Category{}
		}
		return itemsBody[domain.Category]{Items: cats}, nil
	})
}

func (s *Server) listProducts(c *fiber.Ctx) error {
	q := newQuery(c)
	f := domain.ProductFilter{
		CategorySlug: q.str("category"),
		MinPrice:     q.int64("min_price"),
		MaxPrice:     q.int64("max_price"),
		Page:         q.int("page"),
		PerPage:      q.int("per_page"),
	}
	if v := q.str("sort"); v != nil {
		sort := domain.ProductSort(*v)
		f.Sort = &sort
	}
	if err := q.err(); err != nil {
		return err
	}
	return s.catalogJSON(c, productListKey(f), func(ctx context.Context) (any, error) {
		return s.deps.Services.Catalog.ListProducts(ctx, f)
	})
}

func (s *Server) productBySlug(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if !domain.ValidSlug(slug) {
		return domain.NotFound("no such product")
	}
	return s.catalogJSON(c, "product "+slug, func(ctx context.Context) (any, error) {
		return s.deps.Services.Catalog.ProductBySlug(ctx, slug)
	})
}

func (s *Server) search(c *fiber.Ctx) error {
	q := newQuery(c)
	sq := domain.SearchQuery{Query: c.Query("q"), Page: q.int("page"), PerPage: q.int("per_page")}
	if err := q.err(); err != nil {
		return err
	}
	p := domain.PageRequest(sq.Page, sq.PerPage)
	key := fmt.Sprintf("search page=%d per_page=%d q=%q", p.Page, p.PerPage, sq.Query)
	return s.catalogJSON(c, key, func(ctx context.Context) (any, error) {
		return s.deps.Services.Search.Search(ctx, sq)
	})
}

// productListKey is the cache key of a product filter: every parameter in
// a fixed order with its default applied, so equivalent queries (?page=1
// or none, parameters in any order) share one entry. Given values are
// kept as they are, so an invalid filter (which the service layer
// refuses, and which is never cached) shares no key with a valid one.
func productListKey(f domain.ProductFilter) string {
	p := domain.PageRequest(f.Page, f.PerPage)
	sort := domain.SortFeatured
	if f.Sort != nil {
		sort = *f.Sort
	}
	opt := func(v *int64) string {
		if v == nil {
			return "-"
		}
		return strconv.FormatInt(*v, 10)
	}
	category := "-"
	if f.CategorySlug != nil {
		category = strconv.Quote(*f.CategorySlug)
	}
	return fmt.Sprintf("products category=%s min_price=%s max_price=%s sort=%s page=%d per_page=%d",
		category, opt(f.MinPrice), opt(f.MaxPrice), sort, p.Page, p.PerPage)
}

// image serves the generated picture of a product. Pictures change only
// when the product does, so they are cacheable for a day and carry an
// ETag; the CSP keeps an SVG from running script if opened directly.
func (s *Server) image(c *fiber.Ctx) error {
	sku := c.Params("sku")
	if !domain.ValidSKU(sku) {
		return domain.NotFound("no such image")
	}
	p, err := s.deps.Services.Catalog.ProductBySKU(c.UserContext(), sku)
	if err != nil {
		return err
	}
	svg := s.deps.Image(p)
	sum := sha256.Sum256(svg)
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, "image/svg+xml")
	return c.Send(svg)
}

// placeholderImage is the default ImageFunc: the product name on a tile.
func placeholderImage(p *domain.Product) []byte {
	return []byte(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400">`+
		`<rect width="400" height="400" fill="#e8e4dc"/><text x="200" y="210" font-family="sans-serif" font-size="20" text-anchor="middle" fill="#333">%s</text></svg>`,
		html.EscapeString(p.Name)))
}

// catalogRoutes are the catalog rows of the route table.
func (s *Server) catalogRoutes() []route {
	const b = contract.APIBase
	return []route{
		{method: "GET", path: b + "/categories", tag: "catalog", summary: "List categories", response: itemsBody[domain.Category]{}, status: 200, handler: s.listCategories},
		{method: "GET", path: b + "/products", tag: "catalog", summary: "List active products",
			query: pageParams(
				param{name: "category", typ: "string", desc: "category slug"},
				param{name: "min_price", typ: "integer", desc: "minimum price, minor units"},
				param{name: "max_price", typ: "integer", desc: "maximum price, minor units"},
				param{name: "sort", typ: "string", desc: "featured (default), name, price_asc, price_desc, newest"}),
			response: productPage{}, status: 200, errors: []int{422}, handler: s.listProducts},
		{method: "GET", path: b + "/products/:slug", tag: "catalog", summary: "A product by slug", response: domain.Product{}, status: 200, errors: []int{404}, handler: s.productBySlug},
		{method: "GET", path: b + "/search", tag: "catalog", summary: "Full-text search over name and description",
			query:    pageParams(param{name: "q", typ: "string", desc: "search text", required: true, maxLength: domain.MaxSearchQueryLen}),
			response: productPage{}, status: 200, errors: []int{422}, handler: s.search},
		{method: "GET", path: domain.ProductImagePath(":sku"), tag: "catalog", summary: "Generated SVG picture of a product", contentType: "image/svg+xml", status: 200, errors: []int{404}, handler: s.image},
	}
}
