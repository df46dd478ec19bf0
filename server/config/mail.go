package config

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/shopstack/shopstack/contract"
	shopmail "github.com/shopstack/shopstack/server/mail"
)

// Mail is the outgoing mail configuration. With no SMTPHost the server
// delivers to its dev outbox (the log) instead.
type Mail struct {
	// PublicURL starts every link in an e-mail (contract.EnvPublicURL),
	// without a trailing slash. Default: http://localhost:<port of the
	// listen address>, right for `task up`.
	PublicURL string
	// PublicURLDefaulted says PublicURL is the default, derived from the
	// configured listen address: main re-derives it from the address
	// actually bound (a listen address with port 0 gets a free port).
	PublicURLDefaulted bool
	// SMTPHost (contract.EnvSMTPHost). Default "": the dev outbox.
	SMTPHost string
	// SMTPPort (contract.EnvSMTPPort). Default 587, STARTTLS mandatory
	// except on a loopback host.
	SMTPPort int
	// SMTPUsername / SMTPPassword authenticate (set both or neither).
	SMTPUsername string
	SMTPPassword string
	// SMTPSecretID names a Secrets Manager secret holding an IAM access
	// key for Amazon SES (contract.EnvSMTPSecretID); replaces the
	// username and password. Region is the one of SES and the secret.
	SMTPSecretID string
	Region       string
	// From is the From address of every message (contract.EnvSMTPFrom).
	// Required with SMTPHost.
	From string
}

// Enabled reports whether mail goes to an SMTP server.
func (m Mail) Enabled() bool { return m.SMTPHost != "" }

// LoadMail reads the mail settings through getenv. listenAddr is the
// server's (Config.ListenAddr), for the default PublicURL. Every bad value
// is reported, naming the variable; passwords are never echoed.
func LoadMail(getenv func(string) string, listenAddr string) (*Mail, error) {
	var errs []error
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	m := &Mail{SMTPPort: shopmail.DefaultSMTPPort}

	m.PublicURL, m.PublicURLDefaulted = DefaultPublicURL(listenAddr), true
	if v := get(contract.EnvPublicURL); v != "" {
		m.PublicURLDefaulted = false
		u, err := url.Parse(v)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
			errs = append(errs, fmt.Errorf("%s=%q: must be an http(s) URL such as https://shop.example.com (no query, fragment or credentials)", contract.EnvPublicURL, v))
		}
		m.PublicURL = strings.TrimRight(v, "/")
	}

	m.SMTPHost = get(contract.EnvSMTPHost)
	if v := get(contract.EnvSMTPPort); v != "" {
		p, err := strconv.Atoi(v)
		if err != nil || p < 1 || p > 65535 {
			errs = append(errs, fmt.Errorf("%s=%q: must be a port number (default %d)", contract.EnvSMTPPort, v, shopmail.DefaultSMTPPort))
		}
		m.SMTPPort = p
	}
	m.SMTPUsername = get(contract.EnvSMTPUsername)
	m.SMTPPassword = getenv(contract.EnvSMTPPassword)
	m.SMTPSecretID = get(contract.EnvSMTPSecretID)
	m.From = get(contract.EnvSMTPFrom)
	m.Region = get(contract.EnvAWSRegion)
	if m.Region == "" {
		m.Region = get("AWS_REGION")
	}

	if m.SMTPHost == "" {
		for _, name := range []string{contract.EnvSMTPPort, contract.EnvSMTPUsername, contract.EnvSMTPPassword, contract.EnvSMTPSecretID} {
			if getenv(name) != "" {
				errs = append(errs, fmt.Errorf("%s is set but %s is not: set the SMTP host too (or neither)", name, contract.EnvSMTPHost))
			}
		}
	} else {
		if strings.ContainsAny(m.SMTPHost, " /:") {
			errs = append(errs, fmt.Errorf("%s=%q: must be a host name or IP address (the port goes in %s)", contract.EnvSMTPHost, m.SMTPHost, contract.EnvSMTPPort))
		}
		if m.From == "" {
			errs = append(errs, fmt.Errorf("%s is required with %s", contract.EnvSMTPFrom, contract.EnvSMTPHost))
		} else if _, err := mail.ParseAddress(m.From); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: must be an address such as \"Shop <shop@example.com>\"", contract.EnvSMTPFrom, m.From))
		}
		if (m.SMTPUsername == "") != (m.SMTPPassword == "") {
			errs = append(errs, fmt.Errorf("%s and %s must be set together (or neither)", contract.EnvSMTPUsername, contract.EnvSMTPPassword))
		}
		if m.SMTPSecretID != "" {
			if m.SMTPUsername != "" || m.SMTPPassword != "" {
				errs = append(errs, fmt.Errorf("set %s or %s/%s, not both", contract.EnvSMTPSecretID, contract.EnvSMTPUsername, contract.EnvSMTPPassword))
			}
			if m.Region == "" {
				errs = append(errs, fmt.Errorf("%s needs a region (SES SMTP passwords are per region): set %s or AWS_REGION", contract.EnvSMTPSecretID, contract.EnvAWSRegion))
			}
		}
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return m, nil
}

// DefaultPublicURL is the listen address as seen from this machine.
func DefaultPublicURL(listenAddr string) string {
	host, port, err := net.SplitHostPort(listenAddr)
	if err != nil || port == "" {
		port = strconv.Itoa(contract.Port)
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// SMTPCredentials returns the user name and password to authenticate
// with: the configured pair, or those derived from the SES secret (read
// through the default AWS credential chain: EKS Pod Identity in the cluster).
func (m Mail) SMTPCredentials(ctx context.Context) (username, password string, err error) {
	if m.SMTPSecretID == "" {
		return m.SMTPUsername, m.SMTPPassword, nil
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(m.Region))
	if err != nil {
		return "", "", fmt.Errorf("config: AWS configuration: %w", err)
	}
	return m.SMTPCredentialsFrom(ctx, secretsmanager.NewFromConfig(awsCfg))
}

// SMTPCredentialsFrom reads the SES secret through secrets: the SMTP user
// name is the access key id, the password is derived from the secret key
// for m.Region (mail.SESSMTPPassword). Errors never contain the key.
func (m Mail) SMTPCredentialsFrom(ctx context.Context, secrets SecretsAPI) (username, password string, err error) {
	out, err := secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(m.SMTPSecretID)})
	if err != nil {
		return "", "", fmt.Errorf("config: reading secret %s (%s): %w", m.SMTPSecretID, contract.EnvSMTPSecretID, err)
	}
	if out.SecretString == nil {
		return "", "", fmt.Errorf("config: secret %s (%s) has no string value", m.SMTPSecretID, contract.EnvSMTPSecretID)
	}
	// The secret is an IAM access key allowed to send through SES, under
	// the keys the CDK writes (contract.SMTPSecret*).
	var s map[string]string
	if err := json.Unmarshal([]byte(*out.SecretString), &s); err != nil || s[contract.SMTPSecretAccessKeyID] == "" || s[contract.SMTPSecretSecretAccessKey] == "" {
		return "", "", fmt.Errorf("config: secret %s (%s) must be the JSON object {%q, %q}", m.SMTPSecretID, contract.EnvSMTPSecretID, contract.SMTPSecretAccessKeyID, contract.SMTPSecretSecretAccessKey)
	}
	return s[contract.SMTPSecretAccessKeyID], shopmail.SESSMTPPassword(s[contract.SMTPSecretSecretAccessKey], m.Region), nil
}
