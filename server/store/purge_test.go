package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/store"
)

var testPurge = store.PurgeOptions{
	GuestCarts:      30 * 24 * time.Hour,
	IdempotencyKeys: 7 * 24 * time.Hour,
	Mail:            30 * 24 * time.Hour,
	PasswordResets:  7 * 24 * time.Hour,
	BatchSize:       2, // several batches per table
}

// TestPurge: old guest carts, expired sessions, old Idempotency-Keys, old
// sent or abandoned mail, used or expired reset tokens and ended
// rate-limit windows go; fresh rows, customers' carts, pending mail and
// every order with what it references stay; a second run deletes nothing.
func TestPurge(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.category(t, "tools", "Tools")
		p := e.product(t, "SKU-1", "Hammer", "tools", 1500, 100)
		u, _ := e.user(t, "ada@example.com")
		e.user(t, "bob@example.com") // never logs in again: his session expires

		// Old things (40 days before the purge).
		for _, tok := range []string{"old-guest-1", "old-guest-2", "old-guest-3"} {
			must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{Token: tok}, p.ID, 1))
		}
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, p.ID, 1))
		customerOrder, _, err := e.svc.Orders.PlaceOrder(ctx, u.ID, e.shown(t, u.ID, checkout("k-customer", payment.CardSuccess)))
		if err != nil {
			t.Fatal(err)
		}
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{Token: "old-guest-buyer"}, p.ID, 2))
		guestIn := checkout("k-guest", payment.CardSuccess)
		guestIn.Email, guestIn.GuestCartToken = "guest@example.com", "old-guest-buyer"
		guestOrder, _, err := e.svc.Orders.PlaceOrder(ctx, 0, e.shown(t, 0, guestIn))
		if err != nil {
			t.Fatal(err)
		}
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{UserID: u.ID}, p.ID, 3)) // the customer's cart: never purged
		for i := 0; i < 3; i++ {
			if err := e.svc.Mail.Enqueue(ctx, domain.MailMessage{To: "a@example.com", Subject: "Old", Text: "t"}); err != nil {
				t.Fatal(err)
			}
		}
		old := must[[]domain.OutboxMessage](t)(e.svc.Mail.ClaimMail(ctx, e.clock.Now(), 10, time.Minute))
		if len(old) < 3 {
			t.Fatalf("claimed %d messages", len(old))
		}
		now := e.clock.Now()
		must0(t, e.svc.Mail.MarkMailSent(ctx, old[0].ID, now))
		must0(t, e.svc.Mail.MarkMailFailed(ctx, old[1].ID, now, now, "550", true))
		// old[2] is still being retried: kept however old.
		must0(t, e.svc.Mail.MarkMailFailed(ctx, old[2].ID, now, now.Add(time.Hour), "451", false))
		oldReset := e.requestReset(t, "ada@example.com")
		if oldReset == "" {
			t.Fatal("no reset token")
		}
		must[int](t)(hit(e, "old-window", time.Minute))

		e.clock.Advance(40 * 24 * time.Hour)

		// Fresh things.
		must[*domain.Cart](t)(e.svc.Carts.AddItem(ctx, domain.CartKey{Token: "fresh-guest"}, p.ID, 1))
		if _, _, err := e.svc.Accounts.Login(ctx, domain.LoginInput{Email: "ada@example.com", Password: "correct horse"}); err != nil {
			t.Fatal(err)
		}
		if err := e.svc.Mail.Enqueue(ctx, domain.MailMessage{To: "b@example.com", Subject: "Fresh", Text: "t"}); err != nil {
			t.Fatal(err)
		}
		fresh := must[[]domain.OutboxMessage](t)(e.svc.Mail.ClaimMail(ctx, e.clock.Now(), 10, time.Minute))
		for _, m := range fresh {
			if m.Subject == "Fresh" {
				must0(t, e.svc.Mail.MarkMailSent(ctx, m.ID, e.clock.Now()))
			}
		}
		if e.requestReset(t, "ada@example.com") == "" {
			t.Fatal("no fresh reset token")
		}
		must[int](t)(hit(e, "current-window", 24*time.Hour))

		tables := []string{"orders", "order_items", "payments", "order_events", "users", "products"}
		before := map[string]int{}
		for _, tb := range tables {
			before[tb] = e.count(t, tb)
		}
		guestCarts := countWhere(t, e, "carts", "user_id IS NULL")

		res, err := e.st.Purge(ctx, testPurge)
		if err != nil {
			t.Fatal(err)
		}
		t.Run("reports what it deleted", func(t *testing.T) {
			// The guest buyer's cart may or may not outlive checkout; every old
			// guest cart goes, the fresh one stays.
			want := store.PurgeResult{GuestCarts: guestCarts - 1, Sessions: 1, IdempotencyKeys: 1, GuestIdempotencyKeys: 1, Mail: 2, PasswordResets: 1, RateLimits: 1}
			if res != want {
				t.Fatalf("purged %+v, want %+v", res, want)
			}
		})
		t.Run("keeps orders, their parts, users and products", func(t *testing.T) {
			for _, tb := range tables {
				if n := e.count(t, tb); n != before[tb] {
					t.Errorf("%s: %d rows after the purge, %d before", tb, n, before[tb])
				}
			}
		})
		t.Run("keeps the fresh guest cart and every customer's cart", func(t *testing.T) {
			if n := countWhere(t, e, "carts", "user_id IS NULL"); n != 1 {
				t.Errorf("%d guest carts left, want the fresh one", n)
			}
			if c := must[*domain.Cart](t)(e.svc.Carts.Cart(ctx, domain.CartKey{Token: "fresh-guest"})); len(c.Items) != 1 {
				t.Errorf("fresh guest cart = %+v", c)
			}
			if c := must[*domain.Cart](t)(e.svc.Carts.Cart(ctx, domain.CartKey{UserID: u.ID})); len(c.Items) != 1 {
				t.Errorf("customer cart = %+v", c)
			}
		})
		t.Run("keeps the fresh session", func(t *testing.T) {
			if n := e.count(t, "sessions"); n != 1 {
				t.Errorf("%d sessions left, want the fresh one", n)
			}
		})
		t.Run("deletes old sent and given-up mail, keeps mail still retried and fresh mail", func(t *testing.T) {
			for id, want := range map[int64]int{old[0].ID: 0, old[1].ID: 0, old[2].ID: 1} {
				if n := countWhere(t, e, "mail_outbox", "id = "+strconv.FormatInt(id, 10)); n != want {
					t.Errorf("message %d: %d rows, want %d", id, n, want)
				}
			}
			if n := countWhere(t, e, "mail_outbox", "subject = 'Fresh'"); n != 1 {
				t.Errorf("the fresh sent message is gone")
			}
		})
		t.Run("keeps the fresh reset token", func(t *testing.T) {
			if n := e.count(t, "password_resets"); n != 1 {
				t.Errorf("%d reset tokens left, want the fresh one", n)
			}
		})
		t.Run("keeps the current rate-limit window", func(t *testing.T) {
			if n := e.count(t, "rate_limits"); n != 1 {
				t.Errorf("%d rate-limit rows left, want the current window", n)
			}
		})
		t.Run("orders stay readable whole", func(t *testing.T) {
			if got := must[*domain.Order](t)(e.svc.Orders.Order(ctx, u.ID, customerOrder.ID)); len(got.Items) != 1 {
				t.Errorf("customer order after the purge: %+v", got)
			}
			if got := must[*domain.OrderDetail](t)(e.svc.Admin.Order(ctx, guestOrder.ID)); len(got.Items) != 1 || got.Email != "guest@example.com" {
				t.Errorf("guest order after the purge: %+v", got)
			}
		})
		t.Run("a second purge deletes nothing", func(t *testing.T) {
			again, err := e.st.Purge(ctx, testPurge)
			if err != nil {
				t.Fatal(err)
			}
			if again != (store.PurgeResult{}) {
				t.Fatalf("second purge deleted %+v", again)
			}
		})
	})
}

func TestPurgeRefusesBadRetention(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		bad := testPurge
		bad.Mail = 0
		_, err := e.st.Purge(context.Background(), bad)
		wantCode(t, err, domain.EINVALID)
	})
}

func hit(e *env, key string, window time.Duration) (int, error) {
	n, _, err := e.svc.RateLimits.Hit(context.Background(), key, window)
	return n, err
}

func must0(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func countWhere(t *testing.T, e *env, table, where string) int {
	t.Helper()
	n, err := e.db.NewSelect().TableExpr(table).Where(where).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
