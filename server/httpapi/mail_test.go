package httpapi

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/internal/mailtest"
	"github.com/shopstack/shopstack/server/mail"
)

const testPublicURL = "https://shop.example.test"

// mailEnv is a testEnv whose outbox is drained into a real SMTP server.
type mailEnv struct {
	*testEnv
	sink   *mailtest.Sink
	worker *mail.Worker
	clock  *stepClock
}

// stepClock is the worker's clock: the real one (the store stamps
// messages with it) plus whatever Advance added (backoff).
type stepClock struct {
	mu     sync.Mutex
	offset time.Duration
}

func (c *stepClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset)
}
func (c *stepClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset += d
}

func forEachMailBackend(t *testing.T, fn func(t *testing.T, e *mailEnv)) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		sink, err := mailtest.Start("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { sink.Close() })
		smtp, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: sink.Port(), From: "Shop <shop@example.test>", Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		clock := &stepClock{}
		w := &mail.Worker{Outbox: e.store.Services().Mail, Mailer: smtp, Now: clock.Now, Logger: e.srv.log}
		fn(t, &mailEnv{testEnv: e, sink: sink, worker: w, clock: clock})
	}, func(d *Deps) { d.PublicURL = testPublicURL + "/" })
}

// deliver runs the worker once and returns how many messages it sent.
func (e *mailEnv) deliver(t *testing.T) int {
	t.Helper()
	sent, failed, err := e.worker.RunOnce(context.Background())
	if err != nil || failed != 0 {
		t.Fatalf("worker: sent %d, failed %d, err %v", sent, failed, err)
	}
	return sent
}

// mailTo waits for a message to `to` whose subject contains subject.
func (e *mailEnv) mailTo(t *testing.T, to, subject string) mailtest.Message {
	t.Helper()
	m, err := e.sink.Wait(5*time.Second, func(m mailtest.Message) bool {
		return len(m.To) == 1 && m.To[0] == to && strings.Contains(m.Subject, subject)
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var resetLinkRe = regexp.MustCompile(regexp.QuoteMeta(testPublicURL) + `/account/reset-password#token=(\S+)`)

func resetToken(t *testing.T, m mailtest.Message) string {
	t.Helper()
	match := resetLinkRe.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("no reset link in:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, `href="`+testPublicURL+`/account/reset-password#token=`) {
		t.Fatalf("no reset link in the HTML part:\n%s", m.HTML)
	}
	tok, err := url.QueryUnescape(match[1])
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestPasswordResetByMail(t *testing.T) {
	forEachMailBackend(t, func(t *testing.T, e *mailEnv) {
		email, oldPassword := e.registerUser(t)
		first := e.login(t, email, oldPassword)
		second := e.login(t, email, oldPassword)

		anon := e.client(t)
		known := want(t, anon.do("POST", "/api/v1/auth/password-reset", map[string]any{"email": strings.ToUpper(email)}), 202)
		unknown := want(t, anon.do("POST", "/api/v1/auth/password-reset", map[string]any{"email": "nobody-here@shop.test"}), 202)
		if string(known.Body) != string(unknown.Body) {
			t.Fatalf("answers differ: known %s, unknown %s", known.Body, unknown.Body)
		}
		if n := e.deliver(t); n != 1 {
			t.Fatalf("delivered %d messages, want only the one to the known address", n)
		}
		msg := e.mailTo(t, email, "Reset your password")
		if got := e.sink.Messages(); len(got) != 1 {
			t.Fatalf("the sink received %d messages, want 1", len(got))
		}
		if msg.From != "shop@example.test" {
			t.Fatalf("envelope from %q", msg.From)
		}
		token := resetToken(t, msg)

		// Bad input.
		wantErr(t, anon.do("POST", "/api/v1/auth/password-reset", map[string]any{"email": "not an address"}), 422, "invalid")
		wantErr(t, anon.do("POST", "/api/v1/auth/password-reset", `{"email":`), 400, "invalid")
		wantErr(t, anon.do("POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": token, "password": "short"}), 422, "invalid")
		wantErr(t, anon.do("POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": token, "password": "new-password-1", "extra": 1}), 400, "invalid")

		// Follow the link.
		const newPassword = "new-password-1"
		want(t, first.do("POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": token, "password": newPassword}), 204)
		for _, c := range []*client{first, second} {
			wantGuest(t, c)
		}
		wantErr(t, anon.do("POST", "/api/v1/auth/login", map[string]any{"email": email, "password": oldPassword}), 401, "unauthorized")
		e.login(t, email, newPassword)

		// Single use.
		body := wantErr(t, anon.do("POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": token, "password": "another-password"}), 422, "invalid")
		if body.Error.Fields["token"] == "" {
			t.Fatalf("reused token: want fields.token, got %+v", body.Error)
		}

		// Expired: a fresh link, aged past its hour in the database (the
		// store's own tests move an injected clock instead).
		want(t, anon.do("POST", "/api/v1/auth/password-reset", map[string]any{"email": email}), 202)
		e.deliver(t)
		var expired string
		for _, m := range e.sink.Messages() {
			if tok := resetToken(t, m); tok != token {
				expired = tok
			}
		}
		if _, err := e.store.DB().NewUpdate().Table("password_resets").Set("expires_at = ?", time.Now().Add(-time.Second).UTC()).
			Where("used_at IS NULL").Exec(context.Background()); err != nil {
			t.Fatal(err)
		}
		wantErr(t, anon.do("POST", "/api/v1/auth/password-reset/confirm", map[string]any{"token": expired, "password": "another-password"}), 422, "invalid")
		e.login(t, email, newPassword)
	})
}

