package httpapi

import (
	"reflect"

	"github.com/shopstack/shopstack/server/domain"
)

// inputLimit is what the OpenAPI document says about the size of one
// request field: minLength/maxLength for strings (in characters), the
// domain's own constants, so the document, the validators and the client's
// generated limits (client/src/api/limits.ts) cannot drift apart.
type inputLimit struct{ minLength, maxLength int }

var inputLimits = map[reflect.Type]map[string]inputLimit{
	reflect.TypeOf(domain.Address{}): {
		"name":        {maxLength: domain.MaxPersonNameLen},
		"line1":       {maxLength: domain.MaxAddressLineLen},
		"line2":       {maxLength: domain.MaxAddressLineLen},
		"city":        {maxLength: domain.MaxCityLen},
		"region":      {maxLength: domain.MaxRegionLen},
		"postal_code": {maxLength: domain.MaxPostalCodeLen},
		"country":     {minLength: 2, maxLength: 2},
		"phone":       {maxLength: domain.MaxPhoneLen},
	},
	reflect.TypeOf(domain.RegisterInput{}): {
		"email":    {maxLength: domain.MaxEmailLen},
		"password": {minLength: domain.MinPasswordLen, maxLength: domain.MaxPasswordLen},
		"name":     {maxLength: domain.MaxPersonNameLen},
	},
	reflect.TypeOf(domain.ProfileUpdate{}): {
		"name": {maxLength: domain.MaxPersonNameLen},
	},
	reflect.TypeOf(domain.ProductCreate{}): {
		"name":        {maxLength: domain.MaxProductNameLen},
		"description": {maxLength: domain.MaxDescriptionLen},
	},
	reflect.TypeOf(domain.ProductUpdate{}): {
		"name":        {maxLength: domain.MaxProductNameLen},
		"description": {maxLength: domain.MaxDescriptionLen},
	},
}

// applyInputLimits adds the limits of struct t's JSON field name to its
// property schema ps.
func applyInputLimits(t reflect.Type, name string, ps map[string]any) {
	l, ok := inputLimits[t][name]
	if !ok || ps["type"] != "string" {
		return
	}
	if l.minLength > 0 {
		ps["minLength"] = l.minLength
	}
	if l.maxLength > 0 {
		ps["maxLength"] = l.maxLength
	}
}
