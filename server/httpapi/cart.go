package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// addItemRequest and setQuantityRequest are the cart's JSON bodies. Their
// members are required: a missing one is a parse error (422 on its name);
// the values' rules are the service layer's (quantity 1-99, a positive
// product id). The openapi tags only document them.
type addItemRequest struct {
	ProductID *int64 `json:"product_id" openapi:"required"`
	Quantity  *int   `json:"quantity" openapi:"required,minimum=1,maximum=99"`
}

type setQuantityRequest struct {
	Quantity *int `json:"quantity" openapi:"required,minimum=1,maximum=99"`
}

// requireMembers is the 422 naming every absent member of a JSON body.
func requireMembers(members map[string]bool) error {
	fields := map[string]string{}
	for name, present := range members {
		if !present {
			fields[name] = "is required"
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return domain.InvalidFields(fields)
}

// cartKey names the caller's cart. A guest without a cart cookie gets a
// fresh token when create is set (the first write; setCartCookie sends
// it); otherwise the key is zero.
func (s *Server) cartKey(c *fiber.Ctx, create bool) (key domain.CartKey, fresh bool, err error) {
	if u := currentUser(c); u != nil {
		return domain.CartKey{UserID: u.ID}, false, nil
	}
	if tok := cookieToken(c, CookieCart); tok != "" {
		return domain.CartKey{Token: tok}, false, nil
	}
	if !create {
		return domain.CartKey{}, false, nil
	}
	tok, err := domain.NewToken()
	if err != nil {
		return domain.CartKey{}, false, err
	}
	return domain.CartKey{Token: tok}, true, nil
}

// setCartCookie sends a fresh cart token once the write that needed it
// was not refused as invalid (a request the service layer rejects gets
// no cookie, as none of its input was used).
func (s *Server) setCartCookie(c *fiber.Ctx, key domain.CartKey, fresh bool, err error) {
	if fresh && domain.ErrorCode(err) != domain.EINVALID {
		s.setCookie(c, CookieCart, key.Token, time.Now().Add(cartCookieTTL))
	}
}

func (s *Server) getCart(c *fiber.Ctx) error {
	key, _, err := s.cartKey(c, false)
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
	if err := requireMembers(map[string]bool{"product_id": in.ProductID != nil, "quantity": in.Quantity != nil}); err != nil {
		return err
	}
	key, fresh, err := s.cartKey(c, true)
	if err != nil {
		return err
	}
	cart, err := s.deps.Services.Carts.AddItem(c.UserContext(), key, *in.ProductID, *in.Quantity)
	s.setCartCookie(c, key, fresh, err)
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
	if err := requireMembers(map[string]bool{"quantity": in.Quantity != nil}); err != nil {
		return err
	}
	key, _, err := s.cartKey(c, false)
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
	key, _, err := s.cartKey(c, false)
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

// cartRoutes are the cart rows of the route table.
func (s *Server) cartRoutes() []route {
	const b = contract.APIBase
	return []route{
		{method: "GET", path: b + "/cart", tag: "cart", summary: "The cart (empty if none yet)", access: guestOK, response: domain.Cart{}, status: 200, handler: s.getCart},
		{method: "POST", path: b + "/cart/items", tag: "cart", summary: "Add a product to the cart", access: guestOK,
			request: addItemRequest{}, response: domain.Cart{}, status: 200, errors: []int{400, 404, 409, 422}, handler: s.addCartItem},
		{method: "PATCH", path: b + "/cart/items/:product_id", tag: "cart", summary: "Set a line's quantity", access: guestOK,
			request: setQuantityRequest{}, response: domain.Cart{}, status: 200, errors: []int{400, 404, 409, 422}, handler: s.setCartQuantity},
		{method: "DELETE", path: b + "/cart/items/:product_id", tag: "cart", summary: "Remove a line", access: guestOK, response: domain.Cart{}, status: 200, errors: []int{422}, handler: s.removeCartItem},
	}
}
