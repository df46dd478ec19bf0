package store

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
)

// queueOrderMail queues the e-mail of an order change through tx, the
// change's own transaction: it is sent if and only if the change commits
// (and a failure to queue it fails the change; a message without a valid
// address is logged and skipped). name is the account's
// name ("" for a guest order). A guest order's message carries a signed
// order link valid for domain.OrderLinkTTL; the caller has loaded the
// order-link key before its transaction (readyOrderMail), so nothing here
// writes outside tx.
func (s *Store) queueOrderMail(ctx context.Context, tx bun.IDB, kind domain.OrderMailKind, o *domain.Order, name string) error {
	if s.mails == nil {
		return nil
	}
	token := ""
	if o.UserID == 0 {
		key, err := s.orderLinkKey(ctx)
		if err != nil {
			return err
		}
		token = domain.SignOrderToken(key, o.ID, s.timestamp().Add(domain.OrderLinkTTL))
	}
	msg := s.mails.OrderMail(kind, o, name, token)
	if err := msg.Validate(); err != nil {
		// An order without a usable contact address (one placed before
		// orders kept theirs): the change stands, someone follows up.
		slog.Error("order e-mail not queued", "order_id", o.ID, "kind", string(kind), "err", err.Error())
		return nil
	}
	return s.enqueue(ctx, tx, msg)
}

// readyOrderMail loads (on first use, generates) the order-link key
// before a transaction that may queue a guest's order e-mail: generating
// it writes through the pool, which inside a write transaction on SQLite
// would wait for that very transaction.
func (s *Store) readyOrderMail(ctx context.Context) error {
	if s.mails == nil {
		return nil
	}
	_, err := s.orderLinkKey(ctx)
	return err
}

// accountName is the name of the order's account ("" for a guest order,
// or an account that is gone), read through tx.
func (s *Store) accountName(ctx context.Context, tx bun.IDB, o *domain.Order) (string, error) {
	if o.UserID == 0 || s.mails == nil {
		return "", nil
	}
	var name string
	err := tx.NewSelect().Model((*userRow)(nil)).Column("name").Where("id = ?", o.UserID).Scan(ctx, &name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", internal("read the order's account", err)
	}
	return name, nil
}
