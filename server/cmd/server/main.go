// Command server is the storefront backend: one binary with the
// subcommands serve (default), migrate, seed and purge. It only wires the
// packages together: config -> database -> store -> httpapi.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/config"
	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/httpapi"
	"github.com/shopstack/shopstack/server/mail"
	"github.com/shopstack/shopstack/server/migrations"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/seed"
	"github.com/shopstack/shopstack/server/store"
)

const usage = `usage: server [serve|migrate|seed|purge]

  serve    serve the storefront API on SHOP_LISTEN_ADDR (default :8080)
  migrate  apply pending database migrations and exit
  seed     load the demo catalog (idempotent) and exit
  purge    delete old guest carts, expired sessions, old idempotency keys,
           mail and reset tokens (retention: SHOP_PURGE_*) and exit

Configuration comes from SHOP_* environment variables (docs/server.md).`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stderr); err != nil {
		if errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, usage)
			os.Exit(2)
		}
		slog.Error("exiting", "err", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// run executes one subcommand; logs go to logOut as JSON lines.
func run(ctx context.Context, args []string, getenv func(string) string, logOut io.Writer) error {
	cmd := contract.CmdServe
	if len(args) > 0 {
		cmd = args[0]
	}
	if len(args) > 1 || (cmd != contract.CmdServe && cmd != contract.CmdMigrate && cmd != contract.CmdSeed && cmd != contract.CmdPurge) {
		return errUsage
	}
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	mailCfg, err := config.LoadMail(getenv, cfg.ListenAddr)
	if err != nil {
		return err
	}
	var purgeCfg *config.Purge
	if cmd == contract.CmdPurge {
		if purgeCfg, err = config.LoadPurge(getenv); err != nil {
			return err
		}
	}
	log := slog.New(slog.NewJSONHandler(logOut, &slog.HandlerOptions{Level: cfg.LogLevel}))
	slog.SetDefault(log)
	log = log.With("cmd", cmd)

	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	opts := store.Options{Payments: payment.NewTestProvider(), Currency: cfg.Currency}
	var ln net.Listener
	if cmd == contract.CmdServe {
		// Bind before the store exists: a listen address with port 0 (the
		// browser tests) gets a free port, which the default public URL
		// of e-mail links, composed by the store (OrderMails), must name.
		if ln, err = net.Listen("tcp", cfg.ListenAddr); err != nil {
			return err
		}
		defer ln.Close() // on the way out before serving; RunListener closes it too
		if mailCfg.PublicURLDefaulted {
			mailCfg.PublicURL = config.DefaultPublicURL(ln.Addr().String())
		}
		opts.OrderMails = mail.OrderMails{PublicURL: mailCfg.PublicURL}
	}
	st := store.New(db, opts)

	switch cmd {
	case contract.CmdMigrate:
		return migrate(ctx, db, log)
	case contract.CmdSeed:
		if err := prepareSchema(ctx, cfg, db, log); err != nil {
			return err
		}
		return loadDemo(ctx, st, log)
	case contract.CmdPurge:
		if err := prepareSchema(ctx, cfg, db, log); err != nil {
			return err
		}
		return purge(ctx, st, purgeCfg, log)
	}
	return serve(ctx, cfg, mailCfg, db, st, ln, log)
}

// openDB opens the configured database and waits (up to a minute) until
// it answers, so a pod that starts before its database does not crash-loop.
func openDB(ctx context.Context, cfg *config.Config, log *slog.Logger) (*bun.DB, error) {
	var (
		db  *bun.DB
		err error
	)
	if cfg.Database.Driver == config.DriverSQLite {
		log.Info("database", "driver", "sqlite", "path", cfg.Database.SQLitePath)
		db, err = store.OpenSQLite(cfg.Database.SQLitePath)
	} else {
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		dsn, rerr := cfg.Database.PostgresURL(rctx)
		cancel()
		if rerr != nil {
			return nil, rerr
		}
		log.Info("database", "driver", "postgres", "secret_id", cfg.Database.SecretID, "max_conns", cfg.Database.MaxConns)
		if cfg.Database.SecretID != "" {
			log.Info("database TLS", "sslmode", "verify-full", "ca_file", cfg.Database.CAFile, "host_parameter", cfg.Database.HostParameter)
		}
		db, err = store.OpenPostgres(dsn, cfg.Database.MaxConns)
	}
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(time.Minute)
	for {
		pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		err = db.PingContext(pctx)
		cancel()
		if err == nil {
			return db, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			db.Close()
			return nil, fmt.Errorf("database unreachable: %w", err)
		}
		log.Warn("waiting for the database", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(2 * time.Second):
		}
	}
}

func migrate(ctx context.Context, db *bun.DB, log *slog.Logger) error {
	applied, err := migrations.Apply(ctx, db)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		log.Info("schema is current")
	} else {
		log.Info("migrations applied", "migrations", applied)
	}
	return nil
}

