package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/store"
)

func TestAccountsAndSessions(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		acc := e.svc.Accounts
		u, regSess, err := acc.Register(ctx, domain.RegisterInput{Email: "  Ada@Example.COM ", Password: "correct horse", Name: " Ada "})
		if err != nil {
			t.Fatal(err)
		}
		if u.Email != "ada@example.com" || u.Name != "Ada" || u.Role != domain.RoleCustomer || u.ID == 0 || regSess.Token == "" {
			t.Fatalf("registered %+v, session %+v", u, regSess)
		}
		_, _, err = acc.Register(ctx, domain.RegisterInput{Email: "ADA@example.com", Password: "another one", Name: "Imposter"})
		wantCode(t, err, domain.ECONFLICT)
		_, _, err = acc.Register(ctx, domain.RegisterInput{Email: "bad", Password: "short", Name: ""})
		wantCode(t, err, domain.EINVALID)
		if f := domain.ErrorFields(err); f["email"] == "" || f["password"] == "" || f["name"] == "" {
			t.Errorf("fields = %v", f)
		}

		_, _, err = acc.Login(ctx, domain.LoginInput{Email: "ada@example.com", Password: "wrong password"})
		wantCode(t, err, domain.EUNAUTHORIZED)
		_, _, err = acc.Login(ctx, domain.LoginInput{Email: "nobody@example.com", Password: "correct horse"})
		wantCode(t, err, domain.EUNAUTHORIZED)
		lu, sess, err := acc.Login(ctx, domain.LoginInput{Email: "ADA@example.com", Password: "correct horse"})
		if err != nil || lu.ID != u.ID {
			t.Fatalf("login: %+v %v", lu, err)
		}
		if sess.Token == regSess.Token {
			t.Fatal("login reused the registration token; each login must get a fresh one")
		}
		if !sess.ExpiresAt.After(e.clock.Now().Add(29 * 24 * time.Hour)) {
			t.Errorf("session expires at %v", sess.ExpiresAt)
		}

		// Tokens are stored hashed.
		n, err := e.db.NewSelect().TableExpr("sessions").Where("token_hash = ?", sess.Token).Count(ctx)
		if err != nil || n != 0 {
			t.Fatalf("a raw token is stored in sessions (%d, %v)", n, err)
		}

		su, err := acc.SessionUser(ctx, sess.Token)
		if err != nil || su.ID != u.ID {
			t.Fatalf("session user: %+v %v", su, err)
		}
		_, err = acc.SessionUser(ctx, "not-a-token")
		wantCode(t, err, domain.EUNAUTHORIZED)
		_, err = acc.SessionUser(ctx, "")
		wantCode(t, err, domain.EUNAUTHORIZED)

		if err := acc.Logout(ctx, sess.Token); err != nil {
			t.Fatal(err)
		}
		_, err = acc.SessionUser(ctx, sess.Token)
		wantCode(t, err, domain.EUNAUTHORIZED)
		if err := acc.Logout(ctx, sess.Token); err != nil {
			t.Fatalf("logging out twice: %v", err)
		}
		// The registration session is still alive, until it expires.
		if _, err := acc.SessionUser(ctx, regSess.Token); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(domain.SessionTTL + time.Minute)
		_, err = acc.SessionUser(ctx, regSess.Token)
		wantCode(t, err, domain.EUNAUTHORIZED)

		up, err := acc.UpdateProfile(ctx, u.ID, domain.ProfileUpdate{Name: ptr("Ada L.")})
		if err != nil || up.Name != "Ada L." {
			t.Fatalf("update profile: %+v %v", up, err)
		}
		_, err = acc.UpdateProfile(ctx, u.ID, domain.ProfileUpdate{Name: ptr(" ")})
		wantCode(t, err, domain.EINVALID)
	})
}

func TestAddresses(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		acc := e.svc.Accounts
		ada, _ := e.user(t, "ada@example.com")
		bob, _ := e.user(t, "bob@example.com")
		in := domain.Address{Name: "Ada", Line1: "1 Way", City: "London", PostalCode: "N1", Country: "gb", Phone: "+44 1"}
		a, err := acc.CreateAddress(ctx, ada.ID, in)
		if err != nil || a.ID == 0 || a.Country != "GB" {
			t.Fatalf("create: %+v %v", a, err)
		}
		_, err = acc.CreateAddress(ctx, ada.ID, domain.Address{Name: "x", Country: "GBR"})
		wantCode(t, err, domain.EINVALID)

		in.City = "Cambridge"
		if got, err := acc.UpdateAddress(ctx, ada.ID, a.ID, in); err != nil || got.City != "Cambridge" || got.ID != a.ID {
			t.Fatalf("update: %+v %v", got, err)
		}
		_, err = acc.UpdateAddress(ctx, bob.ID, a.ID, in)
		wantCode(t, err, domain.ENOTFOUND)
		wantCode(t, acc.DeleteAddress(ctx, bob.ID, a.ID), domain.ENOTFOUND)

		list, err := acc.ListAddresses(ctx, ada.ID)
		if err != nil || len(list) != 1 || list[0].City != "Cambridge" {
			t.Fatalf("list: %+v %v", list, err)
		}
		if list, _ := acc.ListAddresses(ctx, bob.ID); len(list) != 0 {
			t.Fatalf("bob sees %+v", list)
		}
		if err := acc.DeleteAddress(ctx, ada.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if list, _ := acc.ListAddresses(ctx, ada.ID); len(list) != 0 {
			t.Fatalf("after delete: %+v", list)
		}
	})
}

