package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// Guest checkout: a visitor without a session pays with an e-mail
// address, gets a signed link to the order, and may attach that order to
// an account when registering (docs/api.md "Guest checkout").

// checkoutBuyer is the buyer of a checkout: a customer's user id, or 0
// for a guest, whose cart cookie goes into the input (the service layer
// checks the guest's contact e-mail with the rest of the body).
func (s *Server) checkoutBuyer(c *fiber.Ctx, in *domain.PlaceOrderInput) int64 {
	if u := currentUser(c); u != nil {
		return u.ID
	}
	in.GuestCartToken = cookieToken(c, CookieCart)
	return 0
}

// addOrderLink puts the signed link token into a guest's checkout answer.
func (s *Server) addOrderLink(c *fiber.Ctx, order *domain.Order) error {
	if currentUser(c) != nil || order == nil {
		return nil
	}
	tok, err := s.deps.Services.GuestOrders.OrderLinkToken(c.UserContext(), order.ID, s.deps.Now().Add(domain.OrderLinkTTL))
	if err != nil {
		return err
	}
	order.AccessToken = tok
	return nil
}

func (s *Server) orderByLink(c *fiber.Ctx) error {
	o, err := s.deps.Services.GuestOrders.OrderByLinkToken(c.UserContext(), c.Params("token"), s.deps.Now())
	if err != nil {
		return err
	}
	return c.JSON(o)
}

// adoptOrder attaches the order of a token to the new account (the
// service layer checked the token before the account was created).
func (s *Server) adoptOrder(c *fiber.Ctx, user *domain.User, token string) error {
	if token == "" {
		return nil
	}
	_, err := s.deps.Services.GuestOrders.AdoptOrder(c.UserContext(), user.ID, token, s.deps.Now())
	return err
}

// guestRoutes are the signed order link rows of the route table.
func (s *Server) guestRoutes() []route {
	const b = contract.APIBase
	return []route{
		{method: "GET", path: b + "/order-links/:token", tag: "orders", summary: "The order a signed order link names (no login; 404 invalid, 403 expired)",
			access: public, response: domain.Order{}, status: 200, errors: []int{403, 404}, handler: s.orderByLink},
	}
}
