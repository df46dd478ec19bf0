package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
)

var adminActor = domain.Actor{UserID: 4242, Role: domain.RoleAdmin}

func statusUpdate(to domain.OrderStatus) domain.OrderStatusUpdate {
	in := domain.OrderStatusUpdate{Status: to}
	if to == domain.OrderShipped {
		in.Carrier, in.TrackingNumber = "ups", "1Z999AA10123456784"
	}
	return in
}

// fulfilEnv is a store with one product (stock 10), one customer and a
// helper that places a paid order of 2 units with the given card.
type fulfilEnv struct {
	*env
	product  *domain.Product
	customer *domain.User
	admin    domain.Actor
	keys     int
}

func newFulfilEnv(t *testing.T, e *env) *fulfilEnv {
	t.Helper()
	e.category(t, "c", "C")
	f := &fulfilEnv{env: e, product: e.product(t, "A-1", "Apple", "c", 2500, 10)}
	f.customer, _ = e.user(t, "buyer@example.com")
	boss, _ := e.user(t, "boss@example.com")
	f.admin = domain.Actor{UserID: boss.ID, Role: domain.RoleAdmin}
	return f
}

func (f *fulfilEnv) place(t *testing.T, card string) *domain.Order {
	t.Helper()
	ctx := context.Background()
	f.keys++
	must[*domain.Cart](t)(f.svc.Carts.AddItem(ctx, domain.CartKey{UserID: f.customer.ID}, f.product.ID, 2))
	o, _, err := f.svc.Orders.PlaceOrder(ctx, f.customer.ID, f.shown(t, f.customer.ID, checkout(fmt.Sprintf("k-%d", f.keys), card)))
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func kinds(h []domain.OrderEvent) []domain.OrderEventKind {
	out := make([]domain.OrderEventKind, len(h))
	for i, e := range h {
		out[i] = e.Kind
	}
	return out
}

// TestOrderHistory: every status change, checkout included, leaves a
// history row with who and when.
func TestOrderHistory(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFulfilEnv(t, e)
		o := f.place(t, payment.CardSuccess)

		d, err := e.svc.Admin.Order(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(kinds(d.History)) != "[placed paid]" {
			t.Fatalf("history after checkout %+v", d.History)
		}
		for _, ev := range d.History {
			if ev.Actor.Role != "customer" || ev.Actor.ID == nil || *ev.Actor.ID != f.customer.ID ||
				ev.Actor.Email != "buyer@example.com" || !ev.At.Equal(o.CreatedAt) {
				t.Fatalf("checkout event %+v (order created %s)", ev, o.CreatedAt)
			}
		}
		if d.Customer == nil || d.Customer.Email != "buyer@example.com" || d.Charge == nil ||
			d.Charge.Amount != o.Total || d.Charge.Brand != "visa" || d.Charge.Last4 != "4242" ||
			d.Charge.Reference == "" || d.Refund != nil || d.Payment.Brand != "visa" {
			t.Fatalf("detail %+v charge %+v", d, d.Charge)
		}

		shipped, err := e.svc.Admin.UpdateOrderStatus(ctx, o.ID, f.admin,
			domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "dhl", TrackingNumber: " jd01 4600-0037 "})
		if err != nil {
			t.Fatal(err)
		}
		if s := shipped.Shipment; s == nil || s.Carrier != "dhl" || s.TrackingNumber != "JD0146000037" || !s.ShippedAt.Equal(shipped.UpdatedAt) {
			t.Fatalf("shipment %+v", shipped.Shipment)
		}
		// The customer sees it on their order.
		mine, err := e.svc.Orders.Order(ctx, f.customer.ID, o.ID)
		if err != nil || mine.Shipment == nil || mine.Shipment.TrackingNumber != "JD0146000037" {
			t.Fatalf("customer's order %+v %v", mine, err)
		}
		delivered := must[*domain.Order](t)(e.svc.Admin.UpdateOrderStatus(ctx, o.ID, f.admin, statusUpdate(domain.OrderDelivered)))

		d = must[*domain.OrderDetail](t)(e.svc.Admin.Order(ctx, o.ID))
		if fmt.Sprint(kinds(d.History)) != "[placed paid shipped delivered]" {
			t.Fatalf("history %+v", d.History)
		}
		for i, at := range []time.Time{shipped.UpdatedAt, delivered.UpdatedAt} {
			ev := d.History[2+i]
			if ev.Actor.Role != "admin" || ev.Actor.ID == nil || *ev.Actor.ID != f.admin.UserID ||
				ev.Actor.Email != "boss@example.com" || !ev.At.Equal(at) {
				t.Fatalf("admin event %+v, want at %s", ev, at)
			}
		}

		// A customer's cancellation: cancelled then refunded, by them.
		o2 := f.place(t, payment.CardSuccess)
		c := must[*domain.Order](t)(e.svc.Orders.CancelOrder(ctx, f.customer.ID, o2.ID))
		d = must[*domain.OrderDetail](t)(e.svc.Admin.Order(ctx, o2.ID))
		if fmt.Sprint(kinds(d.History)) != "[placed paid cancelled refunded]" {
			t.Fatalf("history %+v", d.History)
		}
		for _, ev := range d.History[2:] {
			if ev.Actor.Role != "customer" || *ev.Actor.ID != f.customer.ID || !ev.At.Equal(c.UpdatedAt) {
				t.Fatalf("cancel event %+v", ev)
			}
		}
		if d.Refund == nil || d.Refund.Amount != o2.Total || d.Refund.Reference != d.Charge.Reference ||
			d.Payment.Status != domain.PaymentRefunded {
			t.Fatalf("refund %+v", d.Refund)
		}
		_, err = e.svc.Admin.Order(ctx, 999999)
		wantCode(t, err, domain.ENOTFOUND)
	})
}

