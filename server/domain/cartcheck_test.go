package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

func TestExpectedTotal(t *testing.T) {
	in := domain.PlaceOrderInput{
		ShippingAddress: domain.Address{Name: "A", Line1: "1 St", City: "C", PostalCode: "1", Country: "US"},
		ShippingMethod:  "standard",
		Payment:         domain.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"},
		IdempotencyKey:  "k",
	}
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	plain := in.ComputeFingerprint()
	total := int64(1898)
	in.ExpectedTotal = &total
	if err := in.Validate(now); err != nil {
		t.Fatal(err)
	}
	withTotal := in.ComputeFingerprint()
	other := int64(6095)
	in.ExpectedTotal = &other
	if withTotal == plain || in.ComputeFingerprint() == withTotal {
		t.Fatal("the expected total must be part of the fingerprint")
	}
	neg := int64(-1)
	in.ExpectedTotal = &neg
	if f := domain.ErrorFields(in.Validate(now)); f["expected_total"] == "" {
		t.Fatalf("negative expected total: %v", f)
	}
}

func TestWithCart(t *testing.T) {
	cart := domain.NewCart(nil, "USD")
	err := domain.WithCart(domain.CartChanged("changed"), cart)
	if domain.ErrorCode(err) != domain.ECARTCHANGED || domain.CartOf(err) != cart {
		t.Fatalf("WithCart: %v", err)
	}
	plain := errors.New("boom")
	if domain.WithCart(plain, cart) != plain || domain.CartOf(plain) != nil {
		t.Fatal("WithCart must leave other errors alone")
	}
}
