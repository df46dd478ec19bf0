// Package config reads the server's configuration from SHOP_* environment
// variables (names in contract) and resolves the database: an
// embedded SQLite file by default, PostgreSQL from a URL, or PostgreSQL
// from an RDS-generated Secrets Manager secret (TLS verify-full; through
// the RDS Proxy when an SSM parameter names its endpoint).
package config

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsconfig "github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/ssm"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// Database drivers.
const (
	DriverSQLite   = "sqlite"
	DriverPostgres = "postgres"
)

// Defaults.
const (
	DefaultSQLitePath      = "./var/shop.db"
	DefaultPoolMaxConns    = 10
	DefaultShutdownTimeout = 20 * time.Second
	DefaultDrainDelay      = 5 * time.Second
	DefaultCurrency        = domain.DefaultCurrency
)

// Config is the server's configuration.
type Config struct {
	// ListenAddr, from SHOP_LISTEN_ADDR. Default ":8080".
	ListenAddr string
	Database   Database
	// ShutdownTimeout bounds the drain of in-flight requests on SIGTERM.
	// Default 20s.
	ShutdownTimeout time.Duration
	// DrainDelay is how long readiness fails before the listener closes.
	// Default 5s.
	DrainDelay time.Duration
	// AdminEmail/AdminPassword bootstrap an admin when both are set.
	AdminEmail    string
	AdminPassword string
	// CookieSecure sets Secure on cookies. Default true.
	CookieSecure bool
	// Currency of the shop. Default USD.
	Currency string
	// StaticDir, when set, serves the built client too. Default "".
	StaticDir string
	// ProxyHeader holds the client IP behind a load balancer. Default "".
	ProxyHeader string
	// LogLevel of the JSON logs. Default info.
	LogLevel slog.Level
}

// Database says which database to use.
type Database struct {
	// Driver is DriverPostgres when a URL or a secret id is set, else DriverSQLite.
	Driver string
	// SQLitePath is the SQLite file. Default ./var/shop.db (its directory is
	// created); point it under /tmp on a read-only root file system.
	SQLitePath string
	// URL is the PostgreSQL URL from SHOP_DATABASE_URL.
	URL string
	// SecretID and Region locate an RDS secret (SHOP_DATABASE_SECRET_ID,
	// SHOP_AWS_REGION falling back to AWS_REGION).
	SecretID string
	Region   string
	// HostParameter is an SSM parameter whose value replaces the secret's
	// host (SHOP_DATABASE_HOST_PARAMETER): the RDS Proxy endpoint, written
	// there by the database stack. Default "": the secret's host.
	HostParameter string
	// CAFile is the PEM bundle that verifies the server certificate of a
	// URL built from the secret (SHOP_DATABASE_CA_FILE). Default
	// contract.DefaultDatabaseCAFile, where the image puts it.
	CAFile string
	// MaxConns caps the pool per process. Default 10.
	MaxConns int
}

