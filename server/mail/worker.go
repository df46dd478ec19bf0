package mail

import (
	"context"
	"log/slog"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// Outbox is what the Worker needs of the store (domain.MailService has it).
type Outbox interface {
	ClaimMail(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]domain.OutboxMessage, error)
	MarkMailSent(ctx context.Context, id int64, now time.Time) error
	MarkMailFailed(ctx context.Context, id int64, now, next time.Time, lastError string, giveUp bool) error
}

// Worker drains the outbox: it claims due messages (a lease, so that the
// workers of other replicas skip them), sends each, and records the
// result; a failure is retried with exponential backoff until MaxAttempts,
// after which the message is kept, marked failed, and logged at ERROR.
// Delivery is at least once: a worker that dies between sending and
// recording sends that message again when its lease runs out.
type Worker struct {
	Outbox Outbox
	Mailer Mailer
	// Logger. Default: slog.Default().
	Logger *slog.Logger
	// Now is the clock. Default: time.Now.
	Now func() time.Time
	// Poll is the pause between looks at the outbox. Default: 1s.
	Poll time.Duration
	// Batch is how many messages one claim takes. Default: 10.
	Batch int
	// Lease is how long a claim keeps other workers off. It must outlast
	// a batch of sends. Default: 5m.
	Lease time.Duration
	// MaxAttempts before a message is given up on. Default: 12 (about
	// six hours of retries with Backoff).
	MaxAttempts int
}

func (w *Worker) defaults() {
	if w.Logger == nil {
		w.Logger = slog.Default()
	}
	if w.Now == nil {
		w.Now = time.Now
	}
	if w.Poll <= 0 {
		w.Poll = time.Second
	}
	if w.Batch <= 0 {
		w.Batch = 10
	}
	if w.Lease <= 0 {
		w.Lease = 5 * time.Minute
	}
	if w.MaxAttempts <= 0 {
		w.MaxAttempts = 12
	}
}

// Backoff is the wait after the attempt-th failed attempt: 30s doubling,
// at most an hour.
func Backoff(attempt int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// RunOnce claims one batch and tries each message once. It returns how
// many were sent and how many failed.
func (w *Worker) RunOnce(ctx context.Context) (sent, failed int, err error) {
	w.defaults()
	msgs, err := w.Outbox.ClaimMail(ctx, w.Now(), w.Batch, w.Lease)
	if err != nil {
		return 0, 0, err
	}
	for _, m := range msgs {
		if ctx.Err() != nil {
			// Unsent claims come back when their lease runs out.
			return sent, failed, ctx.Err()
		}
		serr := w.Mailer.Send(ctx, m.MailMessage)
		now := w.Now()
		if serr == nil {
			sent++
			if err := w.Outbox.MarkMailSent(ctx, m.ID, now); err != nil {
				w.Logger.Error("mail sent but not recorded: it may be sent again", "mail_id", m.ID, "err", err.Error())
			}
			w.Logger.Info("mail sent", "mail_id", m.ID, "to", m.To, "subject", m.Subject, "attempt", m.Attempts)
			continue
		}
		failed++
		giveUp := m.Attempts >= w.MaxAttempts
		next := now.Add(Backoff(m.Attempts))
		if err := w.Outbox.MarkMailFailed(ctx, m.ID, now, next, serr.Error(), giveUp); err != nil {
			w.Logger.Error("recording a failed delivery", "mail_id", m.ID, "err", err.Error())
		}
		if giveUp {
			w.Logger.Error("mail given up after repeated failures", "mail_id", m.ID, "to", m.To, "subject", m.Subject, "attempts", m.Attempts, "err", serr.Error())
		} else {
			w.Logger.Warn("mail delivery failed, will retry", "mail_id", m.ID, "to", m.To, "attempt", m.Attempts, "retry_at", next, "err", serr.Error())
		}
	}
	return sent, failed, nil
}

// Run drains the outbox every Poll until ctx is done. A full batch is
// followed at once by the next one.
func (w *Worker) Run(ctx context.Context) {
	w.defaults()
	for {
		sent, failed, err := w.RunOnce(ctx)
		if err != nil && ctx.Err() == nil {
			w.Logger.Error("mail outbox", "err", err.Error())
		}
		if err == nil && sent+failed == w.Batch {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(w.Poll):
		}
	}
}
