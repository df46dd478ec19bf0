package domain

import "errors"

// The checkout errors about the cart carry the cart as it now is, so that
// the customer is shown what changed (issue 12).

// CartError is an error about the cart at checkout (ECARTCHANGED,
// EINSUFFICIENTSTOCK) with the cart as it is now, so that the client can
// show the customer what changed without another request.
type CartError struct {
	Err  *Error
	Cart *Cart
}

func (e *CartError) Error() string { return e.Err.Error() }
func (e *CartError) Unwrap() error { return e.Err }

// WithCart attaches the current cart to err when err is an *Error; any
// other error is returned as it is.
func WithCart(err error, cart *Cart) error {
	var de *Error
	if cart == nil || !errors.As(err, &de) {
		return err
	}
	return &CartError{Err: de, Cart: cart}
}

// CartOf returns the cart attached to err by WithCart, or nil.
func CartOf(err error) *Cart {
	var ce *CartError
	if errors.As(err, &ce) {
		return ce.Cart
	}
	return nil
}

// CartChanged is ECARTCHANGED: the total at checkout differs from the
// total the customer was shown.
func CartChanged(format string, args ...any) *Error { return Errorf(ECARTCHANGED, format, args...) }
