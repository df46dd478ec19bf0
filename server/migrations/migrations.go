// Package migrations holds the database schema as one embedded, ordered set
// of bun migrations that serves both PostgreSQL and SQLite.
//
// Each migration is a Go file named <timestamp>_<name>.go (bun derives the
// id from the file name) whose up and down steps run the SQL file for the
// connected dialect: sql/<timestamp>_<name>.<pg|sqlite>.<up|down>.sql. The
// two dialects differ only where they must (identity columns, tsvector vs
// FTS5); tables, columns and constraints are the same.
//
// Migrations run only through Run, which the `server migrate` subcommand
// (the Kubernetes migration Job) calls; nothing migrates on a request path.
package migrations

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
	"github.com/uptrace/bun/migrate"
)

//go:embed sql/*.sql
var sqlFiles embed.FS

// Migrations is the shop's migration set.
var Migrations = migrate.NewMigrations()

// statementSeparator splits a SQL file into statements. Statements are
// run one by one: SQLite trigger bodies contain semicolons, and the pgx
// driver's extended protocol takes one statement at a time.
const statementSeparator = "--bun:split"

// sqlStep returns a migration step that runs the file of the connected
// dialect in one transaction.
func sqlStep(name, direction string) migrate.MigrationFunc {
	return func(ctx context.Context, db *bun.DB) error {
		var d string
		switch db.Dialect().Name() {
		case dialect.PG:
			d = "pg"
		case dialect.SQLite:
			d = "sqlite"
		default:
			return fmt.Errorf("migrations: unsupported dialect %s", db.Dialect().Name())
		}
		file := fmt.Sprintf("sql/%s.%s.%s.sql", name, d, direction)
		body, err := sqlFiles.ReadFile(file)
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		return db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			for _, stmt := range strings.Split(string(body), statementSeparator) {
				if strings.TrimSpace(stripComments(stmt)) == "" {
					continue
				}
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%s: %w\n%s", file, err, strings.TrimSpace(stmt))
				}
			}
			return nil
		})
	}
}

func stripComments(s string) string {
	var b strings.Builder
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "--") {
			b.WriteString(line)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// advisoryLockKey serializes concurrent `server migrate` runs on PostgreSQL
// (two Job pods, or a Job and a developer).
var advisoryLockKey = func() int64 {
	h := fnv.New64a()
	h.Write([]byte("shopstack/migrations"))
	return int64(h.Sum64() >> 1)
}()

// Run applies every pending migration (see Apply).
func Run(ctx context.Context, db *bun.DB) error {
	_, err := Apply(ctx, db)
	return err
}

// Apply applies every pending migration and returns the names applied (none
// when the schema is current). On PostgreSQL a session advisory lock makes
// concurrent runs wait for each other instead of racing; a crashed run
// releases it with its connection.
func Apply(ctx context.Context, db *bun.DB) ([]string, error) {
	if db.Dialect().Name() == dialect.PG {
		conn, err := db.Conn(ctx)
		if err != nil {
			return nil, fmt.Errorf("migrations: %w", err)
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(?)", advisoryLockKey); err != nil {
			return nil, fmt.Errorf("migrations: lock: %w", err)
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?)", advisoryLockKey) //nolint:errcheck
	}
	m := migrate.NewMigrator(db, Migrations, migrate.WithMarkAppliedOnSuccess(true))
	if err := m.Init(ctx); err != nil {
		return nil, fmt.Errorf("migrations: init: %w", err)
	}
	group, err := m.Migrate(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	var names []string
	for _, mig := range group.Migrations {
		names = append(names, mig.String())
	}
	return names, nil
}

// Pending returns the names of migrations not yet applied (serve on
// PostgreSQL refuses to start while any are pending).
func Pending(ctx context.Context, db *bun.DB) ([]string, error) {
	m := migrate.NewMigrator(db, Migrations)
	ms, err := m.MigrationsWithStatus(ctx)
	if err != nil {
		// Most likely the migrations table does not exist yet.
		return nil, fmt.Errorf("migrations: reading status (has `server migrate` run?): %w", err)
	}
	var names []string
	for _, mig := range ms.Unapplied() {
		names = append(names, mig.String())
	}
	return names, nil
}
