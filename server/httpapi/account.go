package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

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
	user, sess, err := s.deps.Services.Accounts.Register(c.UserContext(), in)
	if err != nil {
		return err
	}
	if err := s.startSession(c, user, sess); err != nil {
		return err
	}
	if err := s.adoptOrder(c, user, in.OrderToken); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(userBody{User: user})
}

func (s *Server) login(c *fiber.Ctx) error {
	var in domain.LoginInput
	if err := decodeJSON(c, &in); err != nil {
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
	return c.JSON(meBody{User: currentUser(c)})
}

func (s *Server) updateProfile(c *fiber.Ctx) error {
	var in domain.ProfileUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
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
	return a, nil
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

// accountRoutes are the accounts rows of the route table.
func (s *Server) accountRoutes() []route {
	const b = contract.APIBase
	return []route{
		{method: "POST", path: b + "/auth/register", tag: "accounts", summary: "Create a customer account and log in", access: public, limited: true,
			request: domain.RegisterInput{}, response: userBody{}, status: 201, errors: []int{400, 409, 415, 422, 429}, handler: s.registerUser},
		{method: "POST", path: b + "/auth/login", tag: "accounts", summary: "Log in (merges the guest cart)", access: public, limited: true,
			request: domain.LoginInput{}, response: userBody{}, status: 200, errors: []int{400, 401, 415, 422, 429}, handler: s.login},
		{method: "POST", path: b + "/auth/logout", tag: "accounts", summary: "Log out and clear the session cookie", status: 204, handler: s.logout},
		{method: "GET", path: b + "/auth/me", tag: "accounts", summary: "The logged-in user, or null for a guest", access: guestOK, response: meBody{}, status: 200, handler: s.me},
		{method: "PATCH", path: b + "/account", tag: "accounts", summary: "Update the profile", access: loggedIn,
			request: domain.ProfileUpdate{}, response: userBody{}, status: 200, errors: []int{400, 401, 422}, handler: s.updateProfile},
		{method: "GET", path: b + "/account/addresses", tag: "accounts", summary: "The address book", access: loggedIn, response: itemsBody[domain.Address]{}, status: 200, errors: []int{401}, handler: s.listAddresses},
		{method: "POST", path: b + "/account/addresses", tag: "accounts", summary: "Add an address", access: loggedIn,
			request: domain.Address{}, response: domain.Address{}, status: 201, errors: []int{400, 401, 422}, handler: s.createAddress},
		{method: "PUT", path: b + "/account/addresses/:id", tag: "accounts", summary: "Replace an address", access: loggedIn,
			request: domain.Address{}, response: domain.Address{}, status: 200, errors: []int{400, 401, 404, 422}, handler: s.updateAddress},
		{method: "DELETE", path: b + "/account/addresses/:id", tag: "accounts", summary: "Delete an address", access: loggedIn, status: 204, errors: []int{401, 404}, handler: s.deleteAddress},
	}
}