// Load reads the configuration through getenv (os.Getenv in main). Every
// bad value is reported, each naming the variable, the value and what is
// allowed.
func Load(getenv func(string) string) (*Config, error) {
	var errs []error
	bad := func(name, value, allowed string) {
		errs = append(errs, fmt.Errorf("%s=%q: %s", name, value, allowed))
	}
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }

	c := &Config{
		ListenAddr:      fmt.Sprintf(":%d", contract.Port),
		ShutdownTimeout: DefaultShutdownTimeout,
		DrainDelay:      DefaultDrainDelay,
		CookieSecure:    true,
		Currency:        DefaultCurrency,
		LogLevel:        slog.LevelInfo,
		Database:        Database{Driver: DriverSQLite, SQLitePath: DefaultSQLitePath, MaxConns: DefaultPoolMaxConns, CAFile: contract.DefaultDatabaseCAFile},
	}
	if v := get(contract.EnvListenAddr); v != "" {
		if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
			bad(contract.EnvListenAddr, v, "must be host:port or :port")
		}
		c.ListenAddr = v
	}
	duration := func(name string, dst *time.Duration) {
		if v := get(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d < 0 {
				bad(name, v, "must be a non-negative Go duration such as 30s")
				return
			}
			*dst = d
		}
	}
	duration(contract.EnvShutdownTimeout, &c.ShutdownTimeout)
	duration(contract.EnvDrainDelay, &c.DrainDelay)

	c.AdminEmail, c.AdminPassword = get(contract.EnvAdminEmail), getenv(contract.EnvAdminPassword)
	if (c.AdminEmail == "") != (c.AdminPassword == "") {
		errs = append(errs, fmt.Errorf("%s and %s must be set together (or neither)", contract.EnvAdminEmail, contract.EnvAdminPassword))
	}
	if c.AdminPassword != "" && len([]rune(c.AdminPassword)) < 8 {
		errs = append(errs, fmt.Errorf("%s: must be at least 8 characters", contract.EnvAdminPassword))
	}
	if v := get(contract.EnvCookieSecure); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			bad(contract.EnvCookieSecure, v, "must be true or false")
		}
		c.CookieSecure = b
	}
	if v := get(contract.EnvCurrency); v != "" {
		if !regexp.MustCompile(`^[A-Z]{3}$`).MatchString(v) {
			bad(contract.EnvCurrency, v, "must be an ISO 4217 code such as USD")
		}
		c.Currency = v
	}
	c.StaticDir = get(contract.EnvStaticDir)
	c.ProxyHeader = get(contract.EnvProxyHeader)
	if v := get(contract.EnvLogLevel); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			bad(contract.EnvLogLevel, v, "must be debug, info, warn or error")
		}
	}

	db := &c.Database
	if v := get(contract.EnvSQLitePath); v != "" {
		db.SQLitePath = v
	}
	db.URL = get(contract.EnvDatabaseURL)
	db.SecretID = get(contract.EnvDatabaseSecretID)
	db.Region = get(contract.EnvAWSRegion)
	if db.Region == "" {
		db.Region = get("AWS_REGION")
	}
	if v := get(contract.EnvDatabaseHostParameter); v != "" {
		db.HostParameter = v
		if db.SecretID == "" {
			errs = append(errs, fmt.Errorf("%s replaces the host of %s and needs it", contract.EnvDatabaseHostParameter, contract.EnvDatabaseSecretID))
		}
		if strings.ContainsAny(v, " \t") {
			bad(contract.EnvDatabaseHostParameter, v, "must be an SSM parameter name or ARN")
		}
	}
	if v := get(contract.EnvDatabaseCAFile); v != "" {
		db.CAFile = v
		if db.SecretID == "" {
			errs = append(errs, fmt.Errorf("%s applies to %s only; with %s put sslrootcert in the URL",
				contract.EnvDatabaseCAFile, contract.EnvDatabaseSecretID, contract.EnvDatabaseURL))
		}
	}
	switch {
	case db.URL != "" && db.SecretID != "":
		errs = append(errs, fmt.Errorf("set %s or %s, not both", contract.EnvDatabaseURL, contract.EnvDatabaseSecretID))
	case db.URL != "":
		db.Driver = DriverPostgres
		if u, err := url.Parse(db.URL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
			// Never echo the URL: it may hold a password.
			errs = append(errs, fmt.Errorf("%s: must be a postgres://user:password@host:port/dbname URL", contract.EnvDatabaseURL))
		}
	case db.SecretID != "":
		db.Driver = DriverPostgres
		if db.Region == "" {
			errs = append(errs, fmt.Errorf("%s needs a region: set %s or AWS_REGION", contract.EnvDatabaseSecretID, contract.EnvAWSRegion))
		}
	}
	if v := get(contract.EnvDatabasePoolMaxConns); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			bad(contract.EnvDatabasePoolMaxConns, v, "must be an integer from 1 to 1000")
		}
		db.MaxConns = n
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("config: %w", errors.Join(errs...))
	}
	return c, nil
}

// PostgresURL returns the PostgreSQL URL: SHOP_DATABASE_URL as given, or
// built from the Secrets Manager secret (read through the default AWS
// credential chain: EKS Pod Identity in the cluster).
func (d Database) PostgresURL(ctx context.Context) (string, error) {
	if d.URL != "" {
		return d.URL, nil
	}
	if d.SecretID == "" {
		return "", errors.New("config: no PostgreSQL configured")
	}
	awsCfg, err := awsconfig.LoadDefaultConfig(ctx, awsconfig.WithRegion(d.Region))
	if err != nil {
		return "", fmt.Errorf("config: AWS configuration: %w", err)
	}
	return d.PostgresURLFrom(ctx, AWSClients{Secrets: secretsmanager.NewFromConfig(awsCfg), Parameters: ssm.NewFromConfig(awsCfg)})
}

