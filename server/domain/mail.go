package domain

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// MailMessage is one outgoing e-mail: a plain-text body and, optionally,
// the same content as simple HTML.
type MailMessage struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Validate checks that the message has a recipient address, a subject
// and a text body.
func (m MailMessage) Validate() error {
	if !ValidEmail(m.To) {
		return InvalidFields(map[string]string{"to": "must be a valid e-mail address"})
	}
	if strings.TrimSpace(m.Subject) == "" || strings.TrimSpace(m.Text) == "" {
		return Invalid("a message needs a subject and a text body")
	}
	return nil
}

// OutboxMessage is a queued MailMessage as the delivery worker sees it.
type OutboxMessage struct {
	ID int64
	// Attempts counts delivery attempts so far, this claim included.
	Attempts int
	MailMessage
}

// MailService queues outgoing mail in the database (the outbox) and hands
// it to the delivery worker; nothing is sent on a request path.
type MailService interface {
	// Enqueue stores msg for delivery. EINVALID if it has no recipient or
	// subject.
	Enqueue(ctx context.Context, msg MailMessage) error
	// ClaimMail leases up to limit due messages to the caller until
	// now+lease (other workers, in this or another replica, skip them)
	// and counts the attempt.
	ClaimMail(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxMessage, error)
	// MarkMailSent records a delivery.
	MarkMailSent(ctx context.Context, id int64, now time.Time) error
	// MarkMailFailed records a failed attempt: the message is due again at
	// next, or given up on (giveUp) and kept with its last error.
	MarkMailFailed(ctx context.Context, id int64, now, next time.Time, lastError string, giveUp bool) error
}

// OrderMailKind is an e-mail sent about an order.
type OrderMailKind string

const (
	OrderMailPlaced    OrderMailKind = "placed" // the confirmation of a checkout
	OrderMailShipped   OrderMailKind = "shipped"
	OrderMailCancelled OrderMailKind = "cancelled"
)

// OrderMailer composes the e-mail about an order change. The store calls
// it inside the transaction that makes the change and queues the message
// in that same transaction (a transactional outbox), so the e-mail goes
// out if and only if the change commits. o is the order as the change
// leaves it and goes to o.Email; name is its account's name ("" for a
// guest order); guestToken is a signed order-link token (SignOrderToken)
// for a guest order, who has no account page to be sent to ("" for a
// customer's).
type OrderMailer interface {
	OrderMail(kind OrderMailKind, o *Order, name, guestToken string) MailMessage
}

// PasswordResetTTL is how long an e-mailed reset link works.
const PasswordResetTTL = time.Hour

// MaxPasswordResetsPerHour bounds the reset e-mails one account gets per
// hour, whoever asks and from however many addresses: past it a request
// is answered as always and sends nothing (no mail bombing through the
// shop).
const MaxPasswordResetsPerHour = 3

// PasswordResetRequest asks for a reset link by e-mail.
type PasswordResetRequest struct {
	Email string `json:"email"`
}

// Validate checks that the e-mail looks like one (whether an account has
// it is never told).
func (in PasswordResetRequest) Validate() error {
	fe := fieldErrors{}
	if !ValidEmail(NormalizeEmail(in.Email)) {
		fe.add("email", "must be a valid e-mail address")
	}
	fe.checkText("email", in.Email)
	return fe.err()
}

// PasswordResetConfirm sets a new password with the token of a reset link.
type PasswordResetConfirm struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// Validate checks the token's presence and the password rules of
// registration.
func (in PasswordResetConfirm) Validate() error {
	fe := fieldErrors{}
	if strings.TrimSpace(in.Token) == "" {
		fe.add("token", "is required")
	} else if len(in.Token) > 256 {
		fe.add("token", "is invalid or has expired")
	}
	checkNewPassword(fe, "password", in.Password)
	return fe.err()
}

// PasswordChange changes the logged-in user's password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// Validate checks presence of the current password and the rules of
// registration for the new one.
func (in PasswordChange) Validate() error {
	fe := fieldErrors{}
	if in.CurrentPassword == "" {
		fe.add("current_password", "is required")
	} else if len(in.CurrentPassword) > 4*MaxPasswordLen {
		fe.add("current_password", "is incorrect")
	}
	checkNewPassword(fe, "new_password", in.NewPassword)
	return fe.err()
}

func checkNewPassword(fe fieldErrors, field, pw string) {
	if n := utf8.RuneCountInString(pw); n < MinPasswordLen || n > MaxPasswordLen {
		fe.add(field, "must be 8 to 128 characters")
	}
	fe.checkText(field, pw)
}

// ComposeReset builds the reset e-mail for user with the raw token (only
// ever known here: the store keeps its SHA-256).
type ComposeReset func(user *User, token string, expiresAt time.Time) MailMessage

// RecoveryService is password reset by e-mail and password change.
type RecoveryService interface {
	// RequestPasswordReset creates a single-use token for the account with
	// that e-mail and queues compose's message in the same transaction. An
	// unknown e-mail is not an error and queues nothing; neither is an
	// account that got MaxPasswordResetsPerHour links in the last hour.
	RequestPasswordReset(ctx context.Context, in PasswordResetRequest, compose ComposeReset) error
	// ResetPassword sets the password of the token's user, uses the token
	// up and ends every session of that user. EINVALID (field token) if the
	// token is unknown, used or expired.
	ResetPassword(ctx context.Context, in PasswordResetConfirm) (*User, error)
	// ChangePassword checks the current password and sets the new one,
	// ending every other session of the user (keepToken stays).
	// EINVALID (field current_password) if the current password is wrong.
	ChangePassword(ctx context.Context, userID int64, keepToken string, in PasswordChange) error
}
