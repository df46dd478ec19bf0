package pgtest_test

import (
	"context"
	"database/sql"
	"net"
	"net/url"
	"strconv"
	"testing"

	"github.com/shopstack/shopstack/server/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestNewDatabaseIsIsolated(t *testing.T) {
	ctx := context.Background()
	a, b := pgtest.NewDatabase(t), pgtest.NewDatabase(t)
	if a == b {
		t.Fatalf("two tests got the same database %s", a)
	}
	dbA, err := sql.Open("pgx", a)
	if err != nil {
		t.Fatal(err)
	}
	defer dbA.Close()
	if _, err := dbA.ExecContext(ctx, "CREATE TABLE only_in_a (id int)"); err != nil {
		t.Fatal(err)
	}
	dbB, err := sql.Open("pgx", b)
	if err != nil {
		t.Fatal(err)
	}
	defer dbB.Close()
	var n int
	if err := dbB.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'only_in_a'").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatal("a table created in one test database is visible in another")
	}
	var version string
	if err := dbB.QueryRowContext(ctx, "SHOW server_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	t.Logf("PostgreSQL %s", version)
}

func TestTemplate(t *testing.T) {
	ctx := context.Background()
	srv := pgtest.Shared(t)
	err := srv.Template(ctx, "tmpl_demo", func(dsn string) error {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return err
		}
		defer db.Close()
		_, err = db.ExecContext(ctx, "CREATE TABLE seeded (v int); INSERT INTO seeded VALUES (42)")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", srv.NewDatabase(t, "tmpl_demo"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var v int
	if err := db.QueryRowContext(ctx, "SELECT v FROM seeded").Scan(&v); err != nil || v != 42 {
		t.Fatalf("copy of the template: v=%d err=%v", v, err)
	}
}

func TestHaltAndRestart(t *testing.T) {
	ctx := context.Background()
	srv, err := pgtest.StartLocal(pgtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	dsn, err := srv.CreateDatabase(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	if err := srv.Halt(); err != nil {
		t.Fatal(err)
	}
	if err := db.PingContext(ctx); err == nil {
		t.Fatal("ping succeeded while the server is halted")
	}
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	var v int
	if err := db.QueryRowContext(ctx, "SELECT v FROM kept").Scan(&v); err != nil || v != 7 {
		t.Fatalf("after restart: v=%d err=%v", v, err)
	}
}

// A port taken between choosing it and postgres binding it (another test
// package's server, say) makes postgres exit at start-up; the server is
// started again on another port instead of failing the test.
func TestStartsAgainWhenThePortWasTaken(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	takenPort := taken.Addr().(*net.TCPAddr).Port
	var chosen []int
	restore := pgtest.SetChoosePort(func() (int, error) {
		p := takenPort
		if len(chosen) > 0 {
			var err error
			if p, err = pgtest.FreePort(); err != nil {
				return 0, err
			}
		}
		chosen = append(chosen, p)
		return p, nil
	})
	defer restore()

	srv, err := pgtest.StartLocal(pgtest.Options{})
	if err != nil {
		t.Fatalf("StartLocal with its first port taken: %v", err)
	}
	defer srv.Stop()
	if len(chosen) != 2 {
		t.Fatalf("ports chosen: %v, want the taken one and then another", chosen)
	}
	u, err := url.Parse(srv.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	if u.Port() != strconv.Itoa(chosen[1]) {
		t.Errorf("server URL %s, want port %d (the second choice)", u.Redacted(), chosen[1])
	}
	db, err := sql.Open("pgx", srv.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Ping(); err != nil {
		t.Errorf("the restarted server does not answer: %v", err)
	}
}