// SecretsAPI is the one Secrets Manager call the server makes
// (*secretsmanager.Client implements it; tests pass a fake).
type SecretsAPI interface {
	GetSecretValue(ctx context.Context, in *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

// ParametersAPI is the one Systems Manager call the server makes
// (*ssm.Client implements it; tests pass a fake).
type ParametersAPI interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// AWSClients are the AWS APIs PostgresURLFrom reads. Parameters is needed
// only with a HostParameter.
type AWSClients struct {
	Secrets    SecretsAPI
	Parameters ParametersAPI
}

// PostgresURLFrom builds the URL from the RDS secret d.SecretID, read
// through c, with TLS verified against d.CAFile. With d.HostParameter, the
// host is that parameter's value (the RDS Proxy endpoint) instead of the
// secret's; port, user, password and database stay the secret's.
func (d Database) PostgresURLFrom(ctx context.Context, c AWSClients) (string, error) {
	if err := checkCAFile(d.CAFile); err != nil {
		return "", err
	}
	out, err := c.Secrets.GetSecretValue(ctx, &secretsmanager.GetSecretValueInput{SecretId: aws.String(d.SecretID)})
	if err != nil {
		return "", fmt.Errorf("config: reading secret %s: %w", d.SecretID, err)
	}
	if out.SecretString == nil {
		return "", fmt.Errorf("config: secret %s has no string value", d.SecretID)
	}
	opts := DSNOptions{CAFile: d.CAFile}
	if d.HostParameter != "" {
		if opts.Host, err = d.hostFromParameter(ctx, c.Parameters); err != nil {
			return "", err
		}
	}
	dsn, err := DSNFromRDSSecret([]byte(*out.SecretString), opts)
	if err != nil {
		return "", fmt.Errorf("config: secret %s: %w", d.SecretID, err)
	}
	return dsn, nil
}

// hostRe is a DNS host name (an RDS Proxy endpoint such as
// shopstack-prod.proxy-abc.eu-west-1.rds.amazonaws.com).
var hostRe = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// hostFromParameter reads the host from the parameter d.HostParameter:
// GetParameter answers {"Parameter": {"Name", "Type", "Value", ...}}
// (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
// A String parameter needs no decryption.
func (d Database) hostFromParameter(ctx context.Context, p ParametersAPI) (string, error) {
	if p == nil {
		return "", fmt.Errorf("config: %s=%s: no Systems Manager client", contract.EnvDatabaseHostParameter, d.HostParameter)
	}
	out, err := p.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(d.HostParameter)})
	if err != nil {
		return "", fmt.Errorf("config: reading parameter %s (%s): %w", d.HostParameter, contract.EnvDatabaseHostParameter, err)
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "", fmt.Errorf("config: parameter %s (%s) has no value", d.HostParameter, contract.EnvDatabaseHostParameter)
	}
	host := strings.TrimSpace(*out.Parameter.Value)
	if len(host) > 253 || !hostRe.MatchString(host) {
		return "", fmt.Errorf("config: parameter %s (%s) = %q: want a host name, the RDS Proxy endpoint", d.HostParameter, contract.EnvDatabaseHostParameter, host)
	}
	return host, nil
}

// checkCAFile fails early, naming the variable, when the CA bundle cannot
// verify anything: pgx would only say so at the first connection.
func checkCAFile(path string) error {
	pem, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %s: reading the database CA bundle: %w", contract.EnvDatabaseCAFile, err)
	}
	if !x509.NewCertPool().AppendCertsFromPEM(pem) {
		return fmt.Errorf("config: %s=%s: no PEM certificate in the file", contract.EnvDatabaseCAFile, path)
	}
	return nil
}

// rdsSecret is the JSON that RDS (and CDK's generated credentials) store.
type rdsSecret struct {
	Host     string          `json:"host"`
	Port     json.RawMessage `json:"port"` // a number, sometimes a string
	Username string          `json:"username"`
	Password string          `json:"password"`
	DBName   string          `json:"dbname"`
}

// DSNOptions say how DSNFromRDSSecret reaches the database.
type DSNOptions struct {
	// CAFile is the PEM bundle the server certificate must chain to
	// (sslrootcert). Required.
	CAFile string
	// Host replaces the secret's host when not "" (the RDS Proxy
	// endpoint). verify-full checks the certificate against it.
	Host string
}

// DSNFromRDSSecret builds a postgres:// URL from an RDS secret {host, port,
// username, password, dbname}, with opts.Host instead of the secret's host
// when set. The port defaults to 5432 and the database to "postgres". TLS is verify-full: the certificate must chain to a CA in
// opts.CAFile and name the host. (RDS: "If your connection parameters
// specify sslmode=verify-ca or sslmode=verify-full, then your client
// requires the RDS CA certificates to be in their trust store or referenced
// in the connection URL",
// https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html.)
// Errors never contain the password.
func DSNFromRDSSecret(secret []byte, opts DSNOptions) (string, error) {
	if opts.CAFile == "" {
		return "", errors.New("no CA bundle to verify the database with")
	}
	var s rdsSecret
	if err := json.Unmarshal(secret, &s); err != nil {
		return "", errors.New("the secret is not the RDS JSON object {host, port, username, password, dbname}")
	}
	if opts.Host != "" {
		s.Host = opts.Host
	}
	var missing []string
	if s.Host == "" {
		missing = append(missing, "host")
	}
	if s.Username == "" {
		missing = append(missing, "username")
	}
	if s.Password == "" {
		missing = append(missing, "password")
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("the secret lacks %s", strings.Join(missing, ", "))
	}
	port := 5432
	if raw := strings.Trim(string(s.Port), `"`); raw != "" && raw != "null" {
		p, err := strconv.Atoi(raw)
		if err != nil || p < 1 || p > 65535 {
			return "", fmt.Errorf("the secret's port %s is not a port number", raw)
		}
		port = p
	}
	if s.DBName == "" {
		s.DBName = "postgres"
	}
	u := url.URL{
		Scheme:   "postgres",
		User:     url.UserPassword(s.Username, s.Password),
		Host:     net.JoinHostPort(s.Host, strconv.Itoa(port)),
		Path:     "/" + s.DBName,
		RawQuery: url.Values{"sslmode": {"verify-full"}, "sslrootcert": {opts.CAFile}}.Encode(),
	}
	return u.String(), nil
}
