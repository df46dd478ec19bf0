package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
)

type userRow struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID           int64     `bun:"id,pk,autoincrement"`
	Email        string    `bun:"email"`
	Name         string    `bun:"name"`
	PasswordHash string    `bun:"password_hash"`
	Role         string    `bun:"role"`
	CreatedAt    time.Time `bun:"created_at"`
	UpdatedAt    time.Time `bun:"updated_at"`
}

func (r *userRow) domain() *domain.User {
	return &domain.User{ID: r.ID, Email: r.Email, Name: r.Name, Role: domain.Role(r.Role), CreatedAt: r.CreatedAt.UTC()}
}

type sessionRow struct {
	bun.BaseModel `bun:"table:sessions,alias:s"`

	ID        int64     `bun:"id,pk,autoincrement"`
	TokenHash string    `bun:"token_hash"`
	UserID    int64     `bun:"user_id"`
	ExpiresAt time.Time `bun:"expires_at"`
	CreatedAt time.Time `bun:"created_at"`
}

type addressRow struct {
	bun.BaseModel `bun:"table:addresses,alias:a"`

	ID         int64     `bun:"id,pk,autoincrement"`
	UserID     int64     `bun:"user_id"`
	Name       string    `bun:"name"`
	Line1      string    `bun:"line1"`
	Line2      string    `bun:"line2"`
	City       string    `bun:"city"`
	Region     string    `bun:"region"`
	PostalCode string    `bun:"postal_code"`
	Country    string    `bun:"country"`
	Phone      string    `bun:"phone"`
	CreatedAt  time.Time `bun:"created_at"`
}

func (r *addressRow) domain() domain.Address {
	return domain.Address{ID: r.ID, Name: r.Name, Line1: r.Line1, Line2: r.Line2, City: r.City,
		Region: r.Region, PostalCode: r.PostalCode, Country: r.Country, Phone: r.Phone}
}

// hashToken is how tokens (session and guest cart) are stored: a database
// leak does not hand out live sessions.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

type accountService struct{ *Store }

var _ domain.AccountService = accountService{}

func (s accountService) Register(ctx context.Context, in domain.RegisterInput) (*domain.User, *domain.Session, error) {
	in.Normalize()
	hash, err := hashPassword(in.Password, s.pw)
	if err != nil {
		return nil, nil, internal("hash password", err)
	}
	var (
		user *domain.User
		sess *domain.Session
	)
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.timestamp()
		row := &userRow{Email: in.Email, Name: in.Name, PasswordHash: hash, Role: string(domain.RoleCustomer), CreatedAt: now, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
			if isUniqueViolation(err) {
				return &domain.Error{Code: domain.ECONFLICT, Message: "an account with this e-mail already exists",
					Fields: map[string]string{"email": "is already registered"}}
			}
			return internal("insert user", err)
		}
		user = row.domain()
		sess, err = s.createSession(ctx, tx, row.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return user, sess, nil
}

// dummyHash makes a login with an unknown e-mail cost as much as one with
// a wrong password (no account enumeration by timing).
var (
	dummyHashOnce sync.Once
	dummyHash     string
)

func (s accountService) Login(ctx context.Context, in domain.LoginInput) (*domain.User, *domain.Session, error) {
	email := domain.NormalizeEmail(in.Email)
	row := new(userRow)
	err := s.db.NewSelect().Model(row).Where("email = ?", email).Limit(1).Scan(ctx)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, nil, internal("find user", err)
	}
	found := err == nil
	hash := row.PasswordHash
	if !found {
		dummyHashOnce.Do(func() { dummyHash, _ = hashPassword("not a password", s.pw) })
		hash = dummyHash
	}
	ok, cerr := checkPassword(in.Password, hash)
	if cerr != nil && found {
		return nil, nil, internal("check password", cerr)
	}
	if !found || !ok {
		return nil, nil, domain.Unauthorized("wrong e-mail or password")
	}
	var sess *domain.Session
	err = s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// Expired sessions of this user go when they log in again.
		if _, err := tx.NewDelete().Model((*sessionRow)(nil)).
			Where("user_id = ? AND expires_at <= ?", row.ID, s.timestamp()).Exec(ctx); err != nil {
			return internal("delete expired sessions", err)
		}
		var err error
		sess, err = s.createSession(ctx, tx, row.ID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return row.domain(), sess, nil
}

func (s *Store) createSession(ctx context.Context, db bun.IDB, userID int64) (*domain.Session, error) {
	token, err := s.newToken()
	if err != nil {
		return nil, internal("new session token", err)
	}
	now := s.timestamp()
	row := &sessionRow{TokenHash: hashToken(token), UserID: userID, ExpiresAt: now.Add(domain.SessionTTL), CreatedAt: now}
	if _, err := db.NewInsert().Model(row).Exec(ctx); err != nil {
		return nil, internal("insert session", err)
	}
	return &domain.Session{Token: token, UserID: userID, ExpiresAt: row.ExpiresAt}, nil
}

func (s accountService) Logout(ctx context.Context, token string) error {
	if token == "" {
		return nil
	}
	if _, err := s.db.NewDelete().Model((*sessionRow)(nil)).Where("token_hash = ?", hashToken(token)).Exec(ctx); err != nil {
		return internal("delete session", err)
	}
	return nil
}

func (s accountService) SessionUser(ctx context.Context, token string) (*domain.User, error) {
	if token == "" {
		return nil, domain.Unauthorized("not logged in")
	}
	row := new(userRow)
	err := s.db.NewSelect().Model(row).
		Join("JOIN sessions AS s ON s.user_id = u.id").
		Where("s.token_hash = ? AND s.expires_at > ?", hashToken(token), s.timestamp()).
		Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.Unauthorized("session expired or unknown")
	}
	if err != nil {
		return nil, internal("session user", err)
	}
	return row.domain(), nil
}

