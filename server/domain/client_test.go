package domain_test

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
)

// TestClientDefaultCurrency checks the client's copy of the default
// currency (client/src/constants.ts DEFAULT_CURRENCY) against
// domain.DefaultCurrency: the client cannot import Go, so a change on one
// side only would otherwise pass every test.
func TestClientDefaultCurrency(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "client", "src", "constants.ts"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^export const DEFAULT_CURRENCY = '([^']*)';$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("client/src/constants.ts: no export const DEFAULT_CURRENCY = '...';")
	}
	if got := string(m[1]); got != domain.DefaultCurrency {
		t.Errorf("client/src/constants.ts DEFAULT_CURRENCY = %q, want domain.DefaultCurrency %q", got, domain.DefaultCurrency)
	}
}
