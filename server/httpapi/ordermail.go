package httpapi

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/server/contract"
	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/mail"
)

// orderComposer builds one kind of order e-mail (mail.OrderConfirmation,
// mail.OrderShipped, mail.OrderCancelled).
type orderComposer func(to mail.Recipient, o *domain.Order, link string) domain.MailMessage

// orderLink is the customer's page of the order.
func (s *Server) orderLink(o *domain.Order) string {
	return s.deps.PublicURL + contract.PageOrder + strconv.FormatInt(o.ID, 10)
}

// queueOrderMail queues an order e-mail to `to` (nil: the order's
// account). The order change has committed by now, so a failure to queue
// does not fail the request: it is logged at ERROR with the order id, for
// someone to follow up.
func (s *Server) queueOrderMail(c *fiber.Ctx, compose orderComposer, o *domain.Order, to *domain.User) {
	ctx := c.UserContext()
	if to == nil {
		u, err := s.deps.Services.Mail.Recipient(ctx, o.UserID)
		if err != nil {
			loggerOf(c).Error("order e-mail not queued: no recipient", "order_id", o.ID, "err", err.Error())
			return
		}
		to = u
	}
	msg := compose(mail.Recipient{Email: to.Email, Name: to.Name}, o, s.orderLink(o))
	if err := s.deps.Services.Mail.Enqueue(ctx, msg); err != nil {
		loggerOf(c).Error("order e-mail not queued", "order_id", o.ID, "subject", msg.Subject, "err", err.Error())
	}
}
