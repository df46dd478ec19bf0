package store

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
)

// Guest checkout: who owns a checkout (a user or a guest's cart), their
// idempotency keys, and the signed order links (domain.GuestOrderService).

// checkoutOwner is the buyer of a checkout: a user, or a guest known by
// the hash of their cart token.
type checkoutOwner struct {
	userID        int64
	cartToken     string
	cartTokenHash string
}

func newCheckoutOwner(userID int64, in domain.PlaceOrderInput) (checkoutOwner, error) {
	if userID > 0 {
		return checkoutOwner{userID: userID}, nil
	}
	if in.GuestCartToken == "" {
		return checkoutOwner{}, domain.InvalidFields(map[string]string{"cart": "is empty"})
	}
	return checkoutOwner{cartToken: in.GuestCartToken, cartTokenHash: hashToken(in.GuestCartToken)}, nil
}

func (o checkoutOwner) guest() bool { return o.userID == 0 }

func (o checkoutOwner) cartKey() domain.CartKey {
	if o.guest() {
		return domain.CartKey{Token: o.cartToken}
	}
	return domain.CartKey{UserID: o.userID}
}

// chargeKey is the payment provider's idempotency key of a checkout.
func (o checkoutOwner) chargeKey(key string) string {
	if o.guest() {
		return fmt.Sprintf("guest-%s/%s", o.cartTokenHash[:16], key)
	}
	return fmt.Sprintf("user-%d/%s", o.userID, key)
}

// contact is who the order is for: the account's e-mail address and name,
// or the guest's address as given (and no name).
func (o checkoutOwner) contact(ctx context.Context, tx bun.IDB, in domain.PlaceOrderInput) (email, name string, err error) {
	if o.guest() {
		return domain.NormalizeEmail(in.Email), "", nil
	}
	var u struct {
		Email string `bun:"email"`
		Name  string `bun:"name"`
	}
	err = tx.NewSelect().Model((*userRow)(nil)).Column("email", "name").Where("id = ?", o.userID).Scan(ctx, &u)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", domain.Unauthorized("unknown user")
	}
	if err != nil {
		return "", "", internal("read user e-mail", err)
	}
	return u.Email, u.Name, nil
}

type guestIdempotencyRow struct {
	bun.BaseModel `bun:"table:guest_idempotency_keys,alias:gik"`

	CartTokenHash string        `bun:"cart_token_hash,pk"`
	Key           string        `bun:"key,pk"`
	Fingerprint   string        `bun:"fingerprint"`
	OrderID       sql.NullInt64 `bun:"order_id"`
	CreatedAt     time.Time     `bun:"created_at"`
}

