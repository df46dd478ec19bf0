package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
)

type orderRow struct {
	bun.BaseModel `bun:"table:orders,alias:o"`

	ID             int64     `bun:"id,pk,autoincrement"`
	UserID         int64     `bun:"user_id,nullzero"` // NULL for a guest order
	Email          string    `bun:"email"`
	Status         string    `bun:"status"`
	Currency       string    `bun:"currency"`
	Subtotal       int64     `bun:"subtotal"`
	Shipping       int64     `bun:"shipping"`
	Total          int64     `bun:"total"`
	ShippingMethod string    `bun:"shipping_method"`
	ShipName       string    `bun:"ship_name"`
	ShipLine1      string    `bun:"ship_line1"`
	ShipLine2      string    `bun:"ship_line2"`
	ShipCity       string    `bun:"ship_city"`
	ShipRegion     string    `bun:"ship_region"`
	ShipPostalCode string    `bun:"ship_postal_code"`
	ShipCountry    string    `bun:"ship_country"`
	ShipPhone      string    `bun:"ship_phone"`
	PaymentLast4   string    `bun:"payment_last4"`
	PaymentStatus  string    `bun:"payment_status"`
	CreatedAt      time.Time `bun:"created_at"`
	UpdatedAt      time.Time `bun:"updated_at"`
	shipmentColumns

	CustomerEmail string `bun:"customer_email,scanonly"`
	CustomerName  string `bun:"customer_name,scanonly"`
}

type orderItemRow struct {
	bun.BaseModel `bun:"table:order_items,alias:oi"`

	ID        int64  `bun:"id,pk,autoincrement"`
	OrderID   int64  `bun:"order_id"`
	ProductID int64  `bun:"product_id"`
	SKU       string `bun:"sku"`
	Name      string `bun:"name"`
	UnitPrice int64  `bun:"unit_price"`
	Quantity  int    `bun:"quantity"`
	LineTotal int64  `bun:"line_total"`
}

type paymentRow struct {
	bun.BaseModel `bun:"table:payments,alias:pay"`

	ID        int64     `bun:"id,pk,autoincrement"`
	OrderID   int64     `bun:"order_id"`
	Kind      string    `bun:"kind"`
	ChargeID  string    `bun:"charge_id"`
	Amount    int64     `bun:"amount"`
	Currency  string    `bun:"currency"`
	Last4     string    `bun:"last4"`
	Brand     string    `bun:"brand"`
	CreatedAt time.Time `bun:"created_at"`
}

type idempotencyRow struct {
	bun.BaseModel `bun:"table:idempotency_keys,alias:ik"`

	UserID      int64         `bun:"user_id,pk"`
	Key         string        `bun:"key,pk"`
	Fingerprint string        `bun:"fingerprint"`
	OrderID     sql.NullInt64 `bun:"order_id"`
	CreatedAt   time.Time     `bun:"created_at"`
}

func (r *orderRow) domain(items []orderItemRow, withCustomer bool) domain.Order {
	m := func(a int64) domain.Money { return domain.Money{Amount: a, Currency: r.Currency} }
	o := domain.Order{
		ID: r.ID, UserID: r.UserID, Email: r.Email, Status: domain.OrderStatus(r.Status),
		Items:    make([]domain.OrderItem, 0, len(items)),
		Subtotal: m(r.Subtotal), Shipping: m(r.Shipping), Total: m(r.Total),
		ShippingAddress: domain.Address{Name: r.ShipName, Line1: r.ShipLine1, Line2: r.ShipLine2, City: r.ShipCity,
			Region: r.ShipRegion, PostalCode: r.ShipPostalCode, Country: r.ShipCountry, Phone: r.ShipPhone},
		ShippingMethod: r.ShippingMethod,
		Payment:        domain.OrderPayment{Last4: r.PaymentLast4, Status: domain.PaymentStatus(r.PaymentStatus)},
		CreatedAt:      r.CreatedAt.UTC(),
		UpdatedAt:      r.UpdatedAt.UTC(),
	}
	for _, it := range items {
		o.Items = append(o.Items, domain.OrderItem{ProductID: it.ProductID, SKU: it.SKU, Name: it.Name,
			UnitPrice: m(it.UnitPrice), Quantity: it.Quantity, LineTotal: m(it.LineTotal)})
	}
	if withCustomer {
		o.Customer = &domain.CustomerRef{ID: r.UserID, Email: r.CustomerEmail, Name: r.CustomerName}
	}
	o.Shipment = r.shipment()
	return o
}

