package main

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/internal/mailtest"
)

// serveFor starts `serve` with env plus a SQLite file (startServe) and
// returns its base URL and logs.
func serveFor(t *testing.T, extra map[string]string) (string, *syncBuffer) {
	t.Helper()
	kv := map[string]string{"SHOP_SQLITE_PATH": filepath.Join(t.TempDir(), "shop.db")}
	for k, v := range extra {
		kv[k] = v
	}
	srv := startServe(t, kv)
	return srv.base, srv.logs
}

func requestReset(t *testing.T, base, email string) {
	t.Helper()
	resp, err := http.Post(base+"/api/v1/auth/password-reset", "application/json", strings.NewReader(fmt.Sprintf(`{"email":%q}`, email)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 202 {
		t.Fatalf("status %d", resp.StatusCode)
	}
}

// With no SMTP host the server says so at start and logs every message
// whole: the dev outbox of `task up`.
func TestServeDevOutbox(t *testing.T) {
	base, logs := serveFor(t, map[string]string{"SHOP_ADMIN_EMAIL": "admin@example.com", "SHOP_ADMIN_PASSWORD": "admin-password-1"})
	if !strings.Contains(logs.String(), `"level":"WARN","msg":"mail is not being sent`) {
		t.Fatalf("no WARN about mail at start:\n%s", logs)
	}
	requestReset(t, base, "admin@example.com")
	want := base + "/account/reset-password#token="
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(logs.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("the dev outbox did not log the reset link %s:\n%s", want, logs)
		}
		time.Sleep(50 * time.Millisecond) // polling the log for a condition
	}
	if !strings.Contains(logs.String(), `"level":"INFO","msg":"dev outbox`) {
		t.Fatalf("the dev outbox must log at INFO:\n%s", logs)
	}
}

// With SMTP configured the worker in `serve` delivers; the link starts with
// SHOP_PUBLIC_URL.
func TestServeSendsBySMTP(t *testing.T) {
	sink, err := mailtest.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	base, logs := serveFor(t, map[string]string{
		"SHOP_ADMIN_EMAIL": "admin@example.com", "SHOP_ADMIN_PASSWORD": "admin-password-1",
		"SHOP_SMTP_HOST": "127.0.0.1", "SHOP_SMTP_PORT": fmt.Sprint(sink.Port()), "SHOP_SMTP_FROM": "Shop <shop@example.com>",
		"SHOP_PUBLIC_URL": "https://shop.example.com",
	})
	if strings.Contains(logs.String(), "mail is not being sent") {
		t.Fatal("WARN about mail although SMTP is configured")
	}
	requestReset(t, base, "admin@example.com")
	m, err := sink.Wait(20*time.Second, func(m mailtest.Message) bool { return m.Subject == "Reset your password" })
	if err != nil {
		t.Fatalf("%v\n%s", err, logs)
	}
	if !strings.Contains(m.Text, "https://shop.example.com/account/reset-password#token=") {
		t.Fatalf("link:\n%s", m.Text)
	}
}
