package mail

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// Recipient is who a message goes to. Order messages take it explicitly
// (not from the order), so that guest orders can name their own address.
type Recipient struct {
	Email string
	Name  string
}

func (r Recipient) greeting() string {
	if n := strings.TrimSpace(r.Name); n != "" {
		return "Hello " + n + ","
	}
	return "Hello,"
}

// PasswordReset is the message with the reset link (which works for
// domain.PasswordResetTTL).
func PasswordReset(to Recipient, link string) domain.MailMessage {
	minutes := int(domain.PasswordResetTTL / time.Minute)
	text := fmt.Sprintf(`%s

Someone (hopefully you) asked to reset the password of your shop account.
Choose a new password here:

%s

The link works once, for %d minutes. If you did not ask for this, ignore
this message: your password stays as it is.
`, to.greeting(), link, minutes)
	html := render(resetHTML, map[string]any{"Greeting": to.greeting(), "Link": template.URL(link), "Minutes": minutes})
	return domain.MailMessage{To: to.Email, Subject: "Reset your password", Text: text, HTML: html}
}

// OrderConfirmation is sent once after an order is placed (not on an
// idempotent replay of the same checkout).
func OrderConfirmation(to Recipient, o *domain.Order, link string) domain.MailMessage {
	return orderMessage(to, o, link, fmt.Sprintf("Order #%d confirmed", o.ID),
		fmt.Sprintf("Thank you for your order. We have received order #%d and will let you know when it ships.", o.ID))
}

// OrderShipped is sent when the order moves to shipped.
func OrderShipped(to Recipient, o *domain.Order, link string) domain.MailMessage {
	lead := fmt.Sprintf("Good news: order #%d is on its way (%s).", o.ID, shippingName(o))
	if s := o.Shipment; s != nil && s.TrackingNumber != "" {
		carrier := domain.CarrierName(s.Carrier)
		if carrier == "" {
			carrier = s.Carrier
		}
		lead += fmt.Sprintf(" Carrier: %s, tracking number %s.", carrier, s.TrackingNumber)
	}
	return orderMessage(to, o, link, fmt.Sprintf("Order #%d has shipped", o.ID), lead)
}

// OrderCancelled is sent when the order is cancelled, by the customer or
// by the shop.
func OrderCancelled(to Recipient, o *domain.Order, link string) domain.MailMessage {
	lead := fmt.Sprintf("Order #%d has been cancelled.", o.ID)
	if o.Payment.Status == domain.PaymentRefunded {
		lead += fmt.Sprintf(" The payment of %s has been refunded to the card ending in %s.", FormatMoney(o.Total), o.Payment.Last4)
	}
	return orderMessage(to, o, link, fmt.Sprintf("Order #%d cancelled", o.ID), lead)
}

func shippingName(o *domain.Order) string {
	if m, ok := domain.FindShippingMethod(o.ShippingMethod, o.Total.Currency); ok {
		return m.Name
	}
	return o.ShippingMethod
}

// FormatMoney writes an amount in minor units for a person: $12.34, or
// "EUR 12.34" for other currencies.
func FormatMoney(m domain.Money) string {
	sign := ""
	amount := m.Amount
	if amount < 0 {
		sign, amount = "-", -amount
	}
	prefix := m.Currency + " "
	if m.Currency == "USD" {
		prefix = "$"
	}
	return fmt.Sprintf("%s%s%d.%02d", sign, prefix, amount/100, amount%100)
}

func addressLines(a domain.Address) []string {
	lines := []string{a.Name, a.Line1}
	if a.Line2 != "" {
		lines = append(lines, a.Line2)
	}
	city := strings.TrimSpace(strings.Join([]string{a.PostalCode, a.City}, " "))
	if a.Region != "" {
		city += ", " + a.Region
	}
	return append(lines, city, a.Country)
}

func orderMessage(to Recipient, o *domain.Order, link, subject, lead string) domain.MailMessage {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n%s\n\nOrder #%d\n\n", to.greeting(), lead, o.ID)
	for _, it := range o.Items {
		fmt.Fprintf(&b, "  %d x %s (%s)  %s\n", it.Quantity, it.Name, it.SKU, FormatMoney(it.LineTotal))
	}
	fmt.Fprintf(&b, "\n  Subtotal  %s\n  Shipping  %s (%s)\n  Total     %s\n\n", FormatMoney(o.Subtotal), FormatMoney(o.Shipping), shippingName(o), FormatMoney(o.Total))
	b.WriteString("Shipping to:\n")
	for _, l := range addressLines(o.ShippingAddress) {
		fmt.Fprintf(&b, "  %s\n", l)
	}
	fmt.Fprintf(&b, "\nView your order: %s\n", link)

	type line struct{ Quantity, Name, SKU, Total string }
	var lines []line
	for _, it := range o.Items {
		lines = append(lines, line{fmt.Sprint(it.Quantity), it.Name, it.SKU, FormatMoney(it.LineTotal)})
	}
	html := render(orderHTML, map[string]any{
		"Greeting": to.greeting(), "Lead": lead, "ID": o.ID, "Lines": lines,
		"Subtotal": FormatMoney(o.Subtotal), "Shipping": FormatMoney(o.Shipping), "Method": shippingName(o),
		"Total": FormatMoney(o.Total), "Address": addressLines(o.ShippingAddress), "Link": template.URL(link),
	})
	return domain.MailMessage{To: to.Email, Subject: subject, Text: b.String(), HTML: html}
}

// The HTML parts are simple on purpose: html/template escapes every value
// (product names and addresses come from people).
var (
	resetHTML = template.Must(template.New("reset").Parse(`<!doctype html>
<html><body style="font-family: sans-serif">
<p>{{.Greeting}}</p>
<p>Someone (hopefully you) asked to reset the password of your shop account.</p>
<p><a href="{{.Link}}">Choose a new password</a></p>
<p>The link works once, for {{.Minutes}} minutes. If you did not ask for this, ignore this message: your password stays as it is.</p>
</body></html>
`))
	orderHTML = template.Must(template.New("order").Parse(`<!doctype html>
<html><body style="font-family: sans-serif">
<p>{{.Greeting}}</p>
<p>{{.Lead}}</p>
<table>
<caption>Order #{{.ID}}</caption>
<thead><tr><th scope="col">Qty</th><th scope="col">Item</th><th scope="col">Total</th></tr></thead>
<tbody>{{range .Lines}}<tr><td>{{.Quantity}}</td><td>{{.Name}} ({{.SKU}})</td><td>{{.Total}}</td></tr>{{end}}</tbody>
<tfoot>
<tr><th scope="row" colspan="2">Subtotal</th><td>{{.Subtotal}}</td></tr>
<tr><th scope="row" colspan="2">Shipping ({{.Method}})</th><td>{{.Shipping}}</td></tr>
<tr><th scope="row" colspan="2">Total</th><td>{{.Total}}</td></tr>
</tfoot>
</table>
<p>Shipping to:<br>{{range $i, $l := .Address}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
<p><a href="{{.Link}}">View your order</a></p>
</body></html>
`))
)

func render(t *template.Template, data any) string {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		// The templates are fixed and their data plain values: a failure
		// is a programming error, and the text part still carries it all.
		return ""
	}
	return b.String()
}