// ordersWhere loads orders (with their items) in the given order.
func (s *Store) ordersWhere(ctx context.Context, db bun.IDB, withCustomer bool, apply func(*bun.SelectQuery) *bun.SelectQuery) ([]domain.Order, error) {
	var rows []orderRow
	q := db.NewSelect().Model(&rows).ColumnExpr("o.*")
	if withCustomer {
		// A guest order has no user: its customer is its contact e-mail.
		q = q.ColumnExpr("COALESCE(u.email, o.email) AS customer_email, COALESCE(u.name, '') AS customer_name").
			Join("LEFT JOIN users AS u ON u.id = o.user_id")
	}
	if err := apply(q).Scan(ctx); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal("list orders", err)
	}
	if len(rows) == 0 {
		return []domain.Order{}, nil
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	var items []orderItemRow
	if err := db.NewSelect().Model(&items).Where("order_id IN (?)", bun.List(ids)).OrderExpr("id ASC").Scan(ctx); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, internal("order items", err)
	}
	byOrder := map[int64][]orderItemRow{}
	for _, it := range items {
		byOrder[it.OrderID] = append(byOrder[it.OrderID], it)
	}
	out := make([]domain.Order, len(rows))
	for i := range rows {
		out[i] = rows[i].domain(byOrder[rows[i].ID], withCustomer)
	}
	return out, s.addCardBrands(ctx, db, out)
}

func (s *Store) order(ctx context.Context, db bun.IDB, id int64, userID int64) (*domain.Order, error) {
	orders, err := s.ordersWhere(ctx, db, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = q.Where("o.id = ?", id)
		if userID > 0 {
			q = q.Where("o.user_id = ?", userID)
		}
		return q
	})
	if err != nil {
		return nil, err
	}
	if len(orders) == 0 {
		return nil, domain.NotFound("order not found")
	}
	return &orders[0], nil
}

type orderService struct{ *Store }

var _ domain.OrderService = orderService{}

func (s orderService) ShippingMethods(ctx context.Context) ([]domain.ShippingMethod, error) {
	return domain.ShippingMethods(s.currency), nil
}

// PlaceOrder checks out the user's cart. Everything happens in ONE
// transaction, in this order:
//
//  1. claim the idempotency key: INSERT ... ON CONFLICT DO NOTHING on the
//     (user, key) primary key. A concurrent request with the same key blocks
//     here until the first one commits or rolls back (PostgreSQL waits on
//     the conflicting uncommitted row; SQLite has one writer). If the key
//     is taken, return its order (same fingerprint) or EINVALID;
//  2. re-read the cart and the current prices;
//  3. decrement stock per product (ascending product id, so concurrent
//     checkouts lock rows in the same order and cannot deadlock) with
//     UPDATE ... SET stock = stock - q WHERE id = ? AND stock >= q: zero rows
//     affected is EINSUFFICIENTSTOCK;
//  4. insert the order (paid: a failed charge rolls it back) and its items;
//  5. charge the card: the last step that can fail for business reasons,
//     taken while the stock rows are locked, so a declined or failed charge
//     just rolls everything back (no order, stock unchanged, key free for a
//     retry) and a successful one cannot be oversold;
//  6. record the payment, point the key at the order, empty the cart,
//     queue the confirmation e-mail (Options.OrderMails), commit.
//
// If the commit fails after a successful charge, the charge is refunded
// (and logged if even that fails). The price of this design is that row
// locks on the bought products are held for the duration of the charge.
func (s orderService) PlaceOrder(ctx context.Context, userID int64, in domain.PlaceOrderInput) (*domain.Order, bool, error) {
	in.ShippingAddress.Normalize()
	owner, err := newCheckoutOwner(userID, in)
	if err != nil {
		return nil, false, err
	}
	if in.Fingerprint == "" {
		in.Fingerprint = in.ComputeFingerprint()
	}
	method, _ := domain.FindShippingMethod(in.ShippingMethod, s.currency)

	co := &checkout{orderService: s, owner: owner, in: in, userID: userID, method: method}
	if owner.guest() {
		if err := s.readyOrderMail(ctx); err != nil {
			return nil, false, err
		}
	}
	var (
		order   *domain.Order
		created bool
	)
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		co.tx, co.now = tx, s.timestamp()
		// 1. The idempotency key (the user's, or the guest cart's).
		prevOrderID, err := s.claimKey(ctx, tx, owner, in, co.now)
		if err != nil {
			return err
		}
		if prevOrderID != 0 {
			order, err = s.order(ctx, tx, prevOrderID, userID)
			return err
		}
		if co.email, co.name, err = owner.contact(ctx, tx, in); err != nil {
			return err
		}
		for _, step := range []func(context.Context) error{co.readCart, co.reserveStock, co.insertOrder, co.chargeCard, co.finish} {
			if err := step(ctx); err != nil {
				return err
			}
		}
		// The answer is built from the rows this transaction wrote, not
		// read back: three statements fewer on the money path
		// (TestPlacedOrderIsTheStoredOrder holds it to what Order reads).
		order, created = co.placed(), true
		// The confirmation commits with the order, or neither does.
		return s.queueOrderMail(ctx, tx, domain.OrderMailPlaced, order, co.name)
	})
	if err != nil {
		if co.charge != nil {
			// Charged, but the order did not commit: give the money back.
			if rerr := s.payments.Refund(context.WithoutCancel(ctx), co.charge.ChargeID, co.charged); rerr != nil {
				slog.Error("refund after failed checkout commit", "charge_id", co.charge.ChargeID, "err", rerr)
			}
		}
		return nil, false, s.withCurrentCart(ctx, userID, err)
	}
	if co.shownMoved {
		// After the commit: a read in between cannot cache the old stock
		// under the new version.
		s.catalogChanged()
	}
	return order, created, nil
}

