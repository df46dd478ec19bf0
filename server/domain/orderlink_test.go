package domain

import (
	"strings"
	"testing"
	"time"
)

func TestOrderToken(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, time.UTC)
	tok := SignOrderToken(key, 42, now.Add(OrderLinkTTL))
	if id, err := VerifyOrderToken(key, tok, now); err != nil || id != 42 {
		t.Fatalf("verify: %d %v", id, err)
	}
	if OrderLinkTTL != 30*24*time.Hour {
		t.Fatalf("OrderLinkTTL = %v", OrderLinkTTL)
	}
	// Expired at exactly the expiry instant, and after.
	for _, at := range []time.Time{now.Add(OrderLinkTTL), now.Add(OrderLinkTTL + time.Hour)} {
		if _, err := VerifyOrderToken(key, tok, at); ErrorCode(err) != EFORBIDDEN {
			t.Fatalf("at %v: %v, want forbidden", at, err)
		}
	}
	parts := strings.Split(tok, ".")
	for name, bad := range map[string]string{
		"other key":   SignOrderToken([]byte("another key of thirty-two bytes!"), 42, now.Add(time.Hour)),
		"other id":    "43." + parts[1] + "." + parts[2],
		"padded id":   "042." + parts[1] + "." + parts[2],
		"other exp":   parts[0] + ".9999999999." + parts[2],
		"no sig":      parts[0] + "." + parts[1],
		"bad base64":  parts[0] + "." + parts[1] + ".!!!",
		"negative id": "-42." + parts[1] + "." + parts[2],
		"empty":       "",
	} {
		// Tampering is "not found" even when the token would be expired.
		if _, err := VerifyOrderToken(key, bad, now.Add(100*OrderLinkTTL)); ErrorCode(err) != ENOTFOUND {
			t.Errorf("%s: %v, want not_found", name, err)
		}
	}
	if got := OrderLinkURL("https://shop.example.com/", tok); got != "https://shop.example.com/orders/link/"+tok {
		t.Fatalf("OrderLinkURL = %s", got)
	}
}
