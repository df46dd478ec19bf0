package domain

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// Role is what a user may do.
type Role string

const (
	RoleCustomer Role = "customer"
	RoleAdmin    Role = "admin"
)

// User is an account. Its JSON is the API's User.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
}

// IsAdmin reports whether u may use the admin API.
func (u *User) IsAdmin() bool { return u != nil && u.Role == RoleAdmin }

// CustomerSummary is a user in the admin customer list.
type CustomerSummary struct {
	User
	OrderCount int `json:"order_count"`
}

// Session is a login. Token is the raw bearer value (the shop_session
// cookie); it is only known when the session is created, the store keeps
// only its SHA-256.
type Session struct {
	Token     string    `json:"-"`
	UserID    int64     `json:"-"`
	ExpiresAt time.Time `json:"-"`
}

// SessionTTL is how long a session lives.
const SessionTTL = 30 * 24 * time.Hour

// Address is a shipping address. Its JSON is the API's Address; inputs
// ignore ID.
type Address struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2"`
	City       string `json:"city"`
	Region     string `json:"region"`
	PostalCode string `json:"postal_code"`
	Country    string `json:"country"` // ISO 3166-1 alpha-2, upper case
	Phone      string `json:"phone"`
}

// Normalize trims spaces and upper-cases the country.
func (a *Address) Normalize() {
	a.Name = strings.TrimSpace(a.Name)
	a.Line1 = strings.TrimSpace(a.Line1)
	a.Line2 = strings.TrimSpace(a.Line2)
	a.City = strings.TrimSpace(a.City)
	a.Region = strings.TrimSpace(a.Region)
	a.PostalCode = strings.TrimSpace(a.PostalCode)
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	a.Phone = strings.TrimSpace(a.Phone)
}

// Validate checks an address; field names are prefixed with prefix
// ("shipping_address." in checkout, "" on the address book).
func (a Address) Validate() error { return a.validate("").err() }

func (a Address) validate(prefix string) fieldErrors {
	fe := fieldErrors{}
	req := func(field, v string, max int) {
		switch {
		case strings.TrimSpace(v) == "":
			fe.add(prefix+field, "is required")
		case utf8.RuneCountInString(v) > max:
			fe.add(prefix+field, tooLong(max))
		}
	}
	opt := func(field, v string, max int) {
		if utf8.RuneCountInString(v) > max {
			fe.add(prefix+field, tooLong(max))
		}
	}
	req("name", a.Name, MaxPersonNameLen)
	req("line1", a.Line1, MaxAddressLineLen)
	opt("line2", a.Line2, MaxAddressLineLen)
	req("city", a.City, MaxCityLen)
	opt("region", a.Region, MaxRegionLen)
	req("postal_code", a.PostalCode, MaxPostalCodeLen)
	switch c := toUpperASCII(strings.TrimSpace(a.Country)); {
	case !IsISOCountry(c):
		fe.add(prefix+"country", "must be an ISO 3166-1 alpha-2 country code")
	case !IsShippingCountry(c):
		fe.add(prefix+"country", "is not a country the shop ships to")
	}
	opt("phone", a.Phone, MaxPhoneLen)
	for field, v := range map[string]string{"name": a.Name, "line1": a.Line1, "line2": a.Line2, "city": a.City,
		"region": a.Region, "postal_code": a.PostalCode, "country": a.Country, "phone": a.Phone} {
		fe.checkText(prefix+field, v)
	}
	return fe
}

func isASCIIAlpha(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}

// Password length bounds (docs/api.md).
const (
	MinPasswordLen = 8
	MaxPasswordLen = 128
)

// RegisterInput creates a customer account.
type RegisterInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	Name     string `json:"name"`
	// OrderToken, when present, is a signed order link token: the guest
	// order it names is attached to the new account (GuestOrderService).
	OrderToken string `json:"order_token,omitempty"`
}

// Normalize trims the e-mail and name and lower-cases the e-mail.
func (in *RegisterInput) Normalize() {
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
}

// Validate checks e-mail, password length (8-128) and name.
func (in RegisterInput) Validate() error {
	fe := fieldErrors{}
	if !ValidEmail(in.Email) {
		fe.add("email", "must be a valid e-mail address")
	}
	if n := utf8.RuneCountInString(in.Password); n < MinPasswordLen || n > MaxPasswordLen {
		fe.add("password", fmt.Sprintf("must be %d to %d characters", MinPasswordLen, MaxPasswordLen))
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(in.Name)); n == 0 {
		fe.add("name", "is required")
	} else if n > MaxPersonNameLen {
		fe.add("name", tooLong(MaxPersonNameLen))
	}
	fe.checkText("name", in.Name)
	fe.checkText("email", in.Email)
	return fe.err()
}