func TestEnsureAdmin(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		acc := e.svc.Accounts
		admin, err := acc.EnsureAdmin(ctx, "Root@Example.com", "admin password 1")
		if err != nil || admin.Role != domain.RoleAdmin || admin.Email != "root@example.com" {
			t.Fatalf("create admin: %+v %v", admin, err)
		}
		again, err := acc.EnsureAdmin(ctx, "root@example.com", "admin password 2")
		if err != nil || again.ID != admin.ID {
			t.Fatalf("second bootstrap: %+v %v", again, err)
		}
		// The password follows the environment.
		if _, _, err := acc.Login(ctx, domain.LoginInput{Email: "root@example.com", Password: "admin password 2"}); err != nil {
			t.Fatalf("login with the new admin password: %v", err)
		}
		// An existing customer is promoted.
		cust, _ := e.user(t, "promote@example.com")
		promoted, err := acc.EnsureAdmin(ctx, "promote@example.com", "another secret")
		if err != nil || promoted.ID != cust.ID || !promoted.IsAdmin() {
			t.Fatalf("promote: %+v %v", promoted, err)
		}
		_, err = acc.EnsureAdmin(ctx, "root@example.com", "short")
		wantCode(t, err, domain.EINVALID)
	})
}

func TestPasswordDefaults(t *testing.T) {
	// The production argon2id parameters, end to end on one backend.
	db := openDB(t, "sqlite")
	st := store.New(db, store.Options{Payments: (&countingProvider{}).inner})
	ctx := context.Background()
	if _, _, err := st.Services().Accounts.Register(ctx, domain.RegisterInput{Email: "p@example.com", Password: "correct horse", Name: "P"}); err != nil {
		t.Fatal(err)
	}
	var hash string
	if err := db.NewSelect().TableExpr("users").Column("password_hash").Scan(ctx, &hash); err != nil {
		t.Fatal(err)
	}
	if want := "$argon2id$v=19$m=19456,t=2,p=1$"; len(hash) < len(want) || hash[:len(want)] != want {
		t.Fatalf("hash %q does not use the default argon2id parameters", hash)
	}
	if _, _, err := st.Services().Accounts.Login(ctx, domain.LoginInput{Email: "p@example.com", Password: "correct horse"}); err != nil {
		t.Fatal(err)
	}
	_, _, err := st.Services().Accounts.Login(ctx, domain.LoginInput{Email: "p@example.com", Password: "correct horsE"})
	wantCode(t, err, domain.EUNAUTHORIZED)
}

func TestBadTextIsInvalidNotInternal(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		_, _, err := e.svc.Accounts.Register(ctx, domain.RegisterInput{Email: "nul@example.com", Password: "correct horse", Name: "a\x00b"})
		wantCode(t, err, domain.EINVALID)
		_, _, err = e.svc.Accounts.Login(ctx, domain.LoginInput{Email: "x\x00@example.com", Password: "correct horse"})
		wantCode(t, err, domain.EINVALID)
		u, _ := e.user(t, "text@example.com")
		_, err = e.svc.Accounts.CreateAddress(ctx, u.ID, domain.Address{Name: "A", Line1: "1\x00", City: "C", PostalCode: "P", Country: "GB"})
		wantCode(t, err, domain.EINVALID)
		_, err = e.svc.Catalog.ListProducts(ctx, domain.ProductFilter{Query: ptr("\x00"), CategorySlug: ptr("a\x00")})
		wantCode(t, err, domain.EINVALID)
		e.category(t, "c", "C")
		_, err = e.svc.Admin.CreateProduct(ctx, domain.ProductCreate{SKU: "N-1", Name: "N", Description: "\x00", Price: 1, CategorySlug: "c",
			Attributes: map[string]string{"k": "\x00"}})
		wantCode(t, err, domain.EINVALID)
		_, err = e.svc.Search.Search(ctx, domain.SearchQuery{Query: "wool\x00"})
		wantCode(t, err, domain.EINVALID)
		// Invalid UTF-8 is not an error: the SQL layer replaces it.
		if _, err = e.svc.Search.Search(ctx, domain.SearchQuery{Query: "wool\xff"}); err != nil {
			t.Fatalf("bad UTF-8 in a search: %v", err)
		}
		_, err = e.svc.Catalog.ProductBySlug(ctx, "x\x00")
		wantCode(t, err, domain.ENOTFOUND)
		_, err = e.svc.Catalog.ProductBySKU(ctx, "x\x00")
		wantCode(t, err, domain.ENOTFOUND)
	})
}
