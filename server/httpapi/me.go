package httpapi

import "github.com/shopstack/shopstack/server/domain"

// meBody is the answer of GET /auth/me: {"user": User} for a session and
// {"user": null} for a guest. Being a guest is not an error, so the
// storefront's first request on every page load does not log a 401.
type meBody struct {
	User *domain.User `json:"user" openapi:"nullable"`
}
