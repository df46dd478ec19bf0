package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/config"
	"github.com/shopstack/shopstack/server/mail"
)

// newMailer is the SMTP mailer of cfg, or, with no SMTP host, the dev
// outbox that logs every message whole (and a WARN saying so).
func newMailer(ctx context.Context, cfg *config.Mail, log *slog.Logger) (mail.Mailer, error) {
	if !cfg.Enabled() {
		log.Warn("mail is not being sent: no "+contract.EnvSMTPHost+" configured; every message is logged at INFO instead (the dev outbox)",
			"public_url", cfg.PublicURL)
		return mail.LogMailer{Logger: log.With("component", "mail")}, nil
	}
	rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	user, pass, err := cfg.SMTPCredentials(rctx)
	if err != nil {
		return nil, err
	}
	m, err := mail.NewSMTP(mail.SMTPConfig{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: user, Password: pass, From: cfg.From})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", contract.EnvSMTPHost, err)
	}
	log.Info("mail goes out by SMTP", "host", cfg.SMTPHost, "port", cfg.SMTPPort, "from", cfg.From,
		"auth", user != "", "ses_secret", cfg.SMTPSecretID, "starttls_required", !mail.IsLoopback(cfg.SMTPHost), "public_url", cfg.PublicURL)
	return m, nil
}
