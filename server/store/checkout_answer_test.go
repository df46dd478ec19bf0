package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/store"
)

// TestPlacedOrderIsTheStoredOrder: PlaceOrder answers with the order built
// from the rows its transaction wrote instead of reading them back, so the
// answer must be exactly what every later read returns (the order page,
// an idempotent replay, the guest's signed link), for a customer's order
// and a guest's, on both databases.
func TestPlacedOrderIsTheStoredOrder(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "c", "C")
		a := e.product(t, "A-1", "Apple", "c", 150, 10)
		b := e.product(t, "B-1", "Banana", "c", 99, 4)

		u, _ := e.user(t, "buyer@example.com")
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, b.ID, 2))
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, a.ID, 3))
		in := e.shown(t, u.ID, checkout("k-answer", payment.CardSuccess))
		placed, created, err := e.svc.Orders.PlaceOrder(ctx, u.ID, in)
		if err != nil || !created {
			t.Fatalf("place order: %v (created %v)", err, created)
		}
		read, err := e.svc.Orders.Order(ctx, u.ID, placed.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(placed, read) {
			t.Errorf("the placed order differs from the stored one:\nplaced %+v\nstored %+v", placed, read)
		}
		replay, created, err := e.svc.Orders.PlaceOrder(ctx, u.ID, in)
		if err != nil || created {
			t.Fatalf("replay: %v (created %v)", err, created)
		}
		if !reflect.DeepEqual(placed, replay) {
			t.Errorf("the replayed order differs from the placed one:\nplaced %+v\nreplay %+v", placed, replay)
		}

		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{Token: "guest-answer"}, a.ID, 1))
		guestIn := checkout("k-guest-answer", payment.CardSuccess)
		guestIn.Email, guestIn.GuestCartToken = "guest@example.com", "guest-answer"
		guest, created, err := e.svc.Orders.PlaceOrder(ctx, 0, e.shown(t, 0, guestIn))
		if err != nil || !created {
			t.Fatalf("guest order: %v (created %v)", err, created)
		}
		token, err := e.svc.GuestOrders.OrderLinkToken(ctx, guest.ID, e.clock.Now().Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		byLink, err := e.svc.GuestOrders.OrderByLinkToken(ctx, token, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(guest, byLink) {
			t.Errorf("the guest's placed order differs from the stored one:\nplaced %+v\nstored %+v", guest, byLink)
		}
	})
}

// lastDigitsProvider reports other last digits than the number given (as
// a provider charging a network token does): the order records the
// provider's.
type lastDigitsProvider struct {
	domain.PaymentProvider
	last4 string
}

func (p lastDigitsProvider) Charge(ctx context.Context, req domain.ChargeRequest) (*domain.PaymentResult, error) {
	res, err := p.PaymentProvider.Charge(ctx, req)
	if res != nil {
		res.Last4 = p.last4
	}
	return res, err
}

// The order is inserted already paid with the last digits of the number
// given; when the provider reports others, those are the order's, in the
// answer and in the stored order alike, and the history still reads
// placed, then paid.
func TestCheckoutRecordsTheChargedCardsDigits(t *testing.T) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			ctx := context.Background()
			db := openDB(t, b)
			st := store.New(db, store.Options{Payments: lastDigitsProvider{payment.NewTestProvider(), "1881"},
				Password: store.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
			e := &env{backend: b, db: db, st: st, svc: st.Services(), clock: &fakeClock{t: time.Now()}}
			e.category(t, "c", "C")
			a := e.product(t, "A-1", "Apple", "c", 150, 10)
			u, _ := e.user(t, "digits@example.com")
			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, a.ID, 1))
			placed, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k-digits", payment.CardSuccess)))
			if err != nil {
				t.Fatal(err)
			}
			read, err := e.svc.Orders.Order(ctx, u.ID, placed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if placed.Payment.Last4 != "1881" || !reflect.DeepEqual(placed, read) {
				t.Errorf("last digits: placed %q, stored %q; want 1881 in both (equal orders: %v)", placed.Payment.Last4, read.Payment.Last4, reflect.DeepEqual(placed, read))
			}
			d, err := e.svc.Admin.Order(ctx, placed.ID)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(kinds(d.History)) != "[placed paid]" {
				t.Errorf("history %v, want [placed paid]", kinds(d.History))
			}
		})
	}
}