// LoginInput logs a user in.
type LoginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Validate only checks presence: a wrong password is EUNAUTHORIZED, not
// a validation error.
func (in LoginInput) Validate() error {
	fe := fieldErrors{}
	if strings.TrimSpace(in.Email) == "" {
		fe.add("email", "is required")
	}
	fe.checkText("email", in.Email)
	if in.Password == "" {
		fe.add("password", "is required")
	} else if len(in.Password) > 4*MaxPasswordLen {
		fe.add("password", tooLong(4*MaxPasswordLen))
	}
	return fe.err()
}

// ProfileUpdate changes the caller's profile; nil fields stay.
type ProfileUpdate struct {
	Name *string `json:"name"`
}

// Validate checks the new name.
func (in ProfileUpdate) Validate() error {
	fe := fieldErrors{}
	if in.Name != nil {
		if n := utf8.RuneCountInString(strings.TrimSpace(*in.Name)); n == 0 {
			fe.add("name", "is required")
		} else if n > MaxPersonNameLen {
			fe.add("name", tooLong(MaxPersonNameLen))
		}
		fe.checkText("name", *in.Name)
	}
	return fe.err()
}

// ValidateAdminAccount checks the SHOP_ADMIN_EMAIL / SHOP_ADMIN_PASSWORD
// bootstrap (AccountService.EnsureAdmin) by the rules of registration:
// a valid (normalized) e-mail, a password of 8 to 128 characters.
func ValidateAdminAccount(email, password string) error {
	fe := fieldErrors{}
	if !ValidEmail(email) {
		fe.add("email", "must be a valid e-mail address")
	}
	if n := utf8.RuneCountInString(password); n < MinPasswordLen || n > MaxPasswordLen {
		fe.add("password", "must be 8 to 128 characters")
	}
	return fe.err()
}

// NormalizeEmail trims and lower-cases an e-mail address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// ValidEmail reports whether s is a plain addr-spec (no display name).
func ValidEmail(s string) bool {
	if len(s) > MaxEmailLen || strings.ContainsAny(s, " <>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && strings.Contains(s[strings.LastIndexByte(s, '@'):], ".")
}

// AccountService manages users, sessions and address books.
type AccountService interface {
	// Register creates a customer and logs them in. ECONFLICT if the
	// e-mail exists, EINVALID on bad input.
	Register(ctx context.Context, in RegisterInput) (*User, *Session, error)
	// Login checks the password and creates a fresh session (a new token
	// every time: the caller should Logout the previous cookie's token, if
	// any). EUNAUTHORIZED on a wrong e-mail or password (same message).
	Login(ctx context.Context, in LoginInput) (*User, *Session, error)
	// Logout deletes the session; unknown tokens are not an error.
	Logout(ctx context.Context, token string) error
	// SessionUser returns the user of a live session; EUNAUTHORIZED if the
	// token is unknown or expired.
	SessionUser(ctx context.Context, token string) (*User, error)
	// UpdateProfile changes the user's profile.
	UpdateProfile(ctx context.Context, userID int64, in ProfileUpdate) (*User, error)

	// ListAddresses returns the user's address book (oldest first).
	ListAddresses(ctx context.Context, userID int64) ([]Address, error)
	// CreateAddress adds an address (ID ignored).
	CreateAddress(ctx context.Context, userID int64, a Address) (*Address, error)
	// UpdateAddress replaces one of the user's addresses; ENOTFOUND if it is
	// not theirs.
	UpdateAddress(ctx context.Context, userID, addressID int64, a Address) (*Address, error)
	// DeleteAddress removes one of the user's addresses; ENOTFOUND if it is
	// not theirs.
	DeleteAddress(ctx context.Context, userID, addressID int64) error

	// EnsureAdmin creates the user with that e-mail and password as an
	// admin, or promotes an existing one (and sets the password). Used for
	// the SHOP_ADMIN_EMAIL / SHOP_ADMIN_PASSWORD bootstrap at start.
	EnsureAdmin(ctx context.Context, email, password string) (*User, error)
}
