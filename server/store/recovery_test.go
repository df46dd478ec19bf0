package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// requestReset asks for a reset of email and returns the raw token that the
// queued message carried ("" when nothing was queued).
func (e *env) requestReset(t *testing.T, email string) string {
	t.Helper()
	var token string
	err := e.svc.Recovery.RequestPasswordReset(context.Background(), domain.PasswordResetRequest{Email: email},
		func(u *domain.User, tok string, _ time.Time) domain.MailMessage {
			token = tok
			return domain.MailMessage{To: u.Email, Subject: "Reset", Text: "token " + tok}
		})
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func TestPasswordResetFlow(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, sess1 := e.user(t, "ada@example.com")
		_, sess2, err := e.svc.Accounts.Login(ctx, domain.LoginInput{Email: "ada@example.com", Password: "correct horse"})
		if err != nil {
			t.Fatal(err)
		}

		// Unknown address: no error, no token, no mail.
		if tok := e.requestReset(t, "nobody@example.com"); tok != "" {
			t.Fatal("a token for an unknown address")
		}
		if n := e.count(t, "mail_outbox"); n != 0 {
			t.Fatalf("outbox holds %d messages for an unknown address", n)
		}

		tok := e.requestReset(t, " ADA@example.com ")
		if tok == "" || e.count(t, "mail_outbox") != 1 || e.count(t, "password_resets") != 1 {
			t.Fatal("the reset of a known address queued no mail or stored no token")
		}
		var stored string
		if err := e.db.NewSelect().TableExpr("password_resets").Column("token_hash").Scan(ctx, &stored); err != nil {
			t.Fatal(err)
		}
		if stored == tok || len(stored) != 64 {
			t.Fatalf("token stored as %q: want its SHA-256 in hex", stored)
		}

		// A too short password follows the registration rules; the token survives.
		_, err = e.svc.Recovery.ResetPassword(ctx, domain.PasswordResetConfirm{Token: tok, Password: "short"})
		wantCode(t, err, domain.EINVALID)
		if domain.ErrorFields(err)["password"] == "" {
			t.Fatalf("want a password field error, got %v", err)
		}

		got, err := e.svc.Recovery.ResetPassword(ctx, domain.PasswordResetConfirm{Token: tok, Password: "a brand new secret"})
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != u.ID {
			t.Fatalf("reset user %d, want %d", got.ID, u.ID)
		}
		for _, s := range []*domain.Session{sess1, sess2} {
			if _, err := e.svc.Accounts.SessionUser(ctx, s.Token); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
				t.Fatalf("session survived the reset: %v", err)
			}
		}
		if _, _, err := e.svc.Accounts.Login(ctx, domain.LoginInput{Email: "ada@example.com", Password: "correct horse"}); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Fatalf("old password still works: %v", err)
		}
		if _, _, err := e.svc.Accounts.Login(ctx, domain.LoginInput{Email: "ada@example.com", Password: "a brand new secret"}); err != nil {
			t.Fatalf("new password refused: %v", err)
		}

		// Single use.
		_, err = e.svc.Recovery.ResetPassword(ctx, domain.PasswordResetConfirm{Token: tok, Password: "yet another secret"})
		wantCode(t, err, domain.EINVALID)
		if domain.ErrorFields(err)["token"] == "" {
			t.Fatalf("reused token: want a token field error, got %v", err)
		}
	})
}

// One account gets at most MaxPasswordResetsPerHour links an hour, however
// often someone asks; the answer does not change.
func TestPasswordResetThrottledPerAccount(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		e.user(t, "ada@example.com")
		for i := 0; i < domain.MaxPasswordResetsPerHour; i++ {
			if tok := e.requestReset(t, "ada@example.com"); tok == "" {
				t.Fatalf("request %d sent nothing", i+1)
			}
		}
		if tok := e.requestReset(t, "ada@example.com"); tok != "" {
			t.Fatal("a reset beyond the hourly bound was sent")
		}
		if n := e.count(t, "mail_outbox"); n != domain.MaxPasswordResetsPerHour {
			t.Fatalf("outbox holds %d messages, want %d", n, domain.MaxPasswordResetsPerHour)
		}
		e.clock.Advance(time.Hour)
		if tok := e.requestReset(t, "ada@example.com"); tok == "" {
			t.Fatal("no reset an hour later")
		}
	})
}

func TestPasswordResetExpires(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		e.user(t, "ada@example.com")
		tok := e.requestReset(t, "ada@example.com")
		e.clock.Advance(domain.PasswordResetTTL)
		_, err := e.svc.Recovery.ResetPassword(ctx, domain.PasswordResetConfirm{Token: tok, Password: "a brand new secret"})
		wantCode(t, err, domain.EINVALID)
		if _, _, err := e.svc.Accounts.Login(ctx, domain.LoginInput{Email: "ada@example.com", Password: "correct horse"}); err != nil {
			t.Fatalf("an expired token changed the password: %v", err)
		}
		_, err = e.svc.Recovery.ResetPassword(ctx, domain.PasswordResetConfirm{Token: "no-such-token", Password: "a brand new secret"})
		wantCode(t, err, domain.EINVALID)
	})
}

func TestChangePassword(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		u, here := e.user(t, "ada@example.com")
		_, other, err := e.svc.Accounts.Login(ctx, domain.LoginInput{Email: "ada@example.com", Password: "correct horse"})
		if err != nil {
			t.Fatal(err)
		}
		pending := e.requestReset(t, "ada@example.com")

		err = e.svc.Recovery.ChangePassword(ctx, u.ID, here.Token, domain.PasswordChange{CurrentPassword: "wrong guess", NewPassword: "a brand new secret"})
		wantCode(t, err, domain.EINVALID)
		if domain.ErrorFields(err)["current_password"] == "" {
			t.Fatalf("want a current_password field error, got %v", err)
		}
		if _, err := e.svc.Accounts.SessionUser(ctx, other.Token); err != nil {
			t.Fatalf("a refused change ended a session: %v", err)
		}

		if err := e.svc.Recovery.ChangePassword(ctx, u.ID, here.Token, domain.PasswordChange{CurrentPassword: "correct horse", NewPassword: "a brand new secret"}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Accounts.SessionUser(ctx, here.Token); err != nil {
			t.Fatalf("the session that changed the password ended: %v", err)
		}
		if _, err := e.svc.Accounts.SessionUser(ctx, other.Token); domain.ErrorCode(err) != domain.EUNAUTHORIZED {
			t.Fatalf("another session survived the change: %v", err)
		}
		// A reset link sent before the change no longer works.
		_, err = e.svc.Recovery.ResetPassword(ctx, domain.PasswordResetConfirm{Token: pending, Password: "attacker secret"})
		wantCode(t, err, domain.EINVALID)
		if _, _, err := e.svc.Accounts.Login(ctx, domain.LoginInput{Email: "ada@example.com", Password: "a brand new secret"}); err != nil {
			t.Fatalf("new password refused: %v", err)
		}
	})
}
