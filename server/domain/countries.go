package domain

import (
	"sort"

	"golang.org/x/text/language"
)

// addressFormats are the countries the shop ships to, each with its postal
// address format in the notation of Google's address metadata
// (libaddressinput, https://chromium-i18n.appspot.com/ssl-address/data/<CC>,
// copied from google/libaddressinput cpp/src/region_data_constants.cc "fmt"):
// %N name, %O organisation, %A street lines, %D district, %C city,
// %S state/region, %Z postal code, %X sorting code, %n a new line; any other
// text is printed as is. The client prints addresses with these formats
// (client/src/api/countries.ts is generated from this table).
//
// The list is narrower than the world on purpose: the shop ships to these
// (EU/EFTA members it serves, the UK, North America, Japan, Australia and
// New Zealand), and each has a known address format. Every code must also
// be a real ISO 3166-1 country (IsISOCountry; TestShippingCountriesAreISO).
var addressFormats = map[string]string{
	"AT": "%O%n%N%n%A%n%Z %C",
	"AU": "%O%n%N%n%A%n%C %S %Z",
	"BE": "%O%n%N%n%A%n%Z %C",
	"CA": "%N%n%O%n%A%n%C %S %Z",
	"CH": "%O%n%N%n%A%nCH-%Z %C",
	"CZ": "%N%n%O%n%A%n%Z %C",
	"DE": "%N%n%O%n%A%n%Z %C",
	"DK": "%N%n%O%n%A%n%Z %C",
	"ES": "%N%n%O%n%A%n%Z %C %S",
	"FI": "%O%n%N%n%A%nFI-%Z %C",
	"FR": "%O%n%N%n%A%n%Z %C %X",
	"GB": "%N%n%O%n%A%n%C%n%S%n%Z",
	// Google's snapshot above has no %Z for Ireland (it predates Eircode,
	// introduced in 2015); the shop requires a postal code, so the Eircode
	// is printed on the last line, where An Post places it.
	"IE": "%N%n%O%n%A%n%C%n%S%n%Z",
	"IT": "%N%n%O%n%A%n%Z %C %S",
	"JP": "〒%Z%n%S%C%n%A%n%O%n%N",
	"NL": "%O%n%N%n%A%n%Z %C",
	"NO": "%N%n%O%n%A%n%Z %C",
	"NZ": "%N%n%O%n%A%n%D%n%C %Z",
	"PL": "%N%n%O%n%A%n%Z %C",
	"PT": "%N%n%O%n%A%n%Z %C",
	"SE": "%O%n%N%n%A%nSE-%Z %C",
	"US": "%N%n%O%n%A%n%C, %S %Z",
}

// ShippingCountries returns the codes of the countries the shop ships to,
// sorted.
func ShippingCountries() []string {
	codes := make([]string, 0, len(addressFormats))
	for c := range addressFormats {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	return codes
}

// AddressFormat returns the address format of a shipping country ("" for
// any other code).
func AddressFormat(code string) string { return addressFormats[code] }

// IsShippingCountry reports whether the shop ships to code (upper case).
func IsShippingCountry(code string) bool {
	_, ok := addressFormats[code]
	return ok
}

// IsISOCountry reports whether code is an upper-case ISO 3166-1 alpha-2
// country according to golang.org/x/text's CLDR region data. ParseRegion
// alone accepts far more (ZZ "unknown", the private-use AA, QM-QZ, XA-XZ,
// groups like EU); IsCountry drops those, Canonicalize drops deprecated
// codes with one successor (BU -> MM, ZR -> CD), and ISO3 "ZZZ" marks
// CLDR-only codes without an ISO 3166-1 alpha-3 (EA, IC, EZ, UN). Codes
// deprecated without a single successor (SU, YU, CS) still pass: the
// shipping list (IsShippingCountry) is what an address must finally match.
func IsISOCountry(code string) bool {
	if len(code) != 2 || !isASCIIAlpha(code) || code != toUpperASCII(code) {
		return false
	}
	r, err := language.ParseRegion(code)
	return err == nil && r.String() == code && r.Canonicalize() == r && r.IsCountry() && r.ISO3() != "ZZZ"
}

func toUpperASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
