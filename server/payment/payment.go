// Package payment holds the built-in payment provider: a deterministic
// stand-in for a card processor whose test cards (docs/api.md) succeed,
// decline or fail. It never moves money.
package payment

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"github.com/shopstack/shopstack/server/domain"
)

// Test card numbers (docs/api.md).
const (
	CardSuccess           = "4242424242424242"
	CardDeclined          = "4000000000000002"
	CardInsufficientFunds = "4000000000009995"
	CardProviderError     = "4000000000000119"
)

// TestProvider implements domain.PaymentProvider with the test cards. Any
// other Luhn-valid number succeeds. Charges with an idempotency key it has
// seen before return the first result without charging again, like a real
// processor.
type TestProvider struct {
	mu      sync.Mutex
	charges map[string]*domain.PaymentResult // by idempotency key
	refunds map[string]bool                  // by charge id
}

// NewTestProvider returns an empty provider.
func NewTestProvider() *TestProvider {
	return &TestProvider{charges: map[string]*domain.PaymentResult{}, refunds: map[string]bool{}}
}

var _ domain.PaymentProvider = (*TestProvider)(nil)

// Charge implements domain.PaymentProvider.
func (p *TestProvider) Charge(ctx context.Context, req domain.ChargeRequest) (*domain.PaymentResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, domain.PaymentFailed("payment cancelled: %v", err)
	}
	number := digits(req.Card.Number)
	switch number {
	case CardDeclined:
		return nil, domain.PaymentDeclined("the card was declined")
	case CardInsufficientFunds:
		return nil, domain.PaymentDeclined("the card was declined: insufficient funds")
	case CardProviderError:
		return nil, domain.PaymentFailed("the payment provider is unavailable; nothing was charged")
	}
	if !domain.LuhnValid(number) {
		return nil, domain.InvalidFields(map[string]string{"payment.card_number": "is not a valid card number"})
	}
	if req.Amount.Amount <= 0 {
		return nil, domain.Invalid("amount must be positive")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if req.IdempotencyKey != "" {
		if prev, ok := p.charges[req.IdempotencyKey]; ok {
			return prev, nil
		}
	}
	sum := sha256.Sum256([]byte(req.IdempotencyKey + "|" + req.Description + "|" + number))
	res := &domain.PaymentResult{ChargeID: "ch_test_" + hex.EncodeToString(sum[:12]), Status: domain.PaymentSucceeded, Last4: req.Card.Last4()}
	if req.IdempotencyKey != "" {
		p.charges[req.IdempotencyKey] = res
	}
	return res, nil
}

// Refund implements domain.PaymentProvider; refunding twice is harmless.
func (p *TestProvider) Refund(ctx context.Context, chargeID string, amount domain.Money) error {
	if chargeID == "" {
		return domain.Invalid("no charge to refund")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.refunds[chargeID] = true
	return nil
}

func digits(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		} else if s[i] != ' ' && s[i] != '-' {
			return s // not a number at all: fails Luhn
		}
	}
	return string(b)
}
