package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/server/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// Cookie and header names of docs/api.md.
const (
	CookieSession        = "shop_session"
	CookieCart           = "shop_cart"
	HeaderIdempotencyKey = "Idempotency-Key"

	cartCookieTTL  = 30 * 24 * time.Hour
	maxTokenLength = 256
	localsUser     = "user"
)

// ---- sessions and cookies ----

func (s *Server) setCookie(c *fiber.Ctx, name, value string, expires time.Time) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: value, Path: "/", Expires: expires,
		HTTPOnly: true, Secure: !s.deps.InsecureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

func (s *Server) clearCookie(c *fiber.Ctx, name string) {
	c.Cookie(&fiber.Cookie{
		Name: name, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: !s.deps.InsecureCookies, SameSite: fiber.CookieSameSiteLaxMode,
	})
}

// cookieToken returns a cookie value that can be a token (bounded length), or "".
func cookieToken(c *fiber.Ctx, name string) string {
	v := c.Cookies(name)
	if len(v) > maxTokenLength {
		return ""
	}
	return v
}

// loadUser resolves the session cookie. An unknown or expired session is
// a guest (and the stale cookie is cleared); required makes that a 401,
// admin additionally requires the admin role (403).
func (s *Server) loadUser(required, admin bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var user *domain.User
		if tok := cookieToken(c, CookieSession); tok != "" {
			u, err := s.deps.Services.Accounts.SessionUser(c.UserContext(), tok)
			switch {
			case err == nil:
				user = u
			case domain.ErrorCode(err) == domain.EUNAUTHORIZED:
				s.clearCookie(c, CookieSession)
			default:
				return err
			}
		}
		if user == nil && required {
			return domain.Unauthorized("log in first")
		}
		if admin && !user.IsAdmin() {
			return domain.Forbidden("this needs the admin role")
		}
		c.Locals(localsUser, user)
		return c.Next()
	}
}

func currentUser(c *fiber.Ctx) *domain.User {
	u, _ := c.Locals(localsUser).(*domain.User)
	return u
}

// ---- parameters ----

// pathID reads a positive integer path parameter; anything else names no
// resource (404).
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id < 1 {
		return 0, domain.NotFound("not found")
	}
	return id, nil
}

// queryParser reads optional typed query parameters and collects every
// malformed one into a single 422.
type queryParser struct {
	c      *fiber.Ctx
	fields map[string]string
}

func newQuery(c *fiber.Ctx) *queryParser { return &queryParser{c: c} }

func (q *queryParser) fail(name, msg string) {
	if q.fields == nil {
		q.fields = map[string]string{}
	}
	q.fields[name] = msg
}

func (q *queryParser) str(name string) *string {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	return &v
}

func (q *queryParser) int(name string) *int {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > 1<<30 || n < -(1<<30) {
		q.fail(name, "must be an integer")
		return nil
	}
	return &n
}

func (q *queryParser) int64(name string) *int64 {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		q.fail(name, "must be an integer")
		return nil
	}
	return &n
}

func (q *queryParser) err() error {
	if len(q.fields) == 0 {
		return nil
	}
	return domain.InvalidFields(q.fields)
}

// selfValidator is a domain input that checks itself.
type selfValidator interface{ Validate() error }

// decodeInput decodes strictly, then runs the `validate` tags and the
// domain's own Validate.
func decodeInput(c *fiber.Ctx, dst any) error {
	if err := decodeJSON(c, dst); err != nil {
		return err
	}
	if v, ok := dst.(selfValidator); ok {
		return v.Validate()
	}
	return nil
}

// ---- catalog ----

