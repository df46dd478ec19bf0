package payment_test

import (
	"context"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
)

func TestTestCards(t *testing.T) {
	tests := []struct {
		card string
		code string
	}{
		{payment.CardSuccess, ""},
		{"4242 4242 4242 4242", ""},
		{"5555555555554444", ""},
		{payment.CardDeclined, domain.EPAYMENTDECLINED},
		{payment.CardInsufficientFunds, domain.EPAYMENTDECLINED},
		{payment.CardProviderError, domain.EPAYMENTFAILED},
		{"4242424242424241", domain.EINVALID},
	}
	p := payment.NewTestProvider()
	for _, tt := range tests {
		res, err := p.Charge(context.Background(), domain.ChargeRequest{Amount: domain.NewMoney(100, "USD"),
			Card: domain.Card{Number: tt.card, ExpMonth: 1, ExpYear: 2040, CVC: "123"}, IdempotencyKey: "k-" + tt.card})
		if got := domain.ErrorCode(err); got != tt.code {
			t.Errorf("card %s: code %q, want %q", tt.card, got, tt.code)
		}
		if tt.code == "" && (res == nil || res.Status != domain.PaymentSucceeded || res.Last4 == "") {
			t.Errorf("card %s: result %+v", tt.card, res)
		}
	}
}

func TestIdempotentCharge(t *testing.T) {
	p := payment.NewTestProvider()
	req := domain.ChargeRequest{Amount: domain.NewMoney(100, "USD"), IdempotencyKey: "same",
		Card: domain.Card{Number: payment.CardSuccess, ExpMonth: 1, ExpYear: 2040, CVC: "123"}}
	a, _ := p.Charge(context.Background(), req)
	b, _ := p.Charge(context.Background(), req)
	if a.ChargeID != b.ChargeID {
		t.Fatalf("same key charged twice: %s, %s", a.ChargeID, b.ChargeID)
	}
}