// checkout is one PlaceOrder inside its transaction: what the steps
// (readCart, reserveStock, insertOrder, chargeCard, finish, in that order)
// read and leave for the next one.
type checkout struct {
	orderService
	owner  checkoutOwner
	in     domain.PlaceOrderInput
	userID int64
	method domain.ShippingMethod

	tx    bun.Tx
	now   time.Time
	email string // the order's contact address
	name  string // and the account's name ("" for a guest)

	cart       int64      // the cart's id (0: none)
	lines      []cartLine // by product id: rows are locked in that order
	subtotal   int64
	shownMoved bool // a line's stock as the catalog shows it changed
	row        *orderRow
	items      []orderItemRow
	charge     *domain.PaymentResult // set once the card is charged
	charged    domain.Money
}

// placed is the order as the finished transaction left it: what Order
// would read back once it commits.
func (c *checkout) placed() *domain.Order {
	o := c.row.domain(c.items, false)
	o.Payment.Brand = c.charge.Brand
	return &o
}

// readCart is step 2: the cart at current prices, in ascending product id
// order, checked against the total the customer was shown.
func (c *checkout) readCart(ctx context.Context) error {
	var err error
	if c.cart, c.lines, err = c.cartLinesOf(ctx, c.tx, c.owner.cartKey()); err != nil {
		return err
	}
	if len(c.lines) == 0 {
		return domain.InvalidFields(map[string]string{"cart": "is empty"})
	}
	sort.Slice(c.lines, func(i, j int) bool { return c.lines[i].ProductID < c.lines[j].ProductID })
	// What the customer was shown, against the cart as read here.
	return checkExpectedTotal(*c.in.ExpectedTotal, c.lines, c.method.Price.Amount)
}

// reserveStock is step 3: one conditional decrement per line, which also
// locks the product row and reads the price charged from it; then the
// shown total again, with those prices.
func (c *checkout) reserveStock(ctx context.Context) error {
	for i, l := range c.lines {
		if !l.Active {
			return domain.InsufficientStock("%s is no longer available", l.Name)
		}
		// RETURNING the price reads it from the row this UPDATE has
		// locked: the price charged is the price at decrement time. A sale
		// sets stock alone (updated_at is the last edit), so the catalog
		// triggers notify only when the shown stock changes, and the
		// query hook leaves the version to PlaceOrder (stockSale).
		var price int64
		var left int
		err := c.tx.NewUpdate().Model((*productRow)(nil)).
			Set("stock = stock - ?", l.Quantity).
			Where("id = ? AND stock >= ? AND active", l.ProductID, l.Quantity).
			Returning("price, stock").Scan(stockSale(ctx), &price, &left)
		if errors.Is(err, sql.ErrNoRows) || isCheckViolation(err) {
			return domain.InsufficientStock("not enough %s in stock", l.Name)
		}
		if err != nil {
			return internal("decrement stock", err)
		}
		c.lines[i].Price = price
		c.subtotal += price * int64(l.Quantity)
		if domain.ShownStock(left) != domain.ShownStock(left+l.Quantity) {
			c.shownMoved = true
		}
	}
	// Again with the prices read from the locked rows: a price changed
	// since readCart is a changed cart too (the UPDATEs roll back).
	return checkExpectedTotal(*c.in.ExpectedTotal, c.lines, c.method.Price.Amount)
}

