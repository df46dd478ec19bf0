package domain

import "fmt"

// Length limits of text inputs, in characters (Unicode code points). They
// are the one source of these numbers: the validators below use them, the
// OpenAPI document exports them as maxLength/minLength (httpapi/limits.go),
// and the client's generated client/src/api/limits.ts copies them from that
// document (TestClientLimitsMatchOpenAPI fails when it is stale).
const (
	MaxPersonNameLen  = 100 // account name and address recipient
	MaxAddressLineLen = 200 // line1, line2
	MaxCityLen        = 100
	MaxRegionLen      = 100
	MaxPostalCodeLen  = 20
	MaxPhoneLen       = 30
	MaxEmailLen       = 254 // RFC 5321 path limit
	MaxProductNameLen = 200
	MaxDescriptionLen = 5000
)

// tooLong is the field message for an over-long value; it names the limit
// so that no one has to guess it.
func tooLong(max int) string { return fmt.Sprintf("must be at most %d characters", max) }
