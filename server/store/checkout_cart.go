package store

import (
	"context"

	"github.com/shopstack/shopstack/server/domain"
)

// checkExpectedTotal is ECARTCHANGED when the lines plus shipping now cost
// something else than the total the customer was shown (expected, minor
// units; required, so PlaceOrder has validated it is there).
func checkExpectedTotal(expected int64, lines []cartLine, shipping int64) error {
	total := shipping
	for _, l := range lines {
		total += l.Price * int64(l.Quantity)
	}
	if total != expected {
		return domain.CartChanged("your cart changed since you saw its total; nothing was charged")
	}
	return nil
}

// withCurrentCart attaches the user's cart, read after the failed checkout
// rolled back, to the errors that are about the cart (changed, or more
// than is in stock), so that the client shows the cart as it now is.
func (s *Store) withCurrentCart(ctx context.Context, userID int64, err error) error {
	switch domain.ErrorCode(err) {
	case domain.ECARTCHANGED, domain.EINSUFFICIENTSTOCK:
	default:
		return err
	}
	cart, cerr := cartService{s}.Cart(ctx, domain.CartKey{UserID: userID})
	if cerr != nil {
		return err
	}
	return domain.WithCart(err, cart)
}
