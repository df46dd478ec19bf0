// Package mail sends the shop's e-mail: the messages themselves (password
// reset, order confirmation, shipped, cancelled), the Mailer that delivers
// them (SMTP through github.com/wneessen/go-mail, or the dev outbox that
// logs them when no SMTP server is configured), the derivation of Amazon
// SES SMTP passwords, and the Worker that drains the database outbox.
//
// Requests never send mail: they queue it (domain.MailService, in the
// same transaction as what it is about where that is possible), and the
// Worker in every `serve` process delivers it with retries and backoff.
package mail

import (
	"context"
	"log/slog"

	"github.com/shopstack/shopstack/server/domain"
)

// Mailer delivers one message.
type Mailer interface {
	Send(ctx context.Context, msg domain.MailMessage) error
}

// LogMailer is the dev outbox: with no SMTP server configured (local
// `task up`), every message is written whole, links included, to the log
// at INFO so that whoever runs the server can read it and follow its links.
type LogMailer struct {
	Logger *slog.Logger
}

// Send logs msg; it never fails.
func (m LogMailer) Send(_ context.Context, msg domain.MailMessage) error {
	log := m.Logger
	if log == nil {
		log = slog.Default()
	}
	log.Info("dev outbox: mail not sent (no SMTP configured), here it is",
		"to", msg.To, "subject", msg.Subject, "text", msg.Text)
	return nil
}
