package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/shopstack/shopstack/server/domain"
)

// DefaultSMTPPort is the submission port with STARTTLS.
const DefaultSMTPPort = 587

// SMTPConfig says where and how to deliver.
type SMTPConfig struct {
	// Host is the SMTP server. Required.
	Host string
	// Port. Default: DefaultSMTPPort (587, STARTTLS). 465 means implicit TLS.
	Port int
	// Username and Password authenticate (PLAIN, over TLS only). Default:
	// no authentication.
	Username, Password string
	// From is the From address of every message. Required.
	From string
	// Timeout bounds one delivery. Default: 20s.
	Timeout time.Duration
	// TLSConfig overrides the TLS settings (tests). Default: the system
	// roots, server name Host.
	TLSConfig *tls.Config
	// DialContext opens the connection (tests point a remote name at a
	// local server). Default: a net.Dialer to Host:Port.
	DialContext func(ctx context.Context, network, address string) (net.Conn, error)
}

// IsLoopback reports whether host is this machine: only there is SMTP
// without TLS allowed (tests and local mail sinks).
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// SMTPMailer delivers through an SMTP server with go-mail: STARTTLS is
// mandatory (a server that does not offer it gets nothing, credentials
// least of all) except on a loopback host.
type SMTPMailer struct {
	cfg    SMTPConfig
	client *gomail.Client
}

// NewSMTP checks cfg and builds the client (it does not connect yet).
func NewSMTP(cfg SMTPConfig) (*SMTPMailer, error) {
	if cfg.Host == "" {
		return nil, errors.New("mail: no SMTP host")
	}
	if cfg.From == "" {
		return nil, errors.New("mail: no From address")
	}
	if cfg.Port == 0 {
		cfg.Port = DefaultSMTPPort
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 20 * time.Second
	}
	opts := []gomail.Option{gomail.WithPort(cfg.Port), gomail.WithTimeout(cfg.Timeout)}
	switch {
	case cfg.Port == 465:
		opts = append(opts, gomail.WithSSL())
	case IsLoopback(cfg.Host):
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}
	if cfg.TLSConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(cfg.TLSConfig))
	}
	if cfg.DialContext != nil {
		opts = append(opts, gomail.WithDialContextFunc(cfg.DialContext))
	}
	if cfg.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthPlain), gomail.WithUsername(cfg.Username), gomail.WithPassword(cfg.Password))
	}
	c, err := gomail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mail: SMTP client: %w", err)
	}
	// Check the From address once, at start, not at the first message.
	if err := gomail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("mail: From address %q: %w", cfg.From, err)
	}
	return &SMTPMailer{cfg: cfg, client: c}, nil
}

// Send delivers msg in its own SMTP session. Not safe for concurrent use
// (the Worker sends one message at a time).
func (m *SMTPMailer) Send(ctx context.Context, msg domain.MailMessage) error {
	gm := gomail.NewMsg()
	if err := gm.From(m.cfg.From); err != nil {
		return fmt.Errorf("mail: From: %w", err)
	}
	if err := gm.To(msg.To); err != nil {
		return fmt.Errorf("mail: To: %w", err)
	}
	gm.Subject(msg.Subject)
	gm.SetDate()
	gm.SetMessageID()
	gm.SetBodyString(gomail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		gm.AddAlternativeString(gomail.TypeTextHTML, msg.HTML)
	}
	ctx, cancel := context.WithTimeout(ctx, m.cfg.Timeout)
	defer cancel()
	if err := m.client.DialAndSendWithContext(ctx, gm); err != nil {
		return fmt.Errorf("mail: sending to %s via %s:%d: %w", msg.To, m.cfg.Host, m.cfg.Port, err)
	}
	return nil
}