// claimKey is step 1 of PlaceOrder for either kind of owner: it claims the
// Idempotency-Key, or, when it was claimed before, returns the earlier
// order's id (same fingerprint) or EINVALID (another request).
func (s *Store) claimKey(ctx context.Context, tx bun.Tx, o checkoutOwner, in domain.PlaceOrderInput, now time.Time) (prevOrderID int64, err error) {
	var (
		res   sql.Result
		prev  func() (string, sql.NullInt64, error)
		owner = fmt.Sprintf("user %d", o.userID)
	)
	if o.guest() {
		owner = "a guest"
		// The e-mail is part of a guest's request: the same key with
		// another address is another request.
		in.Fingerprint = guestFingerprint(in)
		res, err = tx.NewInsert().Model(&guestIdempotencyRow{CartTokenHash: o.cartTokenHash, Key: in.IdempotencyKey,
			Fingerprint: in.Fingerprint, CreatedAt: now}).On("CONFLICT (cart_token_hash, key) DO NOTHING").Exec(ctx)
		prev = func() (string, sql.NullInt64, error) {
			r := new(guestIdempotencyRow)
			err := tx.NewSelect().Model(r).Where("cart_token_hash = ? AND key = ?", o.cartTokenHash, in.IdempotencyKey).Scan(ctx)
			return r.Fingerprint, r.OrderID, err
		}
	} else {
		res, err = tx.NewInsert().Model(&idempotencyRow{UserID: o.userID, Key: in.IdempotencyKey,
			Fingerprint: in.Fingerprint, CreatedAt: now}).On("CONFLICT (user_id, key) DO NOTHING").Exec(ctx)
		prev = func() (string, sql.NullInt64, error) {
			r := new(idempotencyRow)
			err := tx.NewSelect().Model(r).Where("user_id = ? AND key = ?", o.userID, in.IdempotencyKey).Scan(ctx)
			return r.Fingerprint, r.OrderID, err
		}
	}
	if err != nil {
		if isForeignKeyViolation(err) {
			return 0, domain.Unauthorized("unknown user")
		}
		return 0, internal("claim idempotency key", err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return 0, nil
	}
	fp, orderID, err := prev()
	if err != nil {
		return 0, internal("read idempotency key", err)
	}
	if fp != in.Fingerprint {
		return 0, domain.InvalidFields(map[string]string{"idempotency_key": "was already used for a different request"})
	}
	if !orderID.Valid {
		return 0, internal("idempotency key", fmt.Errorf("key of %s has no order", owner))
	}
	return orderID.Int64, nil
}

func guestFingerprint(in domain.PlaceOrderInput) string {
	sum := sha256.Sum256([]byte(in.Fingerprint + "\x00" + domain.NormalizeEmail(in.Email)))
	return hex.EncodeToString(sum[:])
}

// linkKey points a claimed Idempotency-Key at the order it produced.
func (s *Store) linkKey(ctx context.Context, tx bun.Tx, o checkoutOwner, key string, orderID int64) error {
	var err error
	if o.guest() {
		_, err = tx.NewUpdate().Model((*guestIdempotencyRow)(nil)).Set("order_id = ?", orderID).
			Where("cart_token_hash = ? AND key = ?", o.cartTokenHash, key).Exec(ctx)
	} else {
		_, err = tx.NewUpdate().Model((*idempotencyRow)(nil)).Set("order_id = ?", orderID).
			Where("user_id = ? AND key = ?", o.userID, key).Exec(ctx)
	}
	return internal("link idempotency key", err)
}

// The order-link key.

const orderLinkSecret = "order_link_hmac_sha256"

type appSecretRow struct {
	bun.BaseModel `bun:"table:app_secrets,alias:sec"`

	Name      string    `bun:"name,pk"`
	Value     string    `bun:"value"`
	CreatedAt time.Time `bun:"created_at"`
}

// orderLinkKey returns the shop's order-link HMAC key: 32 random bytes
// generated by the first replica that needs it (INSERT ... ON CONFLICT DO
// NOTHING, then read back, so concurrent replicas agree on one).
func (s *Store) orderLinkKey(ctx context.Context) ([]byte, error) {
	if k := s.orderLinkKeyCache.Load(); k != nil {
		return *k, nil
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, internal("generate order link key", err)
	}
	row := &appSecretRow{Name: orderLinkSecret, Value: hex.EncodeToString(raw), CreatedAt: s.timestamp()}
	if _, err := s.db.NewInsert().Model(row).On("CONFLICT (name) DO NOTHING").Exec(ctx); err != nil {
		return nil, internal("store order link key", err)
	}
	var stored appSecretRow
	if err := s.db.NewSelect().Model(&stored).Where("name = ?", orderLinkSecret).Scan(ctx); err != nil {
		return nil, internal("read order link key", err)
	}
	key, err := hex.DecodeString(stored.Value)
	if err != nil || len(key) < 32 {
		return nil, internal("order link key", fmt.Errorf("stored key is malformed"))
	}
	s.orderLinkKeyCache.Store(&key)
	return key, nil
}

type guestOrderService struct{ *Store }

var _ domain.GuestOrderService = guestOrderService{}

func (s guestOrderService) OrderLinkToken(ctx context.Context, orderID int64, expires time.Time) (string, error) {
	n, err := s.db.NewSelect().Model((*orderRow)(nil)).Where("id = ?", orderID).Count(ctx)
	if err != nil {
		return "", internal("find order", err)
	}
	if n == 0 {
		return "", domain.NotFound("order not found")
	}
	key, err := s.orderLinkKey(ctx)
	if err != nil {
		return "", err
	}
	return domain.SignOrderToken(key, orderID, expires), nil
}

func (s guestOrderService) verify(ctx context.Context, token string, now time.Time) (int64, error) {
	key, err := s.orderLinkKey(ctx)
	if err != nil {
		return 0, err
	}
	return domain.VerifyOrderToken(key, token, now)
}

func (s guestOrderService) OrderByLinkToken(ctx context.Context, token string, now time.Time) (*domain.Order, error) {
	id, err := s.verify(ctx, token, now)
	if err != nil {
		return nil, err
	}
	return s.order(ctx, s.db, id, 0)
}

func (s guestOrderService) AdoptOrder(ctx context.Context, userID int64, token string, now time.Time) (*domain.Order, error) {
	id, err := s.verify(ctx, token, now)
	if err != nil {
		return nil, err
	}
	var out *domain.Order
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*orderRow)(nil)).Set("user_id = ?", userID).
			Where("id = ? AND user_id IS NULL", id).Exec(ctx)
		if err != nil {
			if isForeignKeyViolation(err) {
				return domain.Unauthorized("unknown user")
			}
			return internal("adopt order", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			if _, err := s.order(ctx, tx, id, 0); err != nil {
				return err
			}
			return domain.Conflict("this order already belongs to an account")
		}
		out, err = s.order(ctx, tx, id, userID)
		return err
	})
	return out, err
}