func (s *Server) listCategories(c *fiber.Ctx) error {
	cats, err := s.deps.Services.Catalog.ListCategories(c.UserContext())
	if err != nil {
		return err
	}
	if cats == nil {
		cats = []domain.Category{}
	}
	return c.JSON(itemsBody[domain.Category]{Items: cats})
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
	if err := f.Validate(); err != nil {
		return err
	}
	page, err := s.deps.Services.Catalog.ListProducts(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *Server) productBySlug(c *fiber.Ctx) error {
	slug := c.Params("slug")
	if !domain.ValidSlug(slug) {
		return domain.NotFound("no such product")
	}
	p, err := s.deps.Services.Catalog.ProductBySlug(c.UserContext(), slug)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) search(c *fiber.Ctx) error {
	q := newQuery(c)
	sq := domain.SearchQuery{Query: c.Query("q"), Page: q.int("page"), PerPage: q.int("per_page")}
	if err := q.err(); err != nil {
		return err
	}
	if err := sq.Validate(); err != nil {
		return err
	}
	page, err := s.deps.Services.Search.Search(c.UserContext(), sq)
	if err != nil {
		return err
	}
	return c.JSON(page)
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

// ---- accounts ----

// startSession sets the session cookie, ends the session the browser
// held before (if any) and merges the guest cart into the user's.
func (s *Server) startSession(c *fiber.Ctx, user *domain.User, sess *domain.Session) error {
	ctx := c.UserContext()
	if old := cookieToken(c, CookieSession); old != "" && old != sess.Token {
		if err := s.deps.Services.Accounts.Logout(ctx, old); err != nil {
			loggerOf(c).Warn("ending previous session failed", "err", err.Error())
		}
	}
	s.setCookie(c, CookieSession, sess.Token, sess.ExpiresAt)
	if guest := cookieToken(c, CookieCart); guest != "" {
		if _, err := s.deps.Services.Carts.MergeGuestCart(ctx, guest, user.ID); err != nil {
			return err
		}
		s.clearCookie(c, CookieCart)
	}
	return nil
}

func (s *Server) registerUser(c *fiber.Ctx) error {
	var in domain.RegisterInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return err
	}
	user, sess, err := s.deps.Services.Accounts.Register(c.UserContext(), in)
	if err != nil {
		return err
	}
	if err := s.startSession(c, user, sess); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(userBody{User: user})
}

func (s *Server) login(c *fiber.Ctx) error {
	var in domain.LoginInput
	if err := decodeInput(c, &in); err != nil {
		return err
	}
	user, sess, err := s.deps.Services.Accounts.Login(c.UserContext(), in)
	if err != nil {
		return err
	}
	if err := s.startSession(c, user, sess); err != nil {
		return err
	}
	return c.JSON(userBody{User: user})
}

func (s *Server) logout(c *fiber.Ctx) error {
	if tok := cookieToken(c, CookieSession); tok != "" {
		if err := s.deps.Services.Accounts.Logout(c.UserContext(), tok); err != nil {
			return err
		}
	}
	s.clearCookie(c, CookieSession)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	return c.JSON(userBody{User: currentUser(c)})
}

func (s *Server) updateProfile(c *fiber.Ctx) error {
	var in domain.ProfileUpdate
	if err := decodeInput(c, &in); err != nil {
		return err
	}
	if in.Name != nil {
		name := strings.TrimSpace(*in.Name)
		in.Name = &name
	}
	u, err := s.deps.Services.Accounts.UpdateProfile(c.UserContext(), currentUser(c).ID, in)
	if err != nil {
		return err
	}
	return c.JSON(userBody{User: u})
}

func (s *Server) listAddresses(c *fiber.Ctx) error {
	list, err := s.deps.Services.Accounts.ListAddresses(c.UserContext(), currentUser(c).ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []domain.Address{}
	}
	return c.JSON(itemsBody[domain.Address]{Items: list})
}

func decodeAddress(c *fiber.Ctx) (domain.Address, error) {
	var a domain.Address
	if err := decodeJSON(c, &a); err != nil {
		return a, err
	}
	a.ID = 0 // "Address without id": an id in the body is ignored
	a.Normalize()
	return a, a.Validate()
}

func (s *Server) createAddress(c *fiber.Ctx) error {
	a, err := decodeAddress(c)
	if err != nil {
		return err
	}
	out, err := s.deps.Services.Accounts.CreateAddress(c.UserContext(), currentUser(c).ID, a)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (s *Server) updateAddress(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	a, err := decodeAddress(c)
	if err != nil {
		return err
	}
	out, err := s.deps.Services.Accounts.UpdateAddress(c.UserContext(), currentUser(c).ID, id, a)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) deleteAddress(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if err := s.deps.Services.Accounts.DeleteAddress(c.UserContext(), currentUser(c).ID, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// ---- cart ----

type addItemRequest struct {
	ProductID *int64 `json:"product_id" validate:"required,gt=0"`
	Quantity  *int   `json:"quantity" validate:"required,min=1,max=99"`
}

type setQuantityRequest struct {
	Quantity *int `json:"quantity" validate:"required,min=1,max=99"`
}

// cartKey names the caller's cart. A guest without a cart cookie gets one
// when create is set (the first write); otherwise the key is zero.
func (s *Server) cartKey(c *fiber.Ctx, create bool) (domain.CartKey, error) {
	if u := currentUser(c); u != nil {
		return domain.CartKey{UserID: u.ID}, nil
	}
	if tok := cookieToken(c, CookieCart); tok != "" {
		return domain.CartKey{Token: tok}, nil
	}
	if !create {
		return domain.CartKey{}, nil
	}
	tok, err := domain.NewToken()
	if err != nil {
		return domain.CartKey{}, err
	}
	s.setCookie(c, CookieCart, tok, time.Now().Add(cartCookieTTL))
	return domain.CartKey{Token: tok}, nil
}

func (s *Server) getCart(c *fiber.Ctx) error {
	key, err := s.cartKey(c, false)
	if err != nil {
		return err
	}
	if key.IsZero() {
		return c.JSON(domain.NewCart(nil, s.deps.Currency))
	}
	cart, err := s.deps.Services.Carts.Cart(c.UserContext(), key)
	if err != nil {
		return err
	}
	return c.JSON(cart)
}

func (s *Server) addCartItem(c *fiber.Ctx) error {
	var in addItemRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	key, err := s.cartKey(c, true)
	if err != nil {
		return err
	}
	cart, err := s.deps.Services.Carts.AddItem(c.UserContext(), key, *in.ProductID, *in.Quantity)
	if err != nil {
		return err
	}
	return c.JSON(cart)
}

func (s *Server) setCartQuantity(c *fiber.Ctx) error {
	id, err := pathID(c, "product_id")
	if err != nil {
		return err
	}
	var in setQuantityRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	key, err := s.cartKey(c, false)
	if err != nil {
		return err
	}
	if key.IsZero() {
		return domain.NotFound("the cart has no such item")
	}
	cart, err := s.deps.Services.Carts.SetQuantity(c.UserContext(), key, id, *in.Quantity)
	if err != nil {
		return err
	}
	return c.JSON(cart)
}

func (s *Server) removeCartItem(c *fiber.Ctx) error {
	id, err := pathID(c, "product_id")
	if err != nil {
		return err
	}
	key, err := s.cartKey(c, false)
	if err != nil {
		return err
	}
	if key.IsZero() {
		return c.JSON(domain.NewCart(nil, s.deps.Currency))
	}
	cart, err := s.deps.Services.Carts.RemoveItem(c.UserContext(), key, id)
	if err != nil {
		return err
	}
	return c.JSON(cart)
}

// ---- checkout and orders ----

func (s *Server) shippingMethods(c *fiber.Ctx) error {
	list, err := s.deps.Services.Orders.ShippingMethods(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(itemsBody[domain.ShippingMethod]{Items: list})
}

// checkoutResult is the contract.MetricCheckouts label of a checkout outcome.
func checkoutResult(err error) string {
	switch domain.ErrorCode(err) {
	case "":
		return contract.CheckoutSucceeded
	case domain.EPAYMENTDECLINED:
		return contract.CheckoutDeclined
	case domain.EPAYMENTFAILED:
		return contract.CheckoutFailed
	case domain.EINSUFFICIENTSTOCK:
		return contract.CheckoutOutOfStock
	case domain.EINTERNAL:
		return contract.CheckoutError
	default:
		return contract.CheckoutInvalid
	}
}

func (s *Server) placeOrder(c *fiber.Ctx) error {
	order, created, err := s.doPlaceOrder(c)
	if err != nil {
		s.metrics.checkouts.WithLabelValues(checkoutResult(err)).Inc()
		return err
	}
	if !created {
		// An idempotent replay: the same order again, 200. The checkout
		// was counted when it happened.
		return c.JSON(order)
	}
	s.metrics.checkouts.WithLabelValues(contract.CheckoutSucceeded).Inc()
	s.metrics.ordersPlaced.Inc()
	return c.Status(fiber.StatusCreated).JSON(order)
}

func (s *Server) doPlaceOrder(c *fiber.Ctx) (*domain.Order, bool, error) {
	key := c.Get(HeaderIdempotencyKey)
	if key == "" {
		return nil, false, domain.Invalid("the Idempotency-Key header is required")
	}
	var in domain.PlaceOrderInput
	if err := decodeJSON(c, &in); err != nil {
		return nil, false, err
	}
	in.IdempotencyKey = key
	in.ShippingAddress.ID = 0
	in.ShippingAddress.Normalize()
	if err := in.Validate(s.deps.Now()); err != nil {
		return nil, false, err
	}
	return s.deps.Services.Orders.PlaceOrder(c.UserContext(), currentUser(c).ID, in)
}

func (s *Server) listOrders(c *fiber.Ctx) error {
	q := newQuery(c)
	page, perPage := q.int("page"), q.int("per_page")
	if err := q.err(); err != nil {
		return err
	}
	p, err := domain.NewPagination(page, perPage)
	if err != nil {
		return err
	}
	list, err := s.deps.Services.Orders.ListOrders(c.UserContext(), currentUser(c).ID, p)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) getOrder(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.deps.Services.Orders.Order(c.UserContext(), currentUser(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (s *Server) cancelOrder(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.deps.Services.Orders.CancelOrder(c.UserContext(), currentUser(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

// ---- admin ----

func (s *Server) adminListProducts(c *fiber.Ctx) error {
	q := newQuery(c)
	all := true
	f := domain.ProductFilter{Query: q.str("q"), Page: q.int("page"), PerPage: q.int("per_page"), IncludeInactive: &all}
	if err := q.err(); err != nil {
		return err
	}
	if err := f.Validate(); err != nil {
		return err
	}
	page, err := s.deps.Services.Admin.ListProducts(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *Server) adminCreateProduct(c *fiber.Ctx) error {
	var in domain.ProductCreate
	if err := decodeInput(c, &in); err != nil {
		return err
	}
	p, err := s.deps.Services.Admin.CreateProduct(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (s *Server) adminUpdateProduct(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in domain.ProductUpdate
	if err := decodeInput(c, &in); err != nil {
		return err
	}
	p, err := s.deps.Services.Admin.UpdateProduct(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) adminDeactivateProduct(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.deps.Services.Admin.DeactivateProduct(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) adminAdjustStock(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in domain.StockAdjust
	if err := decodeInput(c, &in); err != nil {
		return err
	}
	p, err := s.deps.Services.Admin.AdjustStock(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) adminListOrders(c *fiber.Ctx) error {
	q := newQuery(c)
	f := domain.OrderFilter{Page: q.int("page"), PerPage: q.int("per_page")}
	if v := q.str("status"); v != nil {
		st := domain.OrderStatus(*v)
		f.Status = &st
	}
	if err := q.err(); err != nil {
		return err
	}
	if err := f.Validate(); err != nil {
		return err
	}
	page, err := s.deps.Services.Admin.ListOrders(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *Server) adminUpdateOrder(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in domain.OrderStatusUpdate
	if err := decodeInput(c, &in); err != nil {
		return err
	}
	o, err := s.deps.Services.Admin.UpdateOrderStatus(c.UserContext(), id, in.Status)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (s *Server) adminListCustomers(c *fiber.Ctx) error {
	q := newQuery(c)
	page, perPage := q.int("page"), q.int("per_page")
	if err := q.err(); err != nil {
		return err
	}
	p, err := domain.NewPagination(page, perPage)
	if err != nil {
		return err
	}
	list, err := s.deps.Services.Admin.ListCustomers(c.UserContext(), p)
	if err != nil {
		return err
	}
	return c.JSON(list)
}
