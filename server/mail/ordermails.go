package mail

import (
	"strconv"
	"strings"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// OrderMails is the shop's domain.OrderMailer: the confirmation, shipped
// and cancelled messages, each with a link to the order that starts with
// PublicURL (contract.EnvPublicURL): the account's order page for a
// customer, the signed order link for a guest.
type OrderMails struct {
	PublicURL string
}

var _ domain.OrderMailer = OrderMails{}

// OrderMail composes kind's message about o. An unknown kind is a
// programming error and panics.
func (m OrderMails) OrderMail(kind domain.OrderMailKind, o *domain.Order, name, guestToken string) domain.MailMessage {
	link := strings.TrimRight(m.PublicURL, "/") + contract.PageOrder + strconv.FormatInt(o.ID, 10)
	if guestToken != "" {
		link = domain.OrderLinkURL(m.PublicURL, guestToken)
	}
	to := Recipient{Email: o.Email, Name: name}
	switch kind {
	case domain.OrderMailPlaced:
		return OrderConfirmation(to, o, link)
	case domain.OrderMailShipped:
		return OrderShipped(to, o, link)
	case domain.OrderMailCancelled:
		return OrderCancelled(to, o, link)
	}
	panic("mail: no order e-mail of kind " + strconv.Quote(string(kind)))
}
