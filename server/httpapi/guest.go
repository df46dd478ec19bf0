package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// Guest checkout: a visitor without a session pays with an e-mail
// address, gets a signed link to the order, and may attach that order to
// an account when registering (docs/api.md "Guest checkout").

// checkoutBuyer completes a checkout input for the caller: a customer's
// user id, or 0 for a guest, whose cart cookie and contact e-mail go into
// the input. Validation errors of the body and of the e-mail come back
// together.
func (s *Server) checkoutBuyer(c *fiber.Ctx, in *domain.PlaceOrderInput) (int64, error) {
	bodyErr := in.Validate(s.deps.Now())
	if u := currentUser(c); u != nil {
		in.Email = ""
		return u.ID, bodyErr
	}
	in.Email = domain.NormalizeEmail(in.Email)
	in.GuestCartToken = cookieToken(c, CookieCart)
	emailErr := in.ValidateGuest()
	if bodyErr == nil {
		return 0, emailErr
	}
	if emailErr != nil && domain.ErrorFields(bodyErr) != nil {
		fields := map[string]string{}
		for k, v := range domain.ErrorFields(bodyErr) {
			fields[k] = v
		}
		for k, v := range domain.ErrorFields(emailErr) {
			fields[k] = v
		}
		return 0, domain.InvalidFields(fields)
	}
	return 0, bodyErr
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

// checkOrderToken is run before an account is created with an order
// token: a bad token fails the registration (422 on order_token) before
// anything is written.
func (s *Server) checkOrderToken(c *fiber.Ctx, token string) error {
	if token == "" {
		return nil
	}
	o, err := s.deps.Services.GuestOrders.OrderByLinkToken(c.UserContext(), token, s.deps.Now())
	switch domain.ErrorCode(err) {
	case "":
	case domain.ENOTFOUND:
		return domain.InvalidFields(map[string]string{"order_token": "is not a valid order link"})
	case domain.EFORBIDDEN:
		return domain.InvalidFields(map[string]string{"order_token": "has expired"})
	default:
		return err
	}
	if o.UserID != 0 {
		return domain.Conflict("this order already belongs to an account")
	}
	return nil
}

// adoptOrder attaches the order of a checked token to the new account.
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
