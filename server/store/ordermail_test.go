package store_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/mail"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/store"
)

const mailURL = "https://shop.example.test"

// mailEnv is an env whose store composes the order e-mails, as serve's.
func mailEnv(t *testing.T, backend string) *env {
	t.Helper()
	db := openDB(t, backend)
	e := &env{backend: backend, db: db, pay: &countingProvider{inner: payment.NewTestProvider()},
		clock: &fakeClock{t: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}}
	e.st = store.New(db, store.Options{Payments: e.pay, Now: e.clock.Now, OrderMails: mail.OrderMails{PublicURL: mailURL},
		Password: store.PasswordParams{Time: 1, Memory: 64, Threads: 1}})
	e.svc = domain.Validated(e.st.Services(), e.clock.Now)
	return e
}

// mailShop is a mailEnv with a product (10 in stock) and a customer.
func mailShop(t *testing.T, backend string) (*env, *domain.Product, *domain.User) {
	t.Helper()
	e := mailEnv(t, backend)
	e.category(t, "c", "C")
	a := e.product(t, "A-1", "Apple", "c", 150, 10)
	u, _ := e.user(t, "ada@example.com")
	return e, a, u
}

// outbox is every queued message's recipient and subject, in order.
func (e *env) outbox(t *testing.T) []string {
	t.Helper()
	var rows []struct {
		Recipient string `bun:"recipient"`
		Subject   string `bun:"subject"`
		TextBody  string `bun:"text_body"`
	}
	if err := e.db.NewSelect().TableExpr("mail_outbox").Column("recipient", "subject", "text_body").OrderExpr("id").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.Recipient + ": " + r.Subject
		if !strings.Contains(r.TextBody, mailURL+"/") {
			t.Errorf("message %q links nowhere under %s:\n%s", r.Subject, mailURL, r.TextBody)
		}
	}
	return out
}

// The order e-mails are queued by the transaction that changes the order:
// one per change that commits (the checkout, shipping, a cancellation),
// none for a checkout that fails or a replay, a guest's with a signed link.
func TestOrderMailsCommitWithTheirChange(t *testing.T) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			ctx := context.Background()
			e, a, u := mailShop(t, b)
			admin := domain.Actor{UserID: 0, Role: domain.RoleAdmin}

			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, a.ID, 1))
			declined := e.shown(t, u.ID, checkout("k-declined", payment.CardDeclined))
			if _, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, declined); err == nil {
				t.Fatal("a declined card placed an order")
			}
			in := e.shown(t, u.ID, checkout("k-1", payment.CardSuccess))
			o, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if _, created, err := e.svc.Orders.PlaceOrder(ctx, u.ID, in); err != nil || created {
				t.Fatalf("replay: created %v, %v", created, err)
			}
			if _, err := e.svc.Admin.UpdateOrderStatus(ctx, o.ID, admin, domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "ups", TrackingNumber: "1Z999AA10123456784"}); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Admin.UpdateOrderStatus(ctx, o.ID, admin, domain.OrderStatusUpdate{Status: domain.OrderDelivered}); err != nil {
				t.Fatal(err)
			}

			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, a.ID, 1))
			o2, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k-2", payment.CardSuccess)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Orders.CancelOrder(ctx, u.ID, o2.ID); err != nil {
				t.Fatal(err)
			}

			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{Token: "guest-cart"}, a.ID, 1))
			guestIn := checkout("k-guest", payment.CardSuccess)
			guestIn.Email, guestIn.GuestCartToken = "guest@example.com", "guest-cart"
			g, _, err := e.svc.Orders.PlaceOrder(ctx, 0, e.shown(t, 0, guestIn))
			if err != nil {
				t.Fatal(err)
			}

			got := strings.Join(e.outbox(t), "\n")
			want := strings.Join([]string{
				"ada@example.com: Order #" + itoa(o.ID) + " confirmed",
				"ada@example.com: Order #" + itoa(o.ID) + " has shipped",
				"ada@example.com: Order #" + itoa(o2.ID) + " confirmed",
				"ada@example.com: Order #" + itoa(o2.ID) + " cancelled",
				"guest@example.com: Order #" + itoa(g.ID) + " confirmed",
			}, "\n")
			if got != want {
				t.Fatalf("outbox:\n%s\nwant:\n%s", got, want)
			}
			// The guest's confirmation links to the order through a token
			// that the store's own key accepts.
			var text string
			if err := e.db.NewSelect().TableExpr("mail_outbox").Column("text_body").Where("recipient = 'guest@example.com'").Scan(ctx, &text); err != nil {
				t.Fatal(err)
			}
			i := strings.Index(text, mailURL+domain.OrderLinkPath+"/")
			if i < 0 {
				t.Fatalf("the guest's confirmation has no order link:\n%s", text)
			}
			token := strings.Fields(text[i+len(mailURL+domain.OrderLinkPath+"/"):])[0]
			byLink, err := e.svc.GuestOrders.OrderByLinkToken(ctx, token, e.clock.Now())
			if err != nil || byLink.ID != g.ID {
				t.Fatalf("the e-mailed link: %v, %v", byLink, err)
			}
		})
	}
}

// No order without its confirmation: when the outbox refuses the message
// the checkout fails whole (no order, stock as it was, the charge
// refunded), where it used to commit and log the lost e-mail.
func TestCheckoutFailsWithItsConfirmation(t *testing.T) {
	for _, b := range backends {
		t.Run(b, func(t *testing.T) {
			ctx := context.Background()
			e, a, u := mailShop(t, b)
			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, a.ID, 2))
			refuse := map[string][]string{
				"postgres": {`CREATE FUNCTION refuse_mail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox refused'; END $$`,
					`CREATE TRIGGER refuse_mail BEFORE INSERT ON mail_outbox FOR EACH ROW EXECUTE FUNCTION refuse_mail()`},
				"sqlite": {`CREATE TRIGGER refuse_mail BEFORE INSERT ON mail_outbox BEGIN SELECT RAISE(ABORT, 'outbox refused'); END`},
			}[b]
			for _, q := range refuse {
				if _, err := e.db.ExecContext(ctx, q); err != nil {
					t.Fatal(err)
				}
			}
			_, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k", payment.CardSuccess)))
			if domain.ErrorCode(err) != domain.EINTERNAL {
				t.Fatalf("checkout with a refusing outbox: %v, want an internal error", err)
			}
			if e.count(t, "orders") != 0 || e.count(t, "idempotency_keys") != 0 || e.stock(t, a.ID) != 10 {
				t.Fatalf("orders %d, keys %d, stock %d: the checkout committed without its e-mail", e.count(t, "orders"), e.count(t, "idempotency_keys"), e.stock(t, a.ID))
			}
			if e.pay.charges.Load() != 1 || e.pay.refunds.Load() != 1 {
				t.Fatalf("charges %d, refunds %d; want 1 and 1", e.pay.charges.Load(), e.pay.refunds.Load())
			}
		})
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
