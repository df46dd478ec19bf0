package store

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sort"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
)

// Fulfilment: status changes (ship, deliver, cancel with refund), the
// admin order detail with its history, and the customer list.
//
// History is written by database triggers (migration
// 20261130120000_fulfilment): every INSERT of an order and every UPDATE of
// its status or payment status adds an order_events row in the same
// transaction, whichever code path makes the change (checkout included).
// The actor is taken from orders.status_actor_id/_role, which every status
// change here sets; NULL (checkout) means the order's own customer.

// shipmentColumns are the orders columns of this file, embedded in orderRow.
type shipmentColumns struct {
	Carrier         string        `bun:"carrier"`
	TrackingNumber  string        `bun:"tracking_number"`
	ShippedAt       sql.NullTime  `bun:"shipped_at"`
	StatusActorID   sql.NullInt64 `bun:"status_actor_id"`
	StatusActorRole *string       `bun:"status_actor_role"`
}

func (c shipmentColumns) shipment() *domain.Shipment {
	if !c.ShippedAt.Valid {
		return nil
	}
	return &domain.Shipment{Carrier: c.Carrier, TrackingNumber: c.TrackingNumber, ShippedAt: c.ShippedAt.Time.UTC()}
}

type orderEventRow struct {
	bun.BaseModel `bun:"table:order_events,alias:ev"`

	ID        int64         `bun:"id,pk,autoincrement"`
	OrderID   int64         `bun:"order_id"`
	Kind      string        `bun:"kind"`
	ActorID   sql.NullInt64 `bun:"actor_id"`
	ActorRole string        `bun:"actor_role"`
	CreatedAt time.Time     `bun:"created_at"`

	ActorEmail sql.NullString `bun:"actor_email,scanonly"`
}

// addCardBrands fills Payment.Brand from each order's charge.
func (s *Store) addCardBrands(ctx context.Context, db bun.IDB, orders []domain.Order) error {
	if len(orders) == 0 {
		return nil
	}
	ids := make([]int64, len(orders))
	for i, o := range orders {
		ids[i] = o.ID
	}
	var charges []paymentRow
	if err := db.NewSelect().Model(&charges).Column("order_id", "brand").
		Where("order_id IN (?) AND kind = 'charge'", bun.List(ids)).Scan(ctx); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return internal("card brands", err)
	}
	brand := map[int64]string{}
	for _, c := range charges {
		brand[c.OrderID] = c.Brand
	}
	for i := range orders {
		orders[i].Payment.Brand = brand[orders[i].ID]
	}
	return nil
}

func (s adminService) UpdateOrderStatus(ctx context.Context, id int64, by domain.Actor, in domain.OrderStatusUpdate) (*domain.Order, error) {
	in.TrackingNumber = domain.NormalizeTrackingNumber(in.TrackingNumber)
	return s.changeStatus(ctx, id, 0, by, in)
}

