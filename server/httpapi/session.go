package httpapi

import (
	"time"

	"github.com/gofiber/fiber/v2"

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