func TestChangePasswordAPI(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		email, pw := e.registerUser(t)
		here := e.login(t, email, pw)
		other := e.login(t, email, pw)
		wantErr(t, e.client(t).do("POST", "/api/v1/account/password", map[string]any{"current_password": pw, "new_password": "new-password-2"}), 401, "unauthorized")
		body := wantErr(t, here.do("POST", "/api/v1/account/password", map[string]any{"current_password": "wrong-password", "new_password": "new-password-2"}), 422, "invalid")
		if body.Error.Fields["current_password"] == "" {
			t.Fatalf("want fields.current_password, got %+v", body.Error)
		}
		wantErr(t, here.do("POST", "/api/v1/account/password", map[string]any{"current_password": pw, "new_password": "short"}), 422, "invalid")
		want(t, other.do("GET", "/api/v1/auth/me", nil), 200)

		want(t, here.do("POST", "/api/v1/account/password", map[string]any{"current_password": pw, "new_password": "new-password-2"}), 204)
		want(t, here.do("GET", "/api/v1/auth/me", nil), 200)
		wantGuest(t, other)
		e.login(t, email, "new-password-2")
	})
}

// placeOrder fills the cart of c with one product and checks out with key.
func placeOrder(t *testing.T, e *testEnv, c *client, key string, status int) domain.Order {
	t.Helper()
	p := e.anyProduct(t)
	if status == 201 {
		e.setStock(t, p.ID, 100)
		want(t, c.do("POST", "/api/v1/cart/items", map[string]any{"product_id": p.ID, "quantity": 2}), 200)
	}
	var o domain.Order
	want(t, c.do("POST", "/api/v1/orders", c.shown(checkoutBody("4242424242424242")), "Idempotency-Key", key), status).Into(t, &o)
	return o
}

func TestOrderMails(t *testing.T) {
	forEachMailBackend(t, func(t *testing.T, e *mailEnv) {
		email, pw := e.registerUser(t)
		c := e.login(t, email, pw)

		o := placeOrder(t, e.testEnv, c, "mail-order-1", 201)
		// A replay (the same body, so the total that was shown): no second confirmation.
		replay := checkoutBody("4242424242424242")
		replay["expected_total"] = o.Total.Amount
		want(t, c.do("POST", "/api/v1/orders", replay, "Idempotency-Key", "mail-order-1"), 200)
		if n := e.deliver(t); n != 1 {
			t.Fatalf("delivered %d messages after an order and its replay, want 1", n)
		}
		conf := e.mailTo(t, email, fmt.Sprintf("Order #%d confirmed", o.ID))
		link := fmt.Sprintf("%s/account/orders/%d", testPublicURL, o.ID)
		for _, want := range []string{
			fmt.Sprintf("Order #%d", o.ID), fmt.Sprintf("2 x %s (%s)", o.Items[0].Name, o.Items[0].SKU),
			mail.FormatMoney(o.Total), "Ada Lovelace", "1 Analytical St", "N1 9GU London", "GB", link,
		} {
			if !strings.Contains(conf.Text, want) {
				t.Errorf("confirmation lacks %q:\n%s", want, conf.Text)
			}
		}
		if !strings.Contains(conf.HTML, `href="`+link+`"`) || !strings.Contains(conf.HTML, mail.FormatMoney(o.Total)) {
			t.Errorf("confirmation HTML lacks the link or total:\n%s", conf.HTML)
		}

		admin := e.admin(t)
		want(t, admin.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), map[string]any{"status": "shipped", "carrier": "ups", "tracking_number": "1Z999AA10123456784"}), 200)
		e.deliver(t)
		shipped := e.mailTo(t, email, fmt.Sprintf("Order #%d has shipped", o.ID))
		if !strings.Contains(shipped.Text, "Standard shipping") || !strings.Contains(shipped.Text, link) || !strings.Contains(shipped.Text, "Carrier: UPS, tracking number 1Z999AA10123456784") {
			t.Errorf("shipped mail:\n%s", shipped.Text)
		}
		// A refused move sends nothing.
		wantErr(t, admin.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", o.ID), map[string]any{"status": "cancelled"}), 409, "conflict")
		if n := e.deliver(t); n != 0 {
			t.Fatalf("a refused move queued %d messages", n)
		}

		// Cancelled by the customer, and by the shop.
		mine := placeOrder(t, e.testEnv, c, "mail-order-2", 201)
		want(t, c.do("POST", fmt.Sprintf("/api/v1/orders/%d/cancel", mine.ID), map[string]any{}), 200)
		theirs := placeOrder(t, e.testEnv, c, "mail-order-3", 201)
		want(t, admin.do("PATCH", fmt.Sprintf("/api/v1/admin/orders/%d", theirs.ID), map[string]any{"status": "cancelled"}), 200)
		e.deliver(t)
		for _, id := range []int64{mine.ID, theirs.ID} {
			m := e.mailTo(t, email, fmt.Sprintf("Order #%d cancelled", id))
			if !strings.Contains(m.Text, "refunded to the card ending in 4242") {
				t.Errorf("cancel mail of #%d:\n%s", id, m.Text)
			}
		}
	})
}

