package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// syncBuffer collects logs written from several goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envOf(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

func TestUsage(t *testing.T) {
	for _, args := range [][]string{{"frobnicate"}, {"serve", "extra"}} {
		if err := run(context.Background(), args, envOf(nil), io.Discard); err != errUsage {
			t.Errorf("run(%v) = %v, want the usage error", args, err)
		}
	}
	if err := run(context.Background(), []string{"migrate"}, envOf(map[string]string{"SHOP_CURRENCY": "x"}), io.Discard); err == nil ||
		!strings.Contains(err.Error(), "SHOP_CURRENCY") {
		t.Errorf("bad config: %v", err)
	}
}

// TestSQLiteZeroSetUp: with no configuration but a SQLite path, `serve`
// migrates, seeds, bootstraps the admin and answers; SIGTERM (a cancelled
// context) drains and returns cleanly.
func TestSQLiteZeroSetUp(t *testing.T) {
	srv := startServe(t, map[string]string{
		"SHOP_SQLITE_PATH":    filepath.Join(t.TempDir(), "nested", "shop.db"),
		"SHOP_ADMIN_EMAIL":    "admin@example.com",
		"SHOP_ADMIN_PASSWORD": "test-admin-" + fmt.Sprint(time.Now().UnixNano()),
	})
	base, logs := srv.base, srv.logs
	resp, err := http.Get(base + "/api/v1/products?per_page=100")
	if err != nil {
		t.Fatal(err)
	}
	var page struct {
		Items []struct {
			SKU    string   `json:"sku"`
			Images []string `json:"images"`
		} `json:"items"`
		Total int `json:"total"`
	}
	json.NewDecoder(resp.Body).Decode(&page) //nolint:errcheck
	resp.Body.Close()
	if page.Total < 60 || len(page.Items) == 0 {
		t.Fatalf("demo catalog: total %d\n%s", page.Total, logs)
	}
	img, err := http.Get(base + page.Items[0].Images[0])
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(img.Body)
	img.Body.Close()
	if img.StatusCode != 200 || !bytes.HasPrefix(body, []byte("<svg")) {
		t.Fatalf("image %s: %d %.80s", page.Items[0].Images[0], img.StatusCode, body)
	}

	stopped := make(chan error, 1)
	go func() { stopped <- srv.stop() }()
	select {
	case err := <-stopped:
		if err != nil {
			t.Fatalf("serve after SIGTERM: %v\n%s", err, logs)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not stop after the context was cancelled")
	}
	for _, want := range []string{`"msg":"demo catalog loaded"`, `"msg":"admin ready"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
	// Structured logs: every line is a JSON object.
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if !json.Valid([]byte(line)) {
			t.Errorf("log line is not JSON: %s", line)
		}
	}
}

// TestPostgresNeedsMigrate: on PostgreSQL, serve and seed refuse an
// unmigrated database; migrate then seed work and are idempotent.
func TestPostgresNeedsMigrate(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	env := envOf(map[string]string{"SHOP_DATABASE_URL": dsn, "SHOP_LISTEN_ADDR": "127.0.0.1:0"})
	ctx := context.Background()
	for _, cmd := range []string{"serve", "seed"} {
		err := run(ctx, []string{cmd}, env, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "server migrate") {
			t.Fatalf("%s on an unmigrated database: %v", cmd, err)
		}
	}
	logs := &syncBuffer{}
	for _, cmd := range []string{"migrate", "migrate", "seed", "seed"} {
		if err := run(ctx, []string{cmd}, env, logs); err != nil {
			t.Fatalf("%s: %v\n%s", cmd, err, logs)
		}
	}
	for _, want := range []string{`"msg":"migrations applied"`, `"msg":"schema is current"`, `"created":64`, `"created":0`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %s:\n%s", want, logs)
		}
	}
}
