package config_test

import (
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/config"
)

func env(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	want := config.Config{
		ListenAddr:      ":8080",
		ShutdownTimeout: 20 * time.Second,
		DrainDelay:      5 * time.Second,
		CookieSecure:    true,
		Currency:        "USD",
		LogLevel:        slog.LevelInfo,
		Database: config.Database{Driver: "sqlite", SQLitePath: "./var/shop.db", MaxConns: 10,
			CAFile: "/etc/ssl/certs/shop-database-ca.pem"},
	}
	if *c != want {
		t.Fatalf("defaults\n got %+v\nwant %+v", *c, want)
	}
}

func TestValues(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"SHOP_LISTEN_ADDR":             "127.0.0.1:9000",
		"SHOP_DATABASE_URL":            "postgres://u:p@db:5432/shop",
		"SHOP_DATABASE_POOL_MAX_CONNS": "25",
		"SHOP_SHUTDOWN_TIMEOUT":        "45s",
		"SHOP_DRAIN_DELAY":             "0s",
		"SHOP_ADMIN_EMAIL":             "root@example.com",
		"SHOP_ADMIN_PASSWORD":          "long enough",
		"SHOP_COOKIE_SECURE":           "false",
		"SHOP_CURRENCY":                "EUR",
		"SHOP_SQLITE_PATH":             "/tmp/shop.db",
		"SHOP_STATIC_DIR":              "/srv/www",
		"SHOP_PROXY_HEADER":            "X-Forwarded-For",
		"SHOP_LOG_LEVEL":               "debug",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:9000" || c.Database.Driver != "postgres" || c.Database.MaxConns != 25 ||
		c.ShutdownTimeout != 45*time.Second || c.DrainDelay != 0 || c.AdminEmail != "root@example.com" ||
		c.AdminPassword != "long enough" || c.CookieSecure || c.Currency != "EUR" || c.Database.SQLitePath != "/tmp/shop.db" ||
		c.StaticDir != "/srv/www" || c.ProxyHeader != "X-Forwarded-For" || c.LogLevel != slog.LevelDebug {
		t.Fatalf("got %+v", c)
	}
	s, err := config.Load(env(map[string]string{"SHOP_DATABASE_SECRET_ID": "shop/db", "AWS_REGION": "eu-west-1"}))
	if err != nil || s.Database.Driver != "postgres" || s.Database.Region != "eu-west-1" || s.Database.SecretID != "shop/db" {
		t.Fatalf("secret config: %+v %v", s, err)
	}
	s, _ = config.Load(env(map[string]string{"SHOP_DATABASE_SECRET_ID": "shop/db", "AWS_REGION": "eu-west-1", "SHOP_AWS_REGION": "us-east-1"}))
	if s.Database.Region != "us-east-1" {
		t.Fatalf("SHOP_AWS_REGION must win over AWS_REGION: %s", s.Database.Region)
	}
	s, err = config.Load(env(map[string]string{"SHOP_DATABASE_SECRET_ID": "shop/db", "AWS_REGION": "eu-west-1", "SHOP_DATABASE_CA_FILE": "/run/ca.pem"}))
	if err != nil || s.Database.CAFile != "/run/ca.pem" {
		t.Fatalf("SHOP_DATABASE_CA_FILE: %+v %v", s, err)
	}
}

