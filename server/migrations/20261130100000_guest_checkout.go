package migrations

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

// Guest checkout: orders.user_id becomes nullable (a guest order has no
// user), orders get the contact e-mail, guests get their own idempotency
// keys (scoped by cart token) and the shop gets a table of generated
// secrets (the order-link HMAC key).
//
// SQLite cannot drop a NOT NULL constraint: the orders table is rebuilt
// (https://www.sqlite.org/lang_altertable.html#otheralter). That procedure
// needs foreign keys off, which SQLite ignores inside a transaction, so the
// SQLite steps switch them off on a dedicated connection around the
// transaction and run PRAGMA foreign_key_check before committing.
func init() {
	const name = "20261130100000_guest_checkout"
	Migrations.MustRegister(guestStep(name, "up"), guestStep(name, "down"))
}

func guestStep(name, direction string) migrate.MigrationFunc {
	pg := sqlStep(name, direction)
	return func(ctx context.Context, db *bun.DB) error {
		if db.Dialect().Name() != dialect.SQLite {
			return pg(ctx, db)
		}
		file := fmt.Sprintf("sql/%s.sqlite.%s.sql", name, direction)
		body, err := sqlFiles.ReadFile(file)
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		conn, err := db.Conn(ctx)
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON") //nolint:errcheck
		return conn.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for _, stmt := range strings.Split(string(body), statementSeparator) {
				if strings.TrimSpace(stripComments(stmt)) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w\n%s", file, err, strings.TrimSpace(stmt))
				}
			}
			rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
			if err != nil {
				return fmt.Errorf("%s: foreign_key_check: %w", file, err)
			}
			defer rows.Close()
			if rows.Next() {
				return fmt.Errorf("%s: foreign_key_check found dangling references", file)
			}
			return rows.Err()
		})
	}
}
