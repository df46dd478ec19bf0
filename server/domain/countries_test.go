package domain_test

import (
	"strings"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
)

func TestIsISOCountry(t *testing.T) {
	for _, c := range []string{"US", "DE", "FR", "JP", "GB", "IE", "BR", "ZA", "NZ"} {
		if !domain.IsISOCountry(c) {
			t.Errorf("IsISOCountry(%q) = false, want true", c)
		}
	}
	reject := []string{"ZZ", "AA", "EU", "UN", "EZ", "EA", "IC", "UK", "us", "U", "USA", "", "1A", "BU", "ZR", "TP"}
	for c := 'M'; c <= 'Z'; c++ {
		reject = append(reject, "Q"+string(c))
	}
	for c := 'A'; c <= 'Z'; c++ {
		if c != 'K' { // XK (Kosovo) is user-assigned but in wide use; it is not shipped to either
			reject = append(reject, "X"+string(c))
		}
	}
	for _, c := range reject {
		if domain.IsISOCountry(c) {
			t.Errorf("IsISOCountry(%q) = true, want false", c)
		}
	}
}

func TestShippingCountriesAreISO(t *testing.T) {
	codes := domain.ShippingCountries()
	if len(codes) < 20 {
		t.Fatalf("only %d shipping countries", len(codes))
	}
	for _, c := range codes {
		if !domain.IsISOCountry(c) {
			t.Errorf("shipping country %q is not an ISO 3166-1 country", c)
		}
		f := domain.AddressFormat(c)
		for _, tok := range []string{"%N", "%A", "%C", "%Z"} {
			if !strings.Contains(f, tok) {
				t.Errorf("%s format %q lacks %s", c, f, tok)
			}
		}
	}
	if domain.IsShippingCountry("XK") || domain.IsShippingCountry("ZZ") {
		t.Error("XK/ZZ must not be shipping countries")
	}
}

func TestAddressCountry(t *testing.T) {
	base := domain.Address{Name: "A", Line1: "1 St", City: "C", PostalCode: "1"}
	for _, tc := range []struct {
		country, want string
	}{
		{"US", ""}, {"de", ""}, {" jp ", ""}, {"IE", ""},
		{"ZZ", "must be an ISO 3166-1 alpha-2 country code"},
		{"AA", "must be an ISO 3166-1 alpha-2 country code"},
		{"QZ", "must be an ISO 3166-1 alpha-2 country code"},
		{"XA", "must be an ISO 3166-1 alpha-2 country code"},
		{"USA", "must be an ISO 3166-1 alpha-2 country code"},
		{"BR", "is not a country the shop ships to"},
	} {
		a := base
		a.Country = tc.country
		got := domain.ErrorFields(a.Validate())["country"]
		if got != tc.want {
			t.Errorf("country %q: field error %q, want %q", tc.country, got, tc.want)
		}
	}
}

func TestTooLongNamesTheLimit(t *testing.T) {
	a := domain.Address{Name: strings.Repeat("n", domain.MaxPersonNameLen+1), Line1: "1 St", City: "C", PostalCode: "1", Country: "US"}
	if got := domain.ErrorFields(a.Validate())["name"]; got != "must be at most 100 characters" {
		t.Errorf("name: %q", got)
	}
	a.Name = strings.Repeat("n", domain.MaxPersonNameLen)
	if err := a.Validate(); err != nil {
		t.Errorf("name at the limit: %v", err)
	}
}