// prepareSchema migrates the embedded SQLite file (zero set-up) but only
// checks PostgreSQL: there, the migration Job runs `server migrate` before
// a new version serves, and a server never changes the schema itself.
func prepareSchema(ctx context.Context, cfg *config.Config, db *bun.DB, log *slog.Logger) error {
	if cfg.Database.Driver == config.DriverSQLite {
		return migrate(ctx, db, log)
	}
	pending, err := migrations.Pending(ctx, db)
	if err != nil {
		return err
	}
	if len(pending) > 0 {
		return fmt.Errorf("the database schema is not current (pending: %s): run `server migrate` first", strings.Join(pending, ", "))
	}
	return nil
}

func loadDemo(ctx context.Context, st *store.Store, log *slog.Logger) error {
	res, err := seed.Load(ctx, st)
	if err != nil {
		return err
	}
	log.Info("demo catalog loaded", "categories", res.Categories, "products", res.Products, "created", res.Created)
	return nil
}

func serve(ctx context.Context, cfg *config.Config, mailCfg *config.Mail, db *bun.DB, st *store.Store, ln net.Listener, log *slog.Logger) error {
	if err := prepareSchema(ctx, cfg, db, log); err != nil {
		return err
	}
	if cfg.Database.Driver == config.DriverSQLite {
		if err := loadDemo(ctx, st, log); err != nil {
			return err
		}
	}
	// The services behind the domain's service layer, which checks every
	// input (domain/validated.go); httpapi.New would add it too.
	svc := domain.Validated(st.Services(), time.Now)
	if cfg.AdminEmail != "" {
		admin, err := svc.Accounts.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return fmt.Errorf("admin bootstrap: %w", err)
		}
		log.Info("admin ready", "email", admin.Email, "id", admin.ID)
	}
	log.Info("payments use the built-in test-card provider")
	mailer, err := newMailer(ctx, mailCfg, log)
	if err != nil {
		return err
	}
	// The mail worker lives as long as the server: messages it has not
	// sent when SIGTERM comes stay in the outbox for the next process.
	go (&mail.Worker{Outbox: svc.Mail, Mailer: mailer, Logger: log.With("component", "mail")}).Run(ctx)
	// The catalog cache follows every replica's catalog writes (PostgreSQL
	// LISTEN; a no-op on SQLite) for as long as the server runs.
	go st.WatchCatalog(ctx, log.With("component", "catalog-cache"))
	srv := httpapi.New(httpapi.Deps{
		CatalogVersion:  st.CatalogVersion,
		PublicURL:       mailCfg.PublicURL,
		Services:        svc,
		DB:              db,
		Image:           seed.SVG,
		Logger:          slog.Default(),
		Currency:        cfg.Currency,
		StaticDir:       cfg.StaticDir,
		ProxyHeader:     cfg.ProxyHeader,
		InsecureCookies: !cfg.CookieSecure,
	})
	return srv.RunListener(ctx, ln, cfg.DrainDelay, cfg.ShutdownTimeout)
}
