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

// A checkout must carry the total the customer saw (issue 12): without it
// Validate answers "is required", alongside the other field errors.
func TestExpectedTotalRequired(t *testing.T) {
	now := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	in := domain.PlaceOrderInput{
		ShippingAddress: domain.Address{Name: "A", Line1: "1 St", City: "C", PostalCode: "1", Country: "US"},
		ShippingMethod:  "standard",
		Payment:         domain.Card{Number: "4242424242424242", ExpMonth: 12, ExpYear: 2030, CVC: "123"},
		IdempotencyKey:  "k",
	}
	err := in.Validate(now)
	if f := domain.ErrorFields(err); domain.ErrorCode(err) != domain.EINVALID || f["expected_total"] != "is required" || len(f) != 1 {
		t.Fatalf("no expected total: %v %v", err, f)
	}
	in.ShippingMethod = "teleport"
	if f := domain.ErrorFields(in.Validate(now)); f["expected_total"] != "is required" || f["shipping_method"] == "" {
		t.Fatalf("the missing total is reported with the other fields: %v", f)
	}
	zero := int64(0)
	in.ShippingMethod, in.ExpectedTotal = "standard", &zero
	if err := in.Validate(now); err != nil {
		t.Fatalf("an expected total of 0 is a total: %v", err)
	}
}
