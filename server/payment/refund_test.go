package payment_test

import (
	"context"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
)

func charge(t *testing.T, p *payment.TestProvider, card, key string, amount int64) *domain.PaymentResult {
	t.Helper()
	res, err := p.Charge(context.Background(), domain.ChargeRequest{Amount: domain.NewMoney(amount, "USD"), IdempotencyKey: key,
		Card: domain.Card{Number: card, ExpMonth: 1, ExpYear: 2040, CVC: "123"}})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestRefundOncePerCharge: a charge is refunded at most once, however
// often the refund is asked for; the provider knows the brand.
func TestRefundOncePerCharge(t *testing.T) {
	ctx := context.Background()
	p := payment.NewTestProvider()
	c := charge(t, p, payment.CardSuccess, "a", 6095)
	if c.Brand != "visa" || c.Last4 != "4242" {
		t.Fatalf("charge %+v", c)
	}
	for i := 0; i < 3; i++ {
		if err := p.Refund(ctx, c.ChargeID, domain.NewMoney(6095, "USD")); err != nil {
			t.Fatalf("refund %d: %v", i, err)
		}
	}
	if got := p.Refunded(c.ChargeID); got != domain.NewMoney(6095, "USD") {
		t.Fatalf("refunded %v, want 60.95 once", got)
	}
}

func TestRefundErrors(t *testing.T) {
	ctx := context.Background()
	p := payment.NewTestProvider()
	ok := charge(t, p, payment.CardSuccess, "ok", 1000)
	fails := charge(t, p, payment.CardRefundFails, "fails", 1000)
	tests := []struct {
		name     string
		chargeID string
		amount   domain.Money
		code     string
	}{
		{"refund fails at the provider", fails.ChargeID, domain.NewMoney(1000, "USD"), domain.EPAYMENTFAILED},
		{"more than the charge", ok.ChargeID, domain.NewMoney(1001, "USD"), domain.EINVALID},
		{"other currency", ok.ChargeID, domain.NewMoney(1000, "EUR"), domain.EINVALID},
		{"zero", ok.ChargeID, domain.NewMoney(0, "USD"), domain.EINVALID},
		{"no charge", "", domain.NewMoney(1000, "USD"), domain.EINVALID},
	}
	for _, tt := range tests {
		if got := domain.ErrorCode(p.Refund(ctx, tt.chargeID, tt.amount)); got != tt.code {
			t.Errorf("%s: code %q, want %q", tt.name, got, tt.code)
		}
	}
	if p.Refunded(ok.ChargeID).Amount != 0 || p.Refunded(fails.ChargeID).Amount != 0 {
		t.Fatal("a refused refund was recorded")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if got := domain.ErrorCode(p.Refund(cancelled, ok.ChargeID, domain.NewMoney(1000, "USD"))); got != domain.EPAYMENTFAILED {
		t.Fatalf("cancelled context: %q", got)
	}
	// A charge it does not know (made before a restart) is refunded.
	if err := p.Refund(ctx, "ch_test_unknown", domain.NewMoney(500, "USD")); err != nil {
		t.Fatal(err)
	}
}