// TestShipNeedsCarrierAndTracking: a move to shipped without a valid
// carrier and tracking number is 422 and changes nothing.
func TestShipNeedsCarrierAndTracking(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFulfilEnv(t, e)
		o := f.place(t, payment.CardSuccess)
		bad := []struct {
			in    domain.OrderStatusUpdate
			field string
		}{
			{domain.OrderStatusUpdate{Status: domain.OrderShipped}, "carrier"},
			{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "ups"}, "tracking_number"},
			{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "pigeon", TrackingNumber: "1Z999AA1"}, "carrier"},
			{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "ups", TrackingNumber: "1Z9"}, "tracking_number"},
			{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "ups", TrackingNumber: "1Z999AA1<script>"}, "tracking_number"},
			{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "ups", TrackingNumber: "1Z999AA1\x00"}, "tracking_number"},
			{domain.OrderStatusUpdate{Status: domain.OrderCancelled, Carrier: "ups"}, "carrier"},
		}
		for _, b := range bad {
			_, err := e.svc.Admin.UpdateOrderStatus(ctx, o.ID, f.admin, b.in)
			wantCode(t, err, domain.EINVALID)
			if _, ok := domain.ErrorFields(err)[b.field]; !ok {
				t.Fatalf("%+v: fields %v, want %s", b.in, domain.ErrorFields(err), b.field)
			}
		}
		got := must[*domain.Order](t)(e.svc.Orders.Order(ctx, f.customer.ID, o.ID))
		if got.Status != domain.OrderPaid || got.Shipment != nil {
			t.Fatalf("an invalid ship changed the order: %+v", got)
		}
	})
}

// TestConcurrentCancelsRefundOnce: a customer and admins cancel the same
// paid order at once. Exactly one wins, the provider is asked to refund
// once, stock comes back once and the history has one cancellation.
func TestConcurrentCancelsRefundOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFulfilEnv(t, e)
		o := f.place(t, payment.CardSuccess)
		if e.stock(t, f.product.ID) != 8 {
			t.Fatal("checkout did not take stock")
		}
		const n = 12
		var wg sync.WaitGroup
		start := make(chan struct{})
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				if i%2 == 0 {
					_, errs[i] = e.svc.Orders.CancelOrder(ctx, f.customer.ID, o.ID)
				} else {
					_, errs[i] = e.svc.Admin.UpdateOrderStatus(ctx, o.ID, f.admin, statusUpdate(domain.OrderCancelled))
				}
			}(i)
		}
		close(start)
		wg.Wait()
		codes := map[string]int{}
		for _, err := range errs {
			codes[domain.ErrorCode(err)]++
		}
		if codes[""] != 1 || codes[domain.ECONFLICT] != n-1 {
			t.Fatalf("results %v (%v); want 1 success and %d conflicts", codes, errs, n-1)
		}
		if got := e.pay.refunds.Load(); got != 1 {
			t.Fatalf("the provider was asked to refund %d times", got)
		}
		if got := e.stock(t, f.product.ID); got != 10 {
			t.Fatalf("stock %d after concurrent cancels, want 10", got)
		}
		d := must[*domain.OrderDetail](t)(e.svc.Admin.Order(ctx, o.ID))
		if fmt.Sprint(kinds(d.History)) != "[placed paid cancelled refunded]" {
			t.Fatalf("history %+v", d.History)
		}
		if n := e.count(t, "payments WHERE kind = 'refund'"); n != 1 {
			t.Fatalf("%d refund rows", n)
		}
	})
}