// The sink refuses, the message waits for its backoff, then goes out.
func TestOutboxRetriesAfterSMTPFailure(t *testing.T) {
	forEachMailBackend(t, func(t *testing.T, e *mailEnv) {
		ctx := context.Background()
		if err := e.store.Services().Mail.Enqueue(ctx, domain.MailMessage{To: "retry@shop.test", Subject: "Try again", Text: "Hello"}); err != nil {
			t.Fatal(err)
		}
		e.sink.RefuseNext(1)
		sent, failed, err := e.worker.RunOnce(ctx)
		if err != nil || sent != 0 || failed != 1 {
			t.Fatalf("first attempt: sent %d, failed %d, err %v", sent, failed, err)
		}
		if got := len(e.sink.Messages()); got != 0 {
			t.Fatalf("a refused message arrived (%d)", got)
		}
		if sent, failed, _ := e.worker.RunOnce(ctx); sent+failed != 0 {
			t.Fatalf("retried before the backoff: sent %d, failed %d", sent, failed)
		}
		e.clock.Advance(mail.Backoff(1))
		if n := e.deliver(t); n != 1 {
			t.Fatalf("retry delivered %d", n)
		}
		e.mailTo(t, "retry@shop.test", "Try again")
		if sent, failed, _ := e.worker.RunOnce(ctx); sent+failed != 0 {
			t.Fatalf("a sent message went out again: sent %d, failed %d", sent, failed)
		}
	})
}

// TestGuestOrderMail: a guest's confirmation goes to the address given at
// checkout and links to the signed order link (a guest has no account to
// log in to), and that link opens the order.
func TestGuestOrderMail(t *testing.T) {
	forEachMailBackend(t, func(t *testing.T, e *mailEnv) {
		p := e.anyProduct(t)
		e.setStock(t, p.ID, 10)
		const email = "guest-mail@example.com"
		o, _ := e.guestOrder(t, p.ID, email)
		if n := e.deliver(t); n != 1 {
			t.Fatalf("delivered %d messages after a guest order, want 1", n)
		}
		conf := e.mailTo(t, email, fmt.Sprintf("Order #%d confirmed", o.ID))
		m := regexp.MustCompile(regexp.QuoteMeta(testPublicURL+domain.OrderLinkPath+"/") + `(\S+)`).FindStringSubmatch(conf.Text)
		if m == nil {
			t.Fatalf("the guest's confirmation has no signed order link:\n%s", conf.Text)
		}
		token, err := url.PathUnescape(m[1])
		if err != nil {
			t.Fatal(err)
		}
		var got domain.Order
		want(t, e.client(t).do("GET", "/api/v1/order-links/"+url.PathEscape(token), nil), 200).Into(t, &got)
		if got.ID != o.ID || got.Email != email {
			t.Fatalf("the mailed link opens order %d (%s), want %d (%s)", got.ID, got.Email, o.ID, email)
		}
	})
}