// insertOrder is step 4: the order and its items. The order is written
// once, already paid: no one outside this transaction sees it before the
// commit, and a failed charge (step 5) rolls it back with everything else
// (migration 20261130170000_order_written_once: its history still says
// placed, then paid).
func (c *checkout) insertOrder(ctx context.Context) error {
	a := c.in.ShippingAddress
	c.row = &orderRow{UserID: c.userID, Email: c.email, Status: string(domain.OrderPaid), Currency: c.currency,
		PaymentLast4: c.in.Payment.Last4(), PaymentStatus: string(domain.PaymentSucceeded),
		Subtotal: c.subtotal, Shipping: c.method.Price.Amount, Total: c.subtotal + c.method.Price.Amount,
		ShippingMethod: c.method.Code, ShipName: a.Name, ShipLine1: a.Line1, ShipLine2: a.Line2, ShipCity: a.City,
		ShipRegion: a.Region, ShipPostalCode: a.PostalCode, ShipCountry: a.Country, ShipPhone: a.Phone,
		CreatedAt: c.now, UpdatedAt: c.now}
	if _, err := c.tx.NewInsert().Model(c.row).Returning("id").Exec(ctx); err != nil {
		return internal("insert order", err)
	}
	c.items = make([]orderItemRow, len(c.lines))
	for i, l := range c.lines {
		c.items[i] = orderItemRow{OrderID: c.row.ID, ProductID: l.ProductID, SKU: l.SKU, Name: l.Name,
			UnitPrice: l.Price, Quantity: l.Quantity, LineTotal: l.Price * int64(l.Quantity)}
	}
	if _, err := c.tx.NewInsert().Model(&c.items).Exec(ctx); err != nil {
		return internal("insert order items", err)
	}
	return nil
}

// chargeCard is step 5, the last that can fail for business reasons: a
// decline or provider failure rolls everything back.
func (c *checkout) chargeCard(ctx context.Context) error {
	c.charged = c.money(c.row.Total)
	charge, err := c.payments.Charge(ctx, domain.ChargeRequest{
		Amount:         c.charged,
		Card:           c.in.Payment,
		IdempotencyKey: c.owner.chargeKey(c.in.IdempotencyKey),
		Description:    fmt.Sprintf("order %d", c.row.ID),
	})
	if err != nil {
		switch domain.ErrorCode(err) {
		case domain.EPAYMENTDECLINED, domain.EPAYMENTFAILED:
			return err
		}
		return &domain.Error{Code: domain.EPAYMENTFAILED, Message: "the payment provider failed; nothing was charged"}
	}
	c.charge = charge
	return nil
}

// finish is step 6: record the payment (and the card's last digits as
// the provider reports them, if they differ from the number given), point
// the key at the order, empty the cart.
func (c *checkout) finish(ctx context.Context) error {
	last4 := c.row.PaymentLast4
	if c.charge.Last4 != "" && c.charge.Last4 != last4 {
		last4 = c.charge.Last4
		if _, err := c.tx.NewUpdate().Model((*orderRow)(nil)).Set("payment_last4 = ?", last4).
			Where("id = ?", c.row.ID).Exec(ctx); err != nil {
			return internal("record the charged card", err)
		}
		c.row.PaymentLast4 = last4
	}
	pay := &paymentRow{OrderID: c.row.ID, Kind: "charge", ChargeID: c.charge.ChargeID, Amount: c.row.Total,
		Currency: c.currency, Last4: last4, Brand: c.charge.Brand, CreatedAt: c.now}
	if _, err := c.tx.NewInsert().Model(pay).Exec(ctx); err != nil {
		return internal("insert payment", err)
	}
	if err := c.linkKey(ctx, c.tx, c.owner, c.in.IdempotencyKey, c.row.ID); err != nil {
		return err
	}
	if _, err := c.tx.NewDelete().Model((*cartItemRow)(nil)).Where("cart_id = ?", c.cart).Exec(ctx); err != nil {
		return internal("empty cart", err)
	}
	return nil
}

func (s orderService) ListOrders(ctx context.Context, userID int64, p domain.Pagination) (*domain.Page[domain.Order], error) {
	total, err := countOf(s.db.NewSelect().Model((*orderRow)(nil)).Where("user_id = ?", userID).Count(ctx))
	if err != nil {
		return nil, internal("count orders", err)
	}
	orders, err := s.ordersWhere(ctx, s.db, false, func(q *bun.SelectQuery) *bun.SelectQuery {
		return q.Where("o.user_id = ?", userID).OrderExpr("o.created_at DESC, o.id DESC").Apply(paginate(p))
	})
	if err != nil {
		return nil, err
	}
	return domain.NewPage(orders, p, total), nil
}

func (s orderService) Order(ctx context.Context, userID, orderID int64) (*domain.Order, error) {
	return s.order(ctx, s.db, orderID, userID)
}

func (s orderService) CancelOrder(ctx context.Context, userID, orderID int64) (*domain.Order, error) {
	return s.changeStatus(ctx, orderID, userID, domain.Actor{UserID: userID, Role: domain.RoleCustomer},
		domain.OrderStatusUpdate{Status: domain.OrderCancelled})
}