// changeStatus moves an order (the owner's when ownerID > 0) to in.Status
// along domain.CanTransition, in one transaction:
//
//  1. claim the move with a conditional UPDATE ... WHERE status IN
//     (allowed sources). It sets the status, who did it (for the history
//     triggers), the shipment when shipping, and payment_status=refunded
//     when cancelling a paid order. On PostgreSQL it also locks the row:
//     a concurrent or repeated change of the same order waits here until
//     this transaction ends, then finds the new status and gets ECONFLICT;
//     on SQLite transactions are serial anyway. So at most one
//     cancellation of an order ever reaches step 3;
//  2. cancelling restores the stock of every item (ascending product id,
//     the lock order of checkout);
//  3. cancelling a paid order refunds the charge through the provider,
//     INSIDE the transaction, last, then records the refund. If the
//     provider fails, everything rolls back: order, stock and payments
//     are unchanged and the caller gets EPAYMENTFAILED ("not cancelled")
//     and may retry. If the provider refunded but the commit then fails,
//     the order stays paid and a retry refunds again: the provider
//     contract (domain.PaymentProvider.Refund) makes that second refund of
//     the same charge a no-op, so money moves once;
//  4. shipping and cancelling queue the customer's e-mail
//     (Options.OrderMails) in the same transaction, after the refund: a
//     failure to queue it is one more way for the commit to fail, handled
//     as above.
//
// The alternative, committing the cancellation and refunding afterwards
// (an outbox), would leave a cancelled but unrefunded order whenever the
// provider fails, and a worker to finish it; the price of this choice is
// that the order row stays locked for the duration of the refund call.
func (s *Store) changeStatus(ctx context.Context, orderID, ownerID int64, by domain.Actor, in domain.OrderStatusUpdate) (*domain.Order, error) {
	to := in.Status
	var from []string
	for _, st := range []domain.OrderStatus{domain.OrderPending, domain.OrderPaid, domain.OrderShipped, domain.OrderDelivered, domain.OrderCancelled} {
		if domain.CanTransition(st, to) {
			from = append(from, string(st))
		}
	}
	var (
		order    *domain.Order
		refunded bool
		chargeID string
	)
	if err := s.readyOrderMail(ctx); err != nil {
		return nil, err
	}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		refunded = false
		current, err := s.order(ctx, tx, orderID, ownerID)
		if err != nil {
			return err
		}
		if len(from) == 0 {
			return domain.Conflict("an order cannot move from %s to %s", current.Status, to)
		}
		// 1. Claim.
		now := s.timestamp()
		q := tx.NewUpdate().Model((*orderRow)(nil)).
			Set("status = ?", string(to)).Set("updated_at = ?", now).
			Set("status_actor_id = ?", sql.NullInt64{Int64: by.UserID, Valid: by.UserID > 0}).
			Set("status_actor_role = ?", string(by.Role)).
			Where("id = ? AND status IN (?)", orderID, bun.List(from))
		if ownerID > 0 {
			q = q.Where("user_id = ?", ownerID)
		}
		switch to {
		case domain.OrderShipped:
			q = q.Set("carrier = ?", in.Carrier).Set("tracking_number = ?", in.TrackingNumber).Set("shipped_at = ?", now)
		case domain.OrderCancelled:
			q = q.Set("payment_status = CASE WHEN payment_status = ? THEN ? ELSE payment_status END",
				string(domain.PaymentSucceeded), string(domain.PaymentRefunded))
		}
		res, err := q.Exec(ctx)
		if err != nil {
			return internal("update order status", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// Re-read: a concurrent change may have won.
			if cur, err := s.order(ctx, tx, orderID, ownerID); err == nil {
				current = cur
			}
			return domain.Conflict("an order cannot move from %s to %s", current.Status, to)
		}
		if to == domain.OrderCancelled {
			// 2. Stock.
			if err := s.restoreStock(ctx, tx, current.Items); err != nil {
				return err
			}
			// 3. Refund (current was read before the claim; a paid order
			// cannot have changed payment status without changing status,
			// which the claim would have refused).
			if current.Payment.Status == domain.PaymentSucceeded {
				if chargeID, err = s.refundCharge(ctx, tx, orderID, now); err != nil {
					return err
				}
				refunded = true
			}
		}
		if order, err = s.order(ctx, tx, orderID, ownerID); err != nil {
			return err
		}
		// 4. The customer's e-mail, committed with the change.
		var kind domain.OrderMailKind
		switch to {
		case domain.OrderShipped:
			kind = domain.OrderMailShipped
		case domain.OrderCancelled:
			kind = domain.OrderMailCancelled
		default:
			return nil
		}
		name, err := s.accountName(ctx, tx, order)
		if err != nil {
			return err
		}
		return s.queueOrderMail(ctx, tx, kind, order, name)
	})
	if err != nil {
		if refunded {
			slog.Error("an order's charge was refunded but its cancellation did not commit; a retry will not refund again",
				"order_id", orderID, "charge_id", chargeID, "err", err)
		}
		return nil, err
	}
	return order, nil
}

// restoreStock puts an order's items back in stock. Like a sale, it
// leaves the products' updated_at (their last edit) alone.
func (s *Store) restoreStock(ctx context.Context, tx bun.Tx, items []domain.OrderItem) error {
	items = append([]domain.OrderItem(nil), items...)
	sort.Slice(items, func(i, j int) bool { return items[i].ProductID < items[j].ProductID })
	for _, it := range items {
		if _, err := tx.NewUpdate().Model((*productRow)(nil)).
			Set("stock = stock + ?", it.Quantity).
			Where("id = ?", it.ProductID).Exec(ctx); err != nil {
			return internal("restore stock", err)
		}
	}
	return nil
}

// refundCharge refunds an order's charge through the provider and records
// the refund (see changeStatus for where this sits and why). It returns
// the charge id.
func (s *Store) refundCharge(ctx context.Context, tx bun.Tx, orderID int64, now time.Time) (string, error) {
	var charge paymentRow
	err := tx.NewSelect().Model(&charge).Where("order_id = ? AND kind = 'charge'", orderID).
		OrderExpr("id DESC").Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil // paid without a charge record: nothing to give back
	}
	if err != nil {
		return "", internal("read charge", err)
	}
	if err := s.payments.Refund(ctx, charge.ChargeID, s.money(charge.Amount)); err != nil {
		slog.Warn("refund failed; the order was not cancelled", "order_id", orderID, "charge_id", charge.ChargeID, "err", err)
		return "", &domain.Error{Code: domain.EPAYMENTFAILED,
			Message: "the refund did not go through, so the order was not cancelled; nothing changed, try again later"}
	}
	refund := &paymentRow{OrderID: orderID, Kind: "refund", ChargeID: charge.ChargeID, Amount: -charge.Amount,
		Currency: charge.Currency, Last4: charge.Last4, Brand: charge.Brand, CreatedAt: now}
	if _, err := tx.NewInsert().Model(refund).Exec(ctx); err != nil {
		return charge.ChargeID, internal("insert refund", err)
	}
	return charge.ChargeID, nil
}

