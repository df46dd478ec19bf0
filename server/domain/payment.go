package domain

import "context"

// ChargeRequest asks the payment provider to take money from a card.
type ChargeRequest struct {
	Amount Money
	Card   Card
	// IdempotencyKey lets the provider recognise a retried charge.
	IdempotencyKey string
	Description    string
}

// PaymentResult is a successful charge.
type PaymentResult struct {
	ChargeID string
	Status   PaymentStatus
	Last4    string
	Brand    string // CardBrand of the card, "" if unknown
}

// PaymentProvider charges cards. Charge returns an *Error with code
// EPAYMENTDECLINED when the card is refused and EPAYMENTFAILED when the
// provider could not be reached or failed; any other error counts as failed.
type PaymentProvider interface {
	Charge(ctx context.Context, req ChargeRequest) (*PaymentResult, error)
	// Refund gives amount of a charge back (order cancellation). It must
	// be idempotent per charge: refunding a charge that was refunded
	// already returns nil without moving money again, so a cancellation
	// retried after a lost commit cannot refund twice (an adapter for a
	// real processor passes an idempotency key derived from chargeID).
	// Errors: EPAYMENTFAILED when the provider cannot refund.
	Refund(ctx context.Context, chargeID string, amount Money) error
}
