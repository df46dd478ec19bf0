package config

import (
	"strings"
	"testing"
	"time"

	"github.com/shopstack/shopstack/contract"
)

func TestLoadPurgeDefaults(t *testing.T) {
	p, err := LoadPurge(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	want := Purge{GuestCarts: 30 * day, IdempotencyKeys: 7 * day, Mail: 30 * day, PasswordResets: 7 * day, BatchSize: 1000}
	if *p != want {
		t.Fatalf("defaults %+v, want %+v", *p, want)
	}
}

func TestLoadPurgeValues(t *testing.T) {
	env := map[string]string{
		contract.EnvPurgeGuestCartDays:      "14",
		contract.EnvPurgeIdempotencyKeyDays: " 2 ",
		contract.EnvPurgeMailDays:           "90",
		contract.EnvPurgePasswordResetDays:  "1",
		contract.EnvPurgeBatchSize:          "500",
	}
	p, err := LoadPurge(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	day := 24 * time.Hour
	want := Purge{GuestCarts: 14 * day, IdempotencyKeys: 2 * day, Mail: 90 * day, PasswordResets: day, BatchSize: 500}
	if *p != want {
		t.Fatalf("got %+v, want %+v", *p, want)
	}
}

func TestLoadPurgeRejects(t *testing.T) {
	for name, value := range map[string]string{
		contract.EnvPurgeGuestCartDays:      "0",
		contract.EnvPurgeIdempotencyKeyDays: "-1",
		contract.EnvPurgeMailDays:           "30d",
		contract.EnvPurgePasswordResetDays:  "3651",
		contract.EnvPurgeBatchSize:          "100001",
	} {
		_, err := LoadPurge(func(k string) string {
			if k == name {
				return value
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), name) || !strings.Contains(err.Error(), value) {
			t.Errorf("%s=%s: error %v, want one naming the variable and value", name, value, err)
		}
	}
}
