package config_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"

	"github.com/shopstack/shopstack/server/config"
	"github.com/shopstack/shopstack/server/internal/pgtest"
)

// testCA is a certificate authority made up for one test.
type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  []byte
}

func newTestCA(t *testing.T, name string) *testCA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	return &testCA{cert: cert, key: key, pem: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})}
}

// issue signs a server certificate for the DNS names (and no IP address).
func (ca *testCA) issue(t *testing.T, dnsNames ...string) *pgtest.TLS {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: dnsNames[0]},
		DNSNames:     dnsNames,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return &pgtest.TLS{
		CertPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		KeyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
	}
}

// fakeSecrets answers GetSecretValue with one SecretString.
type fakeSecrets struct {
	secretString string
	asked        []string
}

func (f *fakeSecrets) GetSecretValue(_ context.Context, in *secretsmanager.GetSecretValueInput, _ ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error) {
	f.asked = append(f.asked, aws.ToString(in.SecretId))
	return &secretsmanager.GetSecretValueOutput{Name: in.SecretId, SecretString: aws.String(f.secretString)}, nil
}

// rdsSecret is the JSON RDS keeps in the generated secret, for a server.
func rdsSecret(t *testing.T, host, port string) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{
		"username": "postgres", "password": "unused-trust-auth", "engine": "postgres",
		"host": host, "port": json.Number(port), "dbname": "postgres",
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, name string, data ...[]byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	var all []byte
	for _, d := range data {
		all = append(all, d...)
	}
	if err := os.WriteFile(path, all, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// startTLS starts a PostgreSQL server with ssl on and cert, and returns
// its port.
func startTLS(t *testing.T, cert *pgtest.TLS) string {
	t.Helper()
	srv, err := pgtest.StartLocal(pgtest.Options{TLS: cert})
	if err != nil {
		t.Fatalf("PostgreSQL is required for this test: %v", err)
	}
	t.Cleanup(srv.Stop)
	u, err := url.Parse(srv.URL("postgres"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Port()
}

// TestVerifyFull proves that the URL the config code builds from an RDS
// secret verifies the server for real. Two PostgreSQL servers run with ssl
// on, certificates signed by a CA made up here: one for "localhost", one
// for another name. A connection succeeds only when the bundle holds that
// CA and the host connected to is a name in the certificate.
func TestVerifyFull(t *testing.T) {
	rightCA, wrongCA := newTestCA(t, "test RDS root"), newTestCA(t, "unrelated root")
	localhost := startTLS(t, rightCA.issue(t, "localhost"))
	elsewhere := startTLS(t, rightCA.issue(t, "db.elsewhere.test"))

	tests := []struct {
		name       string
		host, port string
		bundle     [][]byte
		// proxyHost, when set, is the value of the SSM parameter that
		// replaces the secret's host (the RDS Proxy endpoint).
		proxyHost string
		err       string // "" = connects over TLS
	}{
		{"right CA, host in the certificate", "localhost", localhost, [][]byte{rightCA.pem}, "", ""},
		// The image's bundle is several roots (RDS global bundle, then the
		// Amazon Trust Services roots): one of them suffices.
		{"bundle of several roots", "localhost", localhost, [][]byte{wrongCA.pem, rightCA.pem}, "", ""},
		{"wrong CA", "localhost", localhost, [][]byte{wrongCA.pem}, "", "certificate signed by unknown authority"},
		{"host name not in the certificate", "localhost", elsewhere, [][]byte{rightCA.pem}, "", "certificate is valid for db.elsewhere.test, not localhost"},
		{"address not in the certificate", "127.0.0.1", localhost, [][]byte{rightCA.pem}, "", "cannot validate certificate for 127.0.0.1"},
		// Through the proxy: the secret names the instance (here an address
		// the certificate lacks), the parameter the endpoint that answers;
		// the URL goes there and verifies that name.
		{"host from the parameter", "127.0.0.1", localhost, [][]byte{wrongCA.pem, rightCA.pem}, "localhost", ""},
		{"host from the parameter, not in the certificate", "localhost", elsewhere, [][]byte{rightCA.pem}, "localhost", "certificate is valid for db.elsewhere.test, not localhost"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secrets := &fakeSecrets{secretString: rdsSecret(t, tt.host, tt.port)}
			db := config.Database{SecretID: "shopstack/test/database", Region: "eu-west-1", CAFile: writeFile(t, "ca.pem", tt.bundle...)}
			clients := config.AWSClients{Secrets: secrets}
			if tt.proxyHost != "" {
				db.HostParameter = "/shopstack/test/database/proxy-endpoint"
				clients.Parameters = &fakeParameters{values: map[string]string{db.HostParameter: tt.proxyHost}}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			dsn, err := db.PostgresURLFrom(ctx, clients)
			if err != nil {
				t.Fatal(err)
			}
			if q, _ := url.Parse(dsn); q.Query().Get("sslmode") != "verify-full" {
				t.Fatalf("DSN %s: want sslmode=verify-full", dsn)
			}
			if len(secrets.asked) != 1 || secrets.asked[0] != "shopstack/test/database" {
				t.Errorf("secrets asked %v, want [shopstack/test/database]", secrets.asked)
			}
			conn, err := sql.Open("pgx", dsn)
			if err != nil {
				t.Fatal(err)
			}
			defer conn.Close()
			var ssl bool
			err = conn.QueryRowContext(ctx, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&ssl)
			if tt.err == "" {
				if err != nil || !ssl {
					t.Fatalf("connect: %v (ssl %v), want a verified TLS connection", err, ssl)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("connect: %v, want an error containing %q", err, tt.err)
			}
		})
	}
}

// The CA bundle is checked before the secret is read: a missing file or
// one without a certificate names SHOP_DATABASE_CA_FILE.
func TestCAFileChecked(t *testing.T) {
	for name, path := range map[string]string{
		"missing": filepath.Join(t.TempDir(), "absent.pem"),
		"empty":   writeFile(t, "empty.pem", []byte("not a certificate\n")),
	} {
		t.Run(name, func(t *testing.T) {
			secrets := &fakeSecrets{secretString: rdsSecret(t, "h", "5432")}
			_, err := config.Database{SecretID: "s", CAFile: path}.PostgresURLFrom(context.Background(), config.AWSClients{Secrets: secrets})
			if err == nil || !strings.Contains(err.Error(), "SHOP_DATABASE_CA_FILE") {
				t.Fatalf("error %v, want one naming SHOP_DATABASE_CA_FILE", err)
			}
			if len(secrets.asked) != 0 {
				t.Errorf("the secret was read before the CA bundle was checked")
			}
		})
	}
}
