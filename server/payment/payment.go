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
	// CardRefundFails is charged normally, but its refunds fail (the
	// number Stripe's test mode uses for the same case).
	CardRefundFails = "4000000000005126"
)

// TestCards names every test card, as the client shows and its tests use
// them (client/src/api/enums.ts is generated from this list).
var TestCards = []struct{ Name, Number string }{
	{"success", CardSuccess},
	{"declined", CardDeclined},
	{"insufficientFunds", CardInsufficientFunds},
	{"providerError", CardProviderError},
	{"refundFails", CardRefundFails},
}

// TestProvider implements domain.PaymentProvider with the test cards. Any
// other Luhn-valid number succeeds. Charges with an idempotency key it has
// seen before return the first result without charging again, like a real
// processor; so do refunds of a charge already refunded.
type TestProvider struct {
	mu       sync.Mutex
	charges  map[string]*domain.PaymentResult // by idempotency key
	byCharge map[string]testCharge            // by charge id
	refunds  map[string]domain.Money          // refunded amount by charge id
}

type testCharge struct {
	amount domain.Money
	number string
}

// NewTestProvider returns an empty provider.
func NewTestProvider() *TestProvider {
	return &TestProvider{charges: map[string]*domain.PaymentResult{}, byCharge: map[string]testCharge{},
		refunds: map[string]domain.Money{}}
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
	res := &domain.PaymentResult{ChargeID: "ch_test_" + hex.EncodeToString(sum[:12]), Status: domain.PaymentSucceeded,
		Last4: req.Card.Last4(), Brand: domain.CardBrand(number)}
	if req.IdempotencyKey != "" {
		p.charges[req.IdempotencyKey] = res
	}
	p.byCharge[res.ChargeID] = testCharge{amount: req.Amount, number: number}
	return res, nil
}

// Refund implements domain.PaymentProvider. A charge is refunded at most
// once: refunding it again returns nil and moves nothing (what makes a
// retried cancellation safe). Refunds of CardRefundFails charges fail
// with EPAYMENTFAILED; more than the charge is EINVALID. A charge it does
// not know (made before a restart: the provider keeps nothing) is
// refunded as asked.
func (p *TestProvider) Refund(ctx context.Context, chargeID string, amount domain.Money) error {
	if err := ctx.Err(); err != nil {
		return domain.PaymentFailed("refund cancelled: %v", err)
	}
	if chargeID == "" {
		return domain.Invalid("no charge to refund")
	}
	if amount.Amount <= 0 {
		return domain.Invalid("refund amount must be positive")
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, done := p.refunds[chargeID]; done {
		return nil
	}
	if c, ok := p.byCharge[chargeID]; ok {
		if c.number == CardRefundFails {
			return domain.PaymentFailed("the payment provider could not refund the charge")
		}
		if amount.Amount > c.amount.Amount || amount.Currency != c.amount.Currency {
			return domain.Invalid("cannot refund %d %s of a %d %s charge", amount.Amount, amount.Currency, c.amount.Amount, c.amount.Currency)
		}
	}
	r := p.refunds[chargeID] // accumulates, so a double refund would show
	p.refunds[chargeID] = domain.Money{Amount: r.Amount + amount.Amount, Currency: amount.Currency}
	return nil
}

// Refunded returns the total refunded of a charge (zero Money if nothing).
func (p *TestProvider) Refunded(chargeID string) domain.Money {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refunds[chargeID]
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
