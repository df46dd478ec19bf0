package store

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
)

type outboxRow struct {
	bun.BaseModel `bun:"table:mail_outbox,alias:mo"`

	ID            int64      `bun:"id,pk,autoincrement"`
	Recipient     string     `bun:"recipient"`
	Subject       string     `bun:"subject"`
	TextBody      string     `bun:"text_body"`
	HTMLBody      string     `bun:"html_body"`
	Attempts      int        `bun:"attempts"`
	NextAttemptAt time.Time  `bun:"next_attempt_at"`
	ClaimedUntil  *time.Time `bun:"claimed_until"`
	SentAt        *time.Time `bun:"sent_at"`
	FailedAt      *time.Time `bun:"failed_at"`
	LastError     string     `bun:"last_error"`
	CreatedAt     time.Time  `bun:"created_at"`
}

type mailService struct{ *Store }

var _ domain.MailService = mailService{}

func (s mailService) Enqueue(ctx context.Context, msg domain.MailMessage) error {
	return s.enqueue(ctx, s.db, msg)
}

// enqueue inserts msg through db, so a caller's transaction can commit a
// message together with what it is about.
func (s *Store) enqueue(ctx context.Context, db bun.IDB, msg domain.MailMessage) error {
	now := s.timestamp()
	row := &outboxRow{Recipient: msg.To, Subject: msg.Subject, TextBody: msg.Text, HTMLBody: msg.HTML,
		NextAttemptAt: now, CreatedAt: now}
	if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
		return internal("queue mail", err)
	}
	return nil
}

// due selects messages neither sent nor given up on, whose time has come
// and whose lease (if any) has run out.
func due(q *bun.SelectQuery, now time.Time) *bun.SelectQuery {
	return q.Where("sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= ?", now).
		Where("(claimed_until IS NULL OR claimed_until <= ?)", now)
}

func (s mailService) ClaimMail(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]domain.OutboxMessage, error) {
	now = now.UTC().Truncate(time.Microsecond)
	if limit <= 0 {
		limit = 10
	}
	var rows []outboxRow
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var ids []int64
		q := due(tx.NewSelect().Model((*outboxRow)(nil)).Column("id"), now).OrderExpr("next_attempt_at ASC, id ASC").Limit(int64(limit))
		if s.pg {
			// Replicas claiming at once skip each other's rows instead of
			// waiting; the lease then keeps them off until it runs out.
			// (SQLite has one writer: the transaction is serial anyway.)
			q = q.For("UPDATE SKIP LOCKED")
		}
		if err := q.Scan(ctx, &ids); err != nil {
			return internal("select due mail", err)
		}
		if len(ids) == 0 {
			return nil
		}
		if _, err := tx.NewUpdate().Model((*outboxRow)(nil)).
			Set("claimed_until = ?", now.Add(lease)).Set("attempts = attempts + 1").
			Where("id IN (?)", bun.List(ids)).Exec(ctx); err != nil {
			return internal("claim mail", err)
		}
		if err := tx.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).OrderExpr("id ASC").Scan(ctx); err != nil {
			return internal("read claimed mail", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]domain.OutboxMessage, len(rows))
	for i, r := range rows {
		out[i] = domain.OutboxMessage{ID: r.ID, Attempts: r.Attempts,
			MailMessage: domain.MailMessage{To: r.Recipient, Subject: r.Subject, Text: r.TextBody, HTML: r.HTMLBody}}
	}
	return out, nil
}

func (s mailService) MarkMailSent(ctx context.Context, id int64, now time.Time) error {
	_, err := s.db.NewUpdate().Model((*outboxRow)(nil)).
		Set("sent_at = ?", now.UTC().Truncate(time.Microsecond)).Set("claimed_until = NULL").Set("last_error = ''").
		Where("id = ?", id).Exec(ctx)
	return internal("mark mail sent", err)
}

// maxErrorLen bounds the stored SMTP error.
const maxErrorLen = 1000

func (s mailService) MarkMailFailed(ctx context.Context, id int64, now, next time.Time, lastError string, giveUp bool) error {
	if utf8.RuneCountInString(lastError) > maxErrorLen {
		lastError = string([]rune(lastError)[:maxErrorLen])
	}
	lastError = strings.ToValidUTF8(strings.ReplaceAll(lastError, "\x00", ""), "?")
	q := s.db.NewUpdate().Model((*outboxRow)(nil)).
		Set("claimed_until = NULL").Set("next_attempt_at = ?", next.UTC().Truncate(time.Microsecond)).Set("last_error = ?", lastError).
		Where("id = ?", id)
	if giveUp {
		q = q.Set("failed_at = ?", now.UTC().Truncate(time.Microsecond))
	}
	_, err := q.Exec(ctx)
	return internal("mark mail failed", err)
}
