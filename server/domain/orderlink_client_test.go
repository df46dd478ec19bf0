package domain_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
)

// TestClientOrderLinkRoute checks that the storefront routes the page the
// server's signed order links point at (domain.OrderLinkPath): an e-mailed
// link to a path the client does not know would be a 404 for the customer.
func TestClientOrderLinkRoute(t *testing.T) {
	for file, want := range map[string]string{
		"constants.ts": "orderLink: (token: string) => `" + domain.OrderLinkPath + "/${encodeURIComponent(token)}`",
		"App.tsx":      "path: '" + domain.OrderLinkPath + "/:token'",
	} {
		data, err := os.ReadFile(filepath.Join("..", "..", "client", "src", file))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), want) {
			t.Errorf("client/src/%s lacks %q", file, want)
		}
	}
}
