package migrations

import (
	"path/filepath"
	"testing"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/internal/pgtest"
	"github.com/shopstack/shopstack/server/store"
)

// forEachDatabase runs fn as a subtest on an empty SQLite file and on an
// empty database of a real PostgreSQL (pgtest), closing each afterwards.
func forEachDatabase(t *testing.T, fn func(t *testing.T, db *bun.DB)) {
	open := map[string]func(t *testing.T) (*bun.DB, error){
		"sqlite": func(t *testing.T) (*bun.DB, error) {
			return store.OpenSQLite(filepath.Join(t.TempDir(), "shop.db"))
		},
		"postgres": func(t *testing.T) (*bun.DB, error) {
			return store.OpenPostgres(pgtest.NewDatabase(t), 2)
		},
	}
	for _, name := range []string{"sqlite", "postgres"} {
		t.Run(name, func(t *testing.T) {
			db, err := open[name](t)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			fn(t, db)
		})
	}
}

// ForEachDatabase is forEachDatabase for the external test package.
var ForEachDatabase = forEachDatabase
