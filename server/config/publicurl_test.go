package config_test

import (
	"strings"
	"testing"

	"github.com/shopstack/shopstack/server/config"
)

func TestPublicURL(t *testing.T) {
	for v, want := range map[string]string{"": "", "https://shop.example.com": "https://shop.example.com", " https://shop.example.com/ ": "https://shop.example.com", "http://localhost:8080": "http://localhost:8080"} {
		c, err := config.Load(env(map[string]string{"SHOP_PUBLIC_URL": v}))
		if err != nil || c.PublicURL != want {
			t.Errorf("SHOP_PUBLIC_URL=%q: %q, %v; want %q", v, c.PublicURL, err, want)
		}
	}
	for _, v := range []string{"shop.example.com", "ftp://shop.example.com", "https://shop.example.com/shop", "https://u:p@shop.example.com", "https://shop.example.com/?a=1", "https://"} {
		if _, err := config.Load(env(map[string]string{"SHOP_PUBLIC_URL": v})); err == nil || !strings.Contains(err.Error(), "SHOP_PUBLIC_URL") {
			t.Errorf("SHOP_PUBLIC_URL=%q: error %v", v, err)
		}
	}
}
