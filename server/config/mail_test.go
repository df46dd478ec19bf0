package config_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/config"
	"github.com/shopstack/shopstack/server/mail"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadMailDefaults(t *testing.T) {
	for listen, want := range map[string]string{":8080": "http://localhost:8080", "127.0.0.1:9000": "http://127.0.0.1:9000", "0.0.0.0:80": "http://localhost:80"} {
		m, err := config.LoadMail(envOf(nil), listen)
		if err != nil {
			t.Fatal(err)
		}
		if m.PublicURL != want {
			t.Errorf("listen %s: PublicURL %q, want %q", listen, m.PublicURL, want)
		}
		if m.Enabled() || m.SMTPPort != 587 || m.SMTPHost != "" || m.From != "" {
			t.Errorf("defaults: %+v", m)
		}
	}
	m, err := config.LoadMail(envOf(map[string]string{
		contract.EnvPublicURL: "https://shop.example.com/", contract.EnvSMTPHost: "email-smtp.eu-west-1.amazonaws.com",
		contract.EnvSMTPFrom: "Shop <shop@example.com>", contract.EnvSMTPUsername: "u", contract.EnvSMTPPassword: "p",
	}), ":8080")
	if err != nil {
		t.Fatal(err)
	}
	if m.PublicURL != "https://shop.example.com" || !m.Enabled() || m.SMTPPort != 587 {
		t.Fatalf("%+v", m)
	}
}

func TestLoadMailRejects(t *testing.T) {
	base := map[string]string{contract.EnvSMTPHost: "smtp.example.com", contract.EnvSMTPFrom: "shop@example.com"}
	for name, tt := range map[string]struct {
		env  map[string]string
		want string
	}{
		"public url scheme":   {map[string]string{contract.EnvPublicURL: "ftp://shop"}, contract.EnvPublicURL},
		"public url query":    {map[string]string{contract.EnvPublicURL: "https://shop.example.com/?a=1"}, contract.EnvPublicURL},
		"port without host":   {map[string]string{contract.EnvSMTPPort: "25"}, contract.EnvSMTPHost},
		"secret without host": {map[string]string{contract.EnvSMTPSecretID: "shop/ses"}, contract.EnvSMTPHost},
		"bad port":            {map[string]string{contract.EnvSMTPPort: "99999"}, contract.EnvSMTPPort},
		"host with port":      {map[string]string{contract.EnvSMTPHost: "smtp.example.com:587"}, contract.EnvSMTPHost},
		"no from":             {map[string]string{contract.EnvSMTPFrom: ""}, contract.EnvSMTPFrom},
		"bad from":            {map[string]string{contract.EnvSMTPFrom: "shop at example"}, contract.EnvSMTPFrom},
		"user alone":          {map[string]string{contract.EnvSMTPUsername: "u"}, contract.EnvSMTPPassword},
		"secret and user":     {map[string]string{contract.EnvSMTPSecretID: "shop/ses", contract.EnvSMTPUsername: "u", contract.EnvSMTPPassword: "hunter2", contract.EnvAWSRegion: "eu-west-1"}, "not both"},
		"secret no region":    {map[string]string{contract.EnvSMTPSecretID: "shop/ses"}, contract.EnvAWSRegion},
	} {
		env := map[string]string{}
		if name != "port without host" && name != "secret without host" && !strings.HasPrefix(name, "public") {
			for k, v := range base {
				env[k] = v
			}
		}
		for k, v := range tt.env {
			env[k] = v
		}
		_, err := config.LoadMail(envOf(env), ":8080")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want one naming %s", name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: the error echoes the password: %v", name, err)
		}
	}
}

func TestSMTPCredentialsFromSESSecret(t *testing.T) {
	m, err := config.LoadMail(envOf(map[string]string{
		contract.EnvSMTPHost: "email-smtp.eu-west-1.amazonaws.com", contract.EnvSMTPFrom: "shop@example.com",
		contract.EnvSMTPSecretID: "shop/ses-smtp", "AWS_REGION": "eu-west-1",
	}), ":8080")
	if err != nil {
		t.Fatal(err)
	}
	secrets := &fakeSecrets{secretString: `{"access_key_id":"AKIAIOSFODNN7EXAMPLE","secret_access_key":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`}
	user, pass, err := m.SMTPCredentialsFrom(context.Background(), secrets)
	if err != nil {
		t.Fatal(err)
	}
	if user != "AKIAIOSFODNN7EXAMPLE" || pass != mail.SESSMTPPassword("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "eu-west-1") {
		t.Fatalf("user %q pass %q", user, pass)
	}
	if len(secrets.asked) != 1 || secrets.asked[0] != "shop/ses-smtp" {
		t.Fatalf("asked %v", secrets.asked)
	}
	bad := &fakeSecrets{secretString: `{"username":"u","password":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`}
	if _, _, err := m.SMTPCredentialsFrom(context.Background(), bad); err == nil || strings.Contains(err.Error(), "EXAMPLEKEY") {
		t.Fatalf("a secret of the wrong shape: err %v (must fail without echoing it)", err)
	}
	// Username/password given directly need no AWS call.
	direct, err := config.LoadMail(envOf(map[string]string{contract.EnvSMTPHost: "localhost", contract.EnvSMTPFrom: "shop@example.com",
		contract.EnvSMTPUsername: "u", contract.EnvSMTPPassword: "p"}), ":8080")
	if err != nil {
		t.Fatal(err)
	}
	if u, p, err := direct.SMTPCredentials(context.Background()); err != nil || u != "u" || p != "p" {
		t.Fatalf("direct credentials: %q %q %v", u, p, err)
	}
}