// TestCancelRetriedAfterLostCommit: the provider refunds, then the
// transaction dies before it commits (the request is cancelled). The order
// is still paid and its stock still out; the retry cancels it, and the
// money moved once although the provider was asked twice.
func TestCancelRetriedAfterLostCommit(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		f := newFulfilEnv(t, e)
		o := f.place(t, payment.CardSuccess)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		e.pay.afterRefund = cancel
		if _, err := e.svc.Admin.UpdateOrderStatus(ctx, o.ID, f.admin, statusUpdate(domain.OrderCancelled)); err == nil {
			t.Fatal("the cancellation committed on a cancelled request")
		}
		e.pay.afterRefund = nil
		bg := context.Background()
		got := must[*domain.Order](t)(e.svc.Orders.Order(bg, f.customer.ID, o.ID))
		if got.Status != domain.OrderPaid || e.stock(t, f.product.ID) != 8 {
			t.Fatalf("after the lost commit: %s, stock %d", got.Status, e.stock(t, f.product.ID))
		}
		got = must[*domain.Order](t)(e.svc.Admin.UpdateOrderStatus(bg, o.ID, f.admin, statusUpdate(domain.OrderCancelled)))
		if got.Status != domain.OrderCancelled || e.stock(t, f.product.ID) != 10 {
			t.Fatalf("retry: %s, stock %d", got.Status, e.stock(t, f.product.ID))
		}
		d := must[*domain.OrderDetail](t)(e.svc.Admin.Order(bg, o.ID))
		tp := e.pay.inner.(*payment.TestProvider)
		if e.pay.refunds.Load() != 2 || tp.Refunded(d.Charge.Reference) != o.Total {
			t.Fatalf("asked %d times, refunded %v; want 2 asks and %v once", e.pay.refunds.Load(), tp.Refunded(d.Charge.Reference), o.Total)
		}
	})
}

// TestFailedRefundChangesNothing: when the provider cannot refund, the
// cancellation fails with payment_failed and a message that says so; the
// order, its stock, payments and history are as they were.
func TestFailedRefundChangesNothing(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFulfilEnv(t, e)
		o := f.place(t, payment.CardRefundFails)
		for _, cancel := range []func() error{
			func() error {
				_, err := e.svc.Admin.UpdateOrderStatus(ctx, o.ID, f.admin, statusUpdate(domain.OrderCancelled))
				return err
			},
			func() error { _, err := e.svc.Orders.CancelOrder(ctx, f.customer.ID, o.ID); return err },
		} {
			err := cancel()
			wantCode(t, err, domain.EPAYMENTFAILED)
			if msg := domain.ErrorMessage(err); msg != "the refund did not go through, so the order was not cancelled; nothing changed, try again later" {
				t.Fatalf("message %q", msg)
			}
		}
		d := must[*domain.OrderDetail](t)(e.svc.Admin.Order(ctx, o.ID))
		if d.Status != domain.OrderPaid || d.Payment.Status != domain.PaymentSucceeded || d.Refund != nil ||
			fmt.Sprint(kinds(d.History)) != "[placed paid]" || !d.UpdatedAt.Equal(o.UpdatedAt) {
			t.Fatalf("after a failed refund: %+v", d)
		}
		if got := e.stock(t, f.product.ID); got != 8 {
			t.Fatalf("stock %d after a failed refund, want 8", got)
		}
	})
}

// TestCancelPendingOrderRefundsNothing: an unpaid order has nothing to
// refund, and an invalid move is a conflict that leaves no history.
func TestInvalidMovesLeaveNoHistory(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFulfilEnv(t, e)
		o := f.place(t, payment.CardSuccess)
		for _, to := range []domain.OrderStatus{domain.OrderPending, domain.OrderPaid, domain.OrderDelivered} {
			_, err := e.svc.Admin.UpdateOrderStatus(ctx, o.ID, f.admin, statusUpdate(to))
			wantCode(t, err, domain.ECONFLICT)
		}
		d := must[*domain.OrderDetail](t)(e.svc.Admin.Order(ctx, o.ID))
		if fmt.Sprint(kinds(d.History)) != "[placed paid]" {
			t.Fatalf("history %+v", d.History)
		}
	})
}