// Order is the admin's view of one order.
func (s adminService) Order(ctx context.Context, id int64) (*domain.OrderDetail, error) {
	orders, err := s.ordersWhere(ctx, s.db, true, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("o.id = ?", id)
	})
	if err != nil {
		return nil, err
	}
	if len(orders) == 0 {
		return nil, domain.NotFound("order not found")
	}
	d := &domain.OrderDetail{Order: orders[0], History: []domain.OrderEvent{}}

	var pays []paymentRow
	if err := s.db.NewSelect().Model(&pays).Where("order_id = ?", id).OrderExpr("id ASC").Scan(ctx); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal("order payments", err)
	}
	for _, p := range pays {
		rec := &domain.PaymentRecord{Reference: p.ChargeID, Amount: domain.Money{Amount: abs(p.Amount), Currency: p.Currency},
			Brand: p.Brand, Last4: p.Last4, At: p.CreatedAt.UTC()}
		if p.Kind == "refund" {
			d.Refund = rec
		} else {
			d.Charge = rec
		}
	}

	var events []orderEventRow
	err = s.db.NewSelect().Model(&events).ColumnExpr("ev.*").ColumnExpr("u.email AS actor_email").
		Join("LEFT JOIN users AS u ON u.id = ev.actor_id").
		Where("ev.order_id = ?", id).OrderExpr("ev.created_at ASC, ev.id ASC").Scan(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal("order history", err)
	}
	for _, e := range events {
		ev := domain.OrderEvent{Kind: domain.OrderEventKind(e.Kind), At: e.CreatedAt.UTC(),
			Actor: domain.EventActor{Role: e.ActorRole, Email: e.ActorEmail.String}}
		if e.ActorID.Valid {
			id := e.ActorID.Int64
			ev.Actor.ID = &id
		} else if e.ActorRole == string(domain.RoleCustomer) && d.Order.UserID == 0 {
			// A guest order's own customer is known by the e-mail given
			// at checkout.
			ev.Actor.Email = d.Order.Email
		}
		d.History = append(d.History, ev)
	}
	return d, nil
}

func abs(n int64) int64 {
	if n < 0 {
		return -n
	}
	return n
}

func (s adminService) ListCustomers(ctx context.Context, f domain.CustomerFilter) (*domain.Page[domain.CustomerSummary], error) {
	p := f.Pagination()
	where := func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("u.role = ?", string(domain.RoleCustomer))
		if f.Query != nil && strings.TrimSpace(*f.Query) != "" {
			pat := likePattern(strings.TrimSpace(*f.Query))
			q = q.Where(`(lower(u.email) LIKE ? ESCAPE '\' OR lower(u.name) LIKE ? ESCAPE '\')`, pat, pat)
		}
		return q
	}
	total, err := countOf(where(s.db.NewSelect().Model((*userRow)(nil))).Count(ctx))
	if err != nil {
		return nil, internal("count customers", err)
	}
	var rows []struct {
		ID         int64     `bun:"id"`
		Email      string    `bun:"email"`
		Name       string    `bun:"name"`
		Role       string    `bun:"role"`
		CreatedAt  time.Time `bun:"created_at"`
		OrderCount int       `bun:"order_count"`
	}
	err = where(s.db.NewSelect().Model((*userRow)(nil)).
		ColumnExpr("u.id, u.email, u.name, u.role, u.created_at").
		ColumnExpr("(SELECT count(*) FROM orders AS o WHERE o.user_id = u.id) AS order_count")).
		OrderExpr("u.id ASC").Apply(paginate(p)).Scan(ctx, &rows)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal("list customers", err)
	}
	out := make([]domain.CustomerSummary, len(rows))
	for i := range rows {
		r := rows[i]
		out[i] = domain.CustomerSummary{OrderCount: r.OrderCount, User: domain.User{ID: r.ID, Email: r.Email, Name: r.Name,
			Role: domain.Role(r.Role), CreatedAt: r.CreatedAt.UTC()}}
	}
	return domain.NewPage(out, p, total), nil
}
