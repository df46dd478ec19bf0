package httpapi

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/mail"
)

// orderComposer builds one kind of order e-mail (mail.OrderConfirmation,
// mail.OrderShipped, mail.OrderCancelled).
type orderComposer func(to mail.Recipient, o *domain.Order, link string) domain.MailMessage

// orderLink is where the e-mail sends the reader to see the order: the
// account's order page for a customer, a signed expiring link
// (domain.OrderLink) for a guest, who has no account to log in to.
func (s *Server) orderLink(c *fiber.Ctx, o *domain.Order) (string, error) {
	if o.UserID != 0 {
		return s.deps.PublicURL + contract.PageOrder + strconv.FormatInt(o.ID, 10), nil
	}
	return domain.OrderLink(c.UserContext(), s.deps.Services.GuestOrders, s.deps.PublicURL, o.ID, s.deps.Now())
}

// queueOrderMail queues an order e-mail to the order's contact address
// (Order.Email: the account's for a customer, the one given at checkout for
// a guest), greeting `to` by name when the caller knows the account (nil:
// looked up for customers, none for guests). The order change has
// committed by now, so a failure to queue does not fail the request: it is
// logged at ERROR with the order id, for someone to follow up.
func (s *Server) queueOrderMail(c *fiber.Ctx, compose orderComposer, o *domain.Order, to *domain.User) {
	ctx := c.UserContext()
	rcpt := mail.Recipient{Email: o.Email}
	switch {
	case to != nil:
		rcpt.Name = to.Name
	case o.UserID != 0:
		u, err := s.deps.Services.Mail.Recipient(ctx, o.UserID)
		if err != nil {
			loggerOf(c).Error("order e-mail not queued: no recipient", "order_id", o.ID, "err", err.Error())
			return
		}
		rcpt.Name = u.Name
	}
	if rcpt.Email == "" {
		loggerOf(c).Error("order e-mail not queued: the order has no contact address", "order_id", o.ID)
		return
	}
	link, err := s.orderLink(c, o)
	if err != nil {
		loggerOf(c).Error("order e-mail not queued: no link to the order", "order_id", o.ID, "err", err.Error())
		return
	}
	msg := compose(rcpt, o, link)
	if err := s.deps.Services.Mail.Enqueue(ctx, msg); err != nil {
		loggerOf(c).Error("order e-mail not queued", "order_id", o.ID, "subject", msg.Subject, "err", err.Error())
	}
}