func TestBadValues(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"listen", map[string]string{"SHOP_LISTEN_ADDR": "8080"}, "SHOP_LISTEN_ADDR"},
		{"timeout", map[string]string{"SHOP_SHUTDOWN_TIMEOUT": "soon"}, "SHOP_SHUTDOWN_TIMEOUT"},
		{"negative drain", map[string]string{"SHOP_DRAIN_DELAY": "-1s"}, "SHOP_DRAIN_DELAY"},
		{"pool", map[string]string{"SHOP_DATABASE_POOL_MAX_CONNS": "0"}, "SHOP_DATABASE_POOL_MAX_CONNS"},
		{"admin half", map[string]string{"SHOP_ADMIN_EMAIL": "a@b.c"}, "set together"},
		{"admin short", map[string]string{"SHOP_ADMIN_EMAIL": "a@b.c", "SHOP_ADMIN_PASSWORD": "short"}, "at least 8"},
		{"cookie", map[string]string{"SHOP_COOKIE_SECURE": "maybe"}, "SHOP_COOKIE_SECURE"},
		{"currency", map[string]string{"SHOP_CURRENCY": "dollars"}, "SHOP_CURRENCY"},
		{"log", map[string]string{"SHOP_LOG_LEVEL": "loud"}, "SHOP_LOG_LEVEL"},
		{"both databases", map[string]string{"SHOP_DATABASE_URL": "postgres://h/db", "SHOP_DATABASE_SECRET_ID": "x"}, "not both"},
		{"bad url", map[string]string{"SHOP_DATABASE_URL": "mysql://secretpw@h/db"}, "SHOP_DATABASE_URL"},
		{"secret without region", map[string]string{"SHOP_DATABASE_SECRET_ID": "x"}, "region"},
		{"CA file with a URL", map[string]string{"SHOP_DATABASE_URL": "postgres://h/db", "SHOP_DATABASE_CA_FILE": "/ca.pem"}, "SHOP_DATABASE_CA_FILE applies to SHOP_DATABASE_SECRET_ID only"},
		{"CA file alone", map[string]string{"SHOP_DATABASE_CA_FILE": "/ca.pem"}, "SHOP_DATABASE_CA_FILE applies to SHOP_DATABASE_SECRET_ID only"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := config.Load(env(tt.env))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "secretpw") {
				t.Fatalf("the error leaks the database URL: %v", err)
			}
		})
	}
	// All problems at once.
	_, err := config.Load(env(map[string]string{"SHOP_CURRENCY": "x", "SHOP_LOG_LEVEL": "y"}))
	if err == nil || !strings.Contains(err.Error(), "SHOP_CURRENCY") || !strings.Contains(err.Error(), "SHOP_LOG_LEVEL") {
		t.Fatalf("want both errors, got %v", err)
	}
}

// The URL built from the secret verifies the server: verify-full (chain to
// the CA bundle and the host name) with the bundle as sslrootcert.
func TestDSNFromRDSSecret(t *testing.T) {
	const tls = "?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fcerts%2Fshop-database-ca.pem"
	tests := []struct {
		name, secret, want, err string
	}{
		{"rds generated", `{"username":"shop","password":"p@ss:w/rd?#","engine":"postgres","host":"db.abc.eu-west-1.rds.amazonaws.com","port":5432,"dbname":"shop","dbInstanceIdentifier":"x"}`,
			"postgres://shop:p%40ss%3Aw%2Frd%3F%23@db.abc.eu-west-1.rds.amazonaws.com:5432/shop" + tls, ""},
		{"string port, default db", `{"username":"u","password":"p","host":"h","port":"6543"}`, "postgres://u:p@h:6543/postgres" + tls, ""},
		{"no port", `{"username":"u","password":"p","host":"h","dbname":"d"}`, "postgres://u:p@h:5432/d" + tls, ""},
		{"missing fields", `{"username":"u"}`, "", "host, password"},
		{"bad port", `{"username":"u","password":"hunter2","host":"h","port":"x"}`, "", "port"},
		{"not json", `secret`, "", "RDS JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := config.DSNFromRDSSecret([]byte(tt.secret), config.DSNOptions{CAFile: "/etc/ssl/certs/shop-database-ca.pem"})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) || strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
			u, _ := url.Parse(got)
			if pw, _ := u.User.Password(); pw == "" {
				t.Fatalf("password lost in %s", got)
			}
		})
	}
	if _, err := config.DSNFromRDSSecret([]byte(`{"username":"u","password":"p","host":"h"}`), config.DSNOptions{}); err == nil {
		t.Fatal("a DSN without a CA bundle: TLS would not verify the server")
	}
}