func (s accountService) UpdateProfile(ctx context.Context, userID int64, in domain.ProfileUpdate) (*domain.User, error) {
	if in.Name != nil {
		res, err := s.db.NewUpdate().Model((*userRow)(nil)).
			Set("name = ?", strings.TrimSpace(*in.Name)).Set("updated_at = ?", s.timestamp()).
			Where("id = ?", userID).Exec(ctx)
		if err != nil {
			return nil, internal("update profile", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil, domain.NotFound("user not found")
		}
	}
	return s.user(ctx, s.db, userID)
}

func (s *Store) user(ctx context.Context, db bun.IDB, id int64) (*domain.User, error) {
	row := new(userRow)
	err := db.NewSelect().Model(row).Where("id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, domain.NotFound("user not found")
	}
	if err != nil {
		return nil, internal("get user", err)
	}
	return row.domain(), nil
}

func (s accountService) ListAddresses(ctx context.Context, userID int64) ([]domain.Address, error) {
	var rows []addressRow
	if err := s.db.NewSelect().Model(&rows).Where("user_id = ?", userID).OrderExpr("id ASC").Scan(ctx); err != nil {
		return nil, internal("list addresses", err)
	}
	out := make([]domain.Address, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// MaxAddresses bounds one user's address book.
const MaxAddresses = 50

func (s accountService) CreateAddress(ctx context.Context, userID int64, a domain.Address) (*domain.Address, error) {
	a.Normalize()
	row := &addressRow{UserID: userID, Name: a.Name, Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region,
		PostalCode: a.PostalCode, Country: a.Country, Phone: a.Phone, CreatedAt: s.timestamp()}
	err := s.inTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Model((*addressRow)(nil)).Where("user_id = ?", userID).Count(ctx)
		if err != nil {
			return internal("count addresses", err)
		}
		if n >= MaxAddresses {
			return domain.Conflict("an address book holds at most %d addresses", MaxAddresses)
		}
		if _, err := tx.NewInsert().Model(row).Returning("id").Exec(ctx); err != nil {
			if isForeignKeyViolation(err) {
				return domain.NotFound("user not found")
			}
			return internal("insert address", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := row.domain()
	return &out, nil
}

func (s accountService) UpdateAddress(ctx context.Context, userID, addressID int64, a domain.Address) (*domain.Address, error) {
	a.Normalize()
	res, err := s.db.NewUpdate().Model((*addressRow)(nil)).
		Set("name = ?", a.Name).Set("line1 = ?", a.Line1).Set("line2 = ?", a.Line2).Set("city = ?", a.City).
		Set("region = ?", a.Region).Set("postal_code = ?", a.PostalCode).Set("country = ?", a.Country).
		Set("phone = ?", a.Phone).
		Where("id = ? AND user_id = ?", addressID, userID).Exec(ctx)
	if err != nil {
		return nil, internal("update address", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, domain.NotFound("address not found")
	}
	a.ID = addressID
	return &a, nil
}

func (s accountService) DeleteAddress(ctx context.Context, userID, addressID int64) error {
	res, err := s.db.NewDelete().Model((*addressRow)(nil)).Where("id = ? AND user_id = ?", addressID, userID).Exec(ctx)
	if err != nil {
		return internal("delete address", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return domain.NotFound("address not found")
	}
	return nil
}

func (s accountService) EnsureAdmin(ctx context.Context, email, password string) (*domain.User, error) {
	email = domain.NormalizeEmail(email)
	hash, err := hashPassword(password, s.pw)
	if err != nil {
		return nil, internal("hash password", err)
	}
	now := s.timestamp()
	name := email[:strings.IndexByte(email, '@')]
	row := &userRow{Email: email, Name: name, PasswordHash: hash, Role: string(domain.RoleAdmin), CreatedAt: now, UpdatedAt: now}
	// Insert or promote in one statement, so two replicas starting at once
	// cannot both insert.
	_, err = s.db.NewInsert().Model(row).
		On("CONFLICT (email) DO UPDATE").
		Set("role = EXCLUDED.role").
		Set("password_hash = EXCLUDED.password_hash").
		Set("updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	if err != nil {
		return nil, internal("ensure admin", err)
	}
	got := new(userRow)
	if err := s.db.NewSelect().Model(got).Where("email = ?", email).Scan(ctx); err != nil {
		return nil, internal("ensure admin", err)
	}
	return got.domain(), nil
}
