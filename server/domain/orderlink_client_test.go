package domain_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// TestClientOrderLinkRoute checks that the storefront routes the page the
// server's signed order links point at (domain.OrderLinkPath): an e-mailed
// link to a path the client does not know would be a 404 for the customer.
func TestClientOrderLinkRoute(t *testing.T) {
	for file, want := range map[string]string{
		"routes.ts":   "orderLink: '" + domain.OrderLinkPath + "/:token'",
		"routes.json": `"` + domain.OrderLinkPath + `/:token"`,
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

// TestClientRoutesMailLinks checks that the pages e-mails link to
// (contract.PageResetPassword, contract.PageOrder + id) are routes of the
// client's one route table.
func TestClientRoutesMailLinks(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "client", "src", "routes.json"))
	if err != nil {
		t.Fatal(err)
	}
	var routes []string
	if err := json.Unmarshal(data, &routes); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{contract.PageResetPassword, contract.PageOrder + ":id"} {
		if !slices.Contains(routes, want) {
			t.Errorf("client/src/routes.json lacks %q, a page the server's e-mails link to", want)
		}
	}
}
