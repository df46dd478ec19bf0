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
}

// PaymentProvider charges cards. Charge returns an *Error with code
// EPAYMENTDECLINED when the card is refused and EPAYMENTFAILED when the
// provider could not be reached or failed; any other error counts as failed.
type PaymentProvider interface {
	Charge(ctx context.Context, req ChargeRequest) (*PaymentResult, error)
	// Refund gives a charge back (order cancellation).
	Refund(ctx context.Context, chargeID string, amount Money) error
}
