package httpapi

import (
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/mail"
)

// acceptedBody is the answer of a reset request, the same whether or not
// an account has the address.
type acceptedBody struct {
	Status string `json:"status"`
}

// resetLink is the "Choose a new password" page with the token in the
// fragment: it never reaches a server log or a Referer header.
func (s *Server) resetLink(token string) string {
	return s.deps.PublicURL + contract.PageResetPassword + "#token=" + url.QueryEscape(token)
}

func (s *Server) requestPasswordReset(c *fiber.Ctx) error {
	var in domain.PasswordResetRequest
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	compose := func(u *domain.User, token string, _ time.Time) domain.MailMessage {
		return mail.PasswordReset(mail.Recipient{Email: u.Email, Name: u.Name}, s.resetLink(token))
	}
	if err := s.deps.Services.Recovery.RequestPasswordReset(c.UserContext(), in, compose); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(acceptedBody{Status: "accepted"})
}

func (s *Server) confirmPasswordReset(c *fiber.Ctx) error {
	var in domain.PasswordResetConfirm
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if _, err := s.deps.Services.Recovery.ResetPassword(c.UserContext(), in); err != nil {
		return err
	}
	// Every session of the user has ended, this browser's included.
	s.clearCookie(c, CookieSession)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) changePassword(c *fiber.Ctx) error {
	var in domain.PasswordChange
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if err := s.deps.Services.Recovery.ChangePassword(c.UserContext(), currentUser(c).ID, cookieToken(c, CookieSession), in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// recoveryRoutes are the password reset and change rows of the route table.
func (s *Server) recoveryRoutes() []route {
	const b = contract.APIBase
	return []route{
		{method: "POST", path: b + "/auth/password-reset", tag: "accounts", summary: "E-mail a password reset link (same answer whether or not the address has an account)", access: public, limited: true,
			request: domain.PasswordResetRequest{}, response: acceptedBody{}, status: 202, errors: []int{400, 415, 422, 429}, handler: s.requestPasswordReset},
		{method: "POST", path: b + "/auth/password-reset/confirm", tag: "accounts", summary: "Set a new password with the e-mailed token (ends every session of the account)", access: public, limited: true,
			request: domain.PasswordResetConfirm{}, status: 204, errors: []int{400, 415, 422, 429}, handler: s.confirmPasswordReset},
		{method: "POST", path: b + "/account/password", tag: "accounts", summary: "Change the password (ends the account's other sessions)", access: loggedIn, limited: true,
			request: domain.PasswordChange{}, status: 204, errors: []int{400, 401, 415, 422, 429}, handler: s.changePassword},
	}
}
