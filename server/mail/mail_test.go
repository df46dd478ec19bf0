package mail_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/internal/mailtest"
	"github.com/shopstack/shopstack/server/mail"
)

// The SES Developer Guide's algorithm, "Obtaining Amazon SES SMTP
// credentials" (https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html),
// pinned two ways: against values computed once, outside Go, by a Python
// transcription of the guide's script (hmac/hashlib/base64) on the guide's
// example secret key, and step by step here after the guide's pseudocode.
func TestSESSMTPPassword(t *testing.T) {
	const key = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" // the guide's example secret key
	for region, want := range map[string]string{
		"us-east-1": "BLBM/9hSUELfq8Gw+rU1YcBjkOxGbhT2XG763xVLGWL9",
		"eu-west-1": "BMW5RDrXmmVs0lV7GpI4oLkHXpZ4stDsk6q91z1g38Pk",
	} {
		if got := mail.SESSMTPPassword(key, region); got != want {
			t.Errorf("%s: %s, want %s", region, got, want)
		}
	}

	hmacSHA256 := func(data string, key []byte) []byte { // the guide's HmacSha256(data, key)
		h := hmac.New(sha256.New, key)
		h.Write([]byte(data))
		return h.Sum(nil)
	}
	kDate := hmacSHA256("11111111", []byte("AWS4"+key))
	kRegion := hmacSHA256("us-west-2", kDate)
	kService := hmacSHA256("ses", kRegion)
	kTerminal := hmacSHA256("aws4_request", kService)
	kMessage := hmacSHA256("SendRawEmail", kTerminal)
	want := base64.StdEncoding.EncodeToString(append([]byte{0x04}, kMessage...))
	got := mail.SESSMTPPassword(key, "us-west-2")
	if got != want {
		t.Fatalf("us-west-2: %s, want %s", got, want)
	}
	raw, _ := base64.StdEncoding.DecodeString(got)
	if len(raw) != 33 || raw[0] != 0x04 {
		t.Fatalf("want the version byte 0x04 and a 32-byte signature, got %d bytes starting %#x", len(raw), raw[0])
	}
	if mail.SESSMTPPassword(key, "us-east-1") == mail.SESSMTPPassword(key, "eu-west-1") {
		t.Fatal("SMTP passwords must differ per region")
	}
}

func TestBackoff(t *testing.T) {
	for attempt, want := range map[int]time.Duration{1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 8: time.Hour, 12: time.Hour, 100: time.Hour} {
		if got := mail.Backoff(attempt); got != want {
			t.Errorf("Backoff(%d) = %s, want %s", attempt, got, want)
		}
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true, "127.0.0.2": true,
		"email-smtp.eu-west-1.amazonaws.com": false, "10.0.0.1": false, "localhost.example.com": false} {
		if got := mail.IsLoopback(host); got != want {
			t.Errorf("IsLoopback(%q) = %v", host, got)
		}
	}
}

func TestNewSMTPChecks(t *testing.T) {
	if _, err := mail.NewSMTP(mail.SMTPConfig{From: "shop@example.com"}); err == nil {
		t.Error("no host accepted")
	}
	if _, err := mail.NewSMTP(mail.SMTPConfig{Host: "localhost"}); err == nil {
		t.Error("no From accepted")
	}
	if _, err := mail.NewSMTP(mail.SMTPConfig{Host: "localhost", From: "not an address"}); err == nil {
		t.Error("a bad From accepted")
	}
}

// Off loopback STARTTLS is mandatory: the sink does not offer it, so a
// "remote" host name routed to it gets nothing.
func TestSMTPRequiresSTARTTLSOffLoopback(t *testing.T) {
	sink, err := mailtest.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	toSink := func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, sink.Addr())
	}
	remote, err := mail.NewSMTP(mail.SMTPConfig{Host: "smtp.example.com", Port: 587, From: "shop@example.com", Timeout: 5 * time.Second, DialContext: toSink})
	if err != nil {
		t.Fatal(err)
	}
	msg := domain.MailMessage{To: "ada@example.com", Subject: "Hello", Text: "Hi"}
	if err := remote.Send(context.Background(), msg); err == nil {
		t.Fatal("sent without STARTTLS to a remote host")
	}
	if n := len(sink.Messages()); n != 0 {
		t.Fatalf("the sink received %d messages without TLS", n)
	}
	// The same server on loopback is fine (tests, local sinks).
	local, err := mail.NewSMTP(mail.SMTPConfig{Host: "localhost", Port: sink.Port(), From: "shop@example.com", Timeout: 5 * time.Second, DialContext: toSink})
	if err != nil {
		t.Fatal(err)
	}
	if err := local.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
}

