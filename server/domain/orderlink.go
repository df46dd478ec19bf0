package domain

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// OrderLinkTTL is how long a signed order link works (guest confirmation
// and order e-mails).
const OrderLinkTTL = 30 * 24 * time.Hour

// OrderLinkPath is the storefront page that opens a signed order link:
// OrderLinkPath + "/" + token (client/src/routes.ts routes it).
const OrderLinkPath = "/orders/link"

// SignOrderToken returns the token of a link to order orderID that works
// until expires: "<order id>.<expiry unix seconds>.<HMAC-SHA256 of both
// under key, base64url>". Only the shop's key can make one; it names one
// order and carries its own expiry.
func SignOrderToken(key []byte, orderID int64, expires time.Time) string {
	payload := strconv.FormatInt(orderID, 10) + "." + strconv.FormatInt(expires.Unix(), 10)
	return payload + "." + base64.RawURLEncoding.EncodeToString(orderTokenMAC(key, payload))
}

func orderTokenMAC(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("shopstack order link\x00"))
	m.Write([]byte(payload))
	return m.Sum(nil)
}

// VerifyOrderToken returns the order id a token names. A malformed or
// tampered token is ENOTFOUND (it names no order); a genuine one past its
// expiry at now is EFORBIDDEN. The signature is compared in constant time
// and checked before the expiry, so an edited expiry is ENOTFOUND too.
func VerifyOrderToken(key []byte, token string, now time.Time) (int64, error) {
	invalid := NotFound("this order link is not valid")
	if len(token) > 200 {
		return 0, invalid
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, invalid
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || id <= 0 || parts[0] != strconv.FormatInt(id, 10) {
		return 0, invalid
	}
	exp, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || parts[1] != strconv.FormatInt(exp, 10) {
		return 0, invalid
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || !hmac.Equal(sig, orderTokenMAC(key, parts[0]+"."+parts[1])) {
		return 0, invalid
	}
	if !now.Before(time.Unix(exp, 0)) {
		return 0, Forbidden("this order link has expired")
	}
	return id, nil
}

// OrderLinkURL is the absolute link (publicURL is SHOP_PUBLIC_URL, e.g.
// https://shop.example.com) that shows the order a token names.
func OrderLinkURL(publicURL, token string) string {
	return strings.TrimRight(publicURL, "/") + OrderLinkPath + "/" + url.PathEscape(token)
}

// GuestOrderService is what a signed order link can do: show the order
// without a login, and let its holder attach it to a new account.
type GuestOrderService interface {
	// OrderLinkToken signs a token for the order that works until
	// expires (usually now + OrderLinkTTL) with the shop's key (generated
	// once, kept in the database, shared by every replica). ENOTFOUND if
	// there is no such order.
	OrderLinkToken(ctx context.Context, orderID int64, expires time.Time) (string, error)
	// OrderByLinkToken returns the order a token names (see
	// VerifyOrderToken for its errors), judged at now.
	OrderByLinkToken(ctx context.Context, token string, now time.Time) (*Order, error)
	// AdoptOrder attaches the guest order a token names (and only it) to
	// the user. ECONFLICT if it already belongs to an account.
	AdoptOrder(ctx context.Context, userID int64, token string, now time.Time) (*Order, error)
}
