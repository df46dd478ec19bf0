package store_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/store"
)

// An unreachable database, an exhausted wait and a statement timeout are
// EUNAVAILABLE (503), not EINTERNAL; a bad statement stays what it was.
func TestUnavailableIsClassifiedOnce(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		// A deadline that passed while waiting for the database (pool
		// exhaustion looks the same: no connection came free in time).
		ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
		defer cancel()
		_, err := e.svc.Catalog.ListCategories(ctx)
		if code := domain.ErrorCode(err); code != domain.EUNAVAILABLE {
			t.Errorf("read past its deadline: %q (%v)", code, err)
		}
		_, _, err = e.svc.Accounts.Register(ctx, domain.RegisterInput{Email: "late@shop.test", Password: "long-enough-password", Name: "Late"})
		if code := domain.ErrorCode(err); code != domain.EUNAVAILABLE {
			t.Errorf("write past its deadline: %q (%v)", code, err)
		}
		// The translation of real statement errors is unchanged.
		in := domain.RegisterInput{Email: "twice@shop.test", Password: "long-enough-password", Name: "Twice"}
		if _, _, err := e.svc.Accounts.Register(context.Background(), in); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.Accounts.Register(context.Background(), in); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Errorf("duplicate e-mail: %v", err)
		}
	})

	t.Run("postgres statement_timeout", func(t *testing.T) {
		e := newEnv(t, "postgres")
		if _, err := e.db.Exec("ALTER DATABASE " + currentDatabase(t, e) + " SET statement_timeout = '1ms'"); err != nil {
			t.Fatal(err)
		}
		// New sessions get the setting; make the pool open new ones.
		e.db.SetMaxIdleConns(0)
		_, err := e.svc.Search.Search(context.Background(), domain.SearchQuery{Query: "shirt"})
		for i := 0; err == nil && i < 50; i++ { // a fast machine may finish within 1 ms
			_, err = e.svc.Catalog.ListProducts(context.Background(), domain.ProductFilter{})
		}
		if code := domain.ErrorCode(err); code != domain.EUNAVAILABLE {
			t.Errorf("statement_timeout: %q (%v)", code, err)
		}
	})

	t.Run("postgres refused", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close() // nothing listens there now
		db, err := store.OpenPostgres("postgres://postgres@"+addr+"/shop?sslmode=disable", 2)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		svc := store.New(db, store.Options{}).Services()
		_, err = svc.Catalog.ListCategories(context.Background())
		if code := domain.ErrorCode(err); code != domain.EUNAVAILABLE {
			t.Errorf("connection refused: %q (%v)", code, err)
		}
		_, _, err = svc.Accounts.Register(context.Background(), domain.RegisterInput{Email: "a@shop.test", Password: "long-enough-password", Name: "A"})
		if code := domain.ErrorCode(err); code != domain.EUNAVAILABLE {
			t.Errorf("connection refused on a write: %q (%v)", code, err)
		}
	})
}

func currentDatabase(t *testing.T, e *env) string {
	t.Helper()
	var name string
	if err := e.db.QueryRow("SELECT current_database()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	return `"` + name + `"`
}
