package domain_test

import (
	"testing"

	"github.com/shopstack/shopstack/server/domain"
)

func TestCardBrand(t *testing.T) {
	for number, want := range map[string]string{
		"4242424242424242": "visa", "4242 4242 4242 4242": "visa", "5555555555554444": "mastercard",
		"2223003122003222": "mastercard", "378282246310005": "amex", "6011111111111117": "discover",
		"6500000000000002": "discover", "3530111333300000": "", "": "", "x": "",
	} {
		if got := domain.CardBrand(number); got != want {
			t.Errorf("CardBrand(%q) = %q, want %q", number, got, want)
		}
	}
}

func TestOrderStatusUpdateValidate(t *testing.T) {
	tests := []struct {
		in     domain.OrderStatusUpdate
		fields []string // nil: valid
	}{
		{domain.OrderStatusUpdate{Status: domain.OrderDelivered}, nil},
		{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "ups", TrackingNumber: "1z 999-aa1"}, nil},
		{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "other", TrackingNumber: "ABCD"}, nil},
		{domain.OrderStatusUpdate{Status: domain.OrderShipped}, []string{"carrier", "tracking_number"}},
		{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "UPS", TrackingNumber: "ABCD"}, []string{"carrier"}},
		{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "ups", TrackingNumber: "ABC"}, []string{"tracking_number"}},
		{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "ups", TrackingNumber: "A" + string(make([]byte, 40))}, []string{"tracking_number"}},
		{domain.OrderStatusUpdate{Status: domain.OrderShipped, Carrier: "ups", TrackingNumber: "ÄBCDE"}, []string{"tracking_number"}},
		{domain.OrderStatusUpdate{Status: domain.OrderCancelled, TrackingNumber: "ABCD"}, []string{"carrier"}},
		{domain.OrderStatusUpdate{Status: "lost"}, []string{"status"}},
	}
	for _, tt := range tests {
		err := tt.in.Validate()
		fields := domain.ErrorFields(err)
		if len(fields) != len(tt.fields) || (tt.fields == nil) != (err == nil) {
			t.Errorf("%+v: %v, want fields %v", tt.in, err, tt.fields)
		}
		for _, f := range tt.fields {
			if _, ok := fields[f]; !ok {
				t.Errorf("%+v: no error on %s (%v)", tt.in, f, fields)
			}
		}
	}
	if got := domain.NormalizeTrackingNumber(" 1z 999-aa1 "); got != "1Z999AA1" {
		t.Errorf("normalized %q", got)
	}
}
