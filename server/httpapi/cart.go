package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

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