func TestSMTPSendsTextAndHTML(t *testing.T) {
	sink, err := mailtest.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	m, err := mail.NewSMTP(mail.SMTPConfig{Host: "127.0.0.1", Port: sink.Port(), From: "Shop <shop@example.com>", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	msg := mail.PasswordReset(mail.Recipient{Email: "ada@example.com", Name: "Ada <Lovelace>"}, "https://shop.example.com/account/reset-password#token=abc")
	if err := m.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got, err := sink.Wait(5*time.Second, func(mailtest.Message) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	if got.From != "shop@example.com" || len(got.To) != 1 || got.To[0] != "ada@example.com" || got.Subject != "Reset your password" {
		t.Fatalf("envelope/subject: %+v", got)
	}
	if !strings.Contains(got.Text, "https://shop.example.com/account/reset-password#token=abc") || !strings.Contains(got.Text, "60 minutes") {
		t.Fatalf("text:\n%s", got.Text)
	}
	if !strings.Contains(got.HTML, "Hello Ada &lt;Lovelace&gt;,") || strings.Contains(got.HTML, "<Lovelace>") {
		t.Fatalf("the HTML part must escape names:\n%s", got.HTML)
	}
}

func TestOrderMessages(t *testing.T) {
	o := &domain.Order{
		ID: 42, Status: domain.OrderPaid,
		Items:    []domain.OrderItem{{SKU: "MUG-1", Name: "Blue <mug>", Quantity: 2, UnitPrice: domain.Money{Amount: 1250, Currency: "USD"}, LineTotal: domain.Money{Amount: 2500, Currency: "USD"}}},
		Subtotal: domain.Money{Amount: 2500, Currency: "USD"}, Shipping: domain.Money{Amount: 499, Currency: "USD"}, Total: domain.Money{Amount: 2999, Currency: "USD"},
		ShippingAddress: domain.Address{Name: "Ada Lovelace", Line1: "1 Analytical Way", City: "London", PostalCode: "N1 1AA", Country: "GB"},
		ShippingMethod:  "standard",
		Payment:         domain.OrderPayment{Last4: "4242", Status: domain.PaymentSucceeded},
	}
	to := mail.Recipient{Email: "ada@example.com", Name: "Ada"}
	link := "https://shop.example.com/account/orders/42"
	for _, tt := range []struct {
		msg     domain.MailMessage
		subject string
		extra   string
	}{
		{mail.OrderConfirmation(to, o, link), "Order #42 confirmed", "Thank you for your order"},
		{mail.OrderShipped(to, o, link), "Order #42 has shipped", "Standard shipping"},
		{mail.OrderCancelled(to, o, link), "Order #42 cancelled", "has been cancelled"},
	} {
		if tt.msg.To != "ada@example.com" || tt.msg.Subject != tt.subject {
			t.Errorf("to %q subject %q, want %q", tt.msg.To, tt.msg.Subject, tt.subject)
		}
		for _, want := range []string{"Hello Ada,", "2 x Blue <mug> (MUG-1)  $25.00", "Subtotal  $25.00", "Shipping  $4.99", "Total     $29.99",
			"Ada Lovelace", "1 Analytical Way", "N1 1AA London", "GB", link, tt.extra} {
			if !strings.Contains(tt.msg.Text, want) {
				t.Errorf("%s: text lacks %q:\n%s", tt.subject, want, tt.msg.Text)
			}
		}
		if !strings.Contains(tt.msg.HTML, "Blue &lt;mug&gt;") || !strings.Contains(tt.msg.HTML, `href="`+link+`"`) {
			t.Errorf("%s: HTML:\n%s", tt.subject, tt.msg.HTML)
		}
	}
	o.Payment.Status = domain.PaymentRefunded
	if m := mail.OrderCancelled(to, o, link); !strings.Contains(m.Text, "$29.99 has been refunded to the card ending in 4242") {
		t.Errorf("refund line missing:\n%s", m.Text)
	}
	if got := mail.FormatMoney(domain.Money{Amount: -1205, Currency: "EUR"}); got != "-EUR 12.05" {
		t.Errorf("FormatMoney = %q", got)
	}
}
