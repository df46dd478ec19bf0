package config_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/shopstack/shopstack/server/config"
)

const (
	proxyParameter = "/shopstack/prod/database/proxy-endpoint"
	proxyEndpoint  = "shopstack-prod.proxy-c0abcdef1234.eu-west-1.rds.amazonaws.com"
	instanceHost   = "shopstack-prod.c0abcdef1234.eu-west-1.rds.amazonaws.com"
)

// fakeParameters answers GetParameter as Systems Manager does: a
// GetParameterOutput whose Parameter carries Name, Type, Value, Version,
// ARN, DataType and LastModifiedDate (API reference, GetParameter,
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html).
type fakeParameters struct {
	values map[string]string
	err    error
	asked  []string
}

func (f *fakeParameters) GetParameter(_ context.Context, in *ssm.GetParameterInput, _ ...func(*ssm.Options)) (*ssm.GetParameterOutput, error) {
	name := aws.ToString(in.Name)
	f.asked = append(f.asked, name)
	if f.err != nil {
		return nil, f.err
	}
	v, ok := f.values[name]
	if !ok {
		return nil, &types.ParameterNotFound{Message: aws.String("parameter " + name + " not found")}
	}
	return &ssm.GetParameterOutput{Parameter: &types.Parameter{
		ARN:              aws.String("arn:aws:ssm:eu-west-1:111122223333:parameter" + name),
		DataType:         aws.String("text"),
		LastModifiedDate: aws.Time(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)),
		Name:             aws.String(name),
		Type:             types.ParameterTypeString,
		Value:            aws.String(v),
		Version:          1,
	}}, nil
}

func TestHostParameterConfig(t *testing.T) {
	c, err := config.Load(env(map[string]string{
		"SHOP_DATABASE_SECRET_ID":      "shopstack/prod/database",
		"SHOP_AWS_REGION":              "eu-west-1",
		"SHOP_DATABASE_HOST_PARAMETER": proxyParameter,
	}))
	if err != nil || c.Database.HostParameter != proxyParameter || c.Database.SecretID != "shopstack/prod/database" {
		t.Fatalf("got %+v, %v", c, err)
	}
	c, err = config.Load(env(map[string]string{"SHOP_DATABASE_SECRET_ID": "s", "AWS_REGION": "eu-west-1"}))
	if err != nil || c.Database.HostParameter != "" {
		t.Fatalf("default host parameter %q (%v), want none: the secret's host", c.Database.HostParameter, err)
	}
	for name, vars := range map[string]map[string]string{
		"without a secret": {"SHOP_DATABASE_HOST_PARAMETER": proxyParameter},
		"with a URL":       {"SHOP_DATABASE_URL": "postgres://h/db", "SHOP_DATABASE_HOST_PARAMETER": proxyParameter},
	} {
		if _, err := config.Load(env(vars)); err == nil || !strings.Contains(err.Error(), "SHOP_DATABASE_HOST_PARAMETER replaces the host of SHOP_DATABASE_SECRET_ID") {
			t.Errorf("%s: error %v, want one naming both variables", name, err)
		}
	}
	_, err = config.Load(env(map[string]string{"SHOP_DATABASE_SECRET_ID": "s", "AWS_REGION": "eu-west-1", "SHOP_DATABASE_HOST_PARAMETER": "/a b"}))
	if err == nil || !strings.Contains(err.Error(), `SHOP_DATABASE_HOST_PARAMETER="/a b"`) {
		t.Errorf("a name with a space: error %v", err)
	}
}

// With a host parameter, the URL's host is the parameter's value (the
// proxy endpoint) and everything else is the secret's; without one, the
// secret's host; verify-full either way.
func TestHostOverride(t *testing.T) {
	ca := writeFile(t, "ca.pem", newTestCA(t, "root").pem)
	secret := `{"username":"shop_admin","password":"pw","engine":"postgres","host":"` + instanceHost + `","port":5432,"dbname":"shop"}`
	params := &fakeParameters{values: map[string]string{proxyParameter: proxyEndpoint + "\n"}}
	secrets := &fakeSecrets{secretString: secret}

	db := config.Database{SecretID: "shopstack/prod/database", HostParameter: proxyParameter, CAFile: ca}
	dsn, err := db.PostgresURLFrom(context.Background(), config.AWSClients{Secrets: secrets, Parameters: params})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(dsn)
	pw, _ := u.User.Password()
	if u.Hostname() != proxyEndpoint || u.Port() != "5432" || u.User.Username() != "shop_admin" || pw != "pw" || u.Path != "/shop" ||
		u.Query().Get("sslmode") != "verify-full" || u.Query().Get("sslrootcert") != ca {
		t.Errorf("DSN %s: want the proxy endpoint as host, the secret's port, user, password, database, verify-full", dsn)
	}
	if len(params.asked) != 1 || params.asked[0] != proxyParameter {
		t.Errorf("parameters asked %v, want [%s]", params.asked, proxyParameter)
	}

	params.asked = nil
	dsn, err = config.Database{SecretID: "shopstack/prod/database", CAFile: ca}.PostgresURLFrom(context.Background(), config.AWSClients{Secrets: secrets, Parameters: params})
	if u, _ := url.Parse(dsn); err != nil || u.Hostname() != instanceHost {
		t.Errorf("without a host parameter: %s, %v; want the secret's host %s", dsn, err, instanceHost)
	}
	if len(params.asked) != 0 {
		t.Errorf("Systems Manager asked %v without a host parameter", params.asked)
	}
}

func TestHostOverrideErrors(t *testing.T) {
	ca := writeFile(t, "ca.pem", newTestCA(t, "root").pem)
	secret := &fakeSecrets{secretString: `{"username":"u","password":"hunter2","host":"h","port":5432}`}
	for _, tc := range []struct {
		name   string
		params config.ParametersAPI
		want   string
	}{
		{"no client", nil, "no Systems Manager client"},
		{"not found", &fakeParameters{}, "ParameterNotFound"},
		{"denied", &fakeParameters{err: errors.New("AccessDeniedException: not authorized to perform ssm:GetParameter")}, "ssm:GetParameter"},
		{"not a host", &fakeParameters{values: map[string]string{proxyParameter: "https://proxy.example:5432/"}}, "want a host name"},
		{"empty", &fakeParameters{values: map[string]string{proxyParameter: " "}}, "want a host name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := config.Database{SecretID: "s", HostParameter: proxyParameter, CAFile: ca}
			_, err := db.PostgresURLFrom(context.Background(), config.AWSClients{Secrets: secret, Parameters: tc.params})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), proxyParameter) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, proxyParameter, tc.want)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Fatalf("the error leaks the password: %v", err)
			}
		})
	}
}

// The real SDK client against a server that answers GetParameter the way
// the API reference documents it (JSON 1.1, target AmazonSSM.GetParameter,
// response {"Parameter": {...}}): the interface above is what *ssm.Client
// offers, and the documented response decodes to the host.
func TestHostOverrideThroughSDK(t *testing.T) {
	var gotTarget string
	var gotBody struct{ Name string }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotTarget = r.Header.Get("X-Amz-Target")
		body, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(body, &gotBody)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		_, _ = io.WriteString(w, `{"Parameter":{"ARN":"arn:aws:ssm:eu-west-1:111122223333:parameter`+proxyParameter+`",`+
			`"DataType":"text","LastModifiedDate":1.7645004E9,"Name":"`+proxyParameter+`","Type":"String",`+
			`"Value":"`+proxyEndpoint+`","Version":1}}`)
	}))
	defer srv.Close()
	client := ssm.New(ssm.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   srv.Client(),
	})
	ca := writeFile(t, "ca.pem", newTestCA(t, "root").pem)
	db := config.Database{SecretID: "s", HostParameter: proxyParameter, CAFile: ca}
	secrets := &fakeSecrets{secretString: `{"username":"u","password":"p","host":"` + instanceHost + `","port":5432,"dbname":"shop"}`}
	dsn, err := db.PostgresURLFrom(context.Background(), config.AWSClients{Secrets: secrets, Parameters: client})
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := url.Parse(dsn); u.Hostname() != proxyEndpoint {
		t.Errorf("DSN host %s, want %s", u.Hostname(), proxyEndpoint)
	}
	if gotTarget != "AmazonSSM.GetParameter" || gotBody.Name != proxyParameter {
		t.Errorf("request %s %+v, want AmazonSSM.GetParameter for %s", gotTarget, gotBody, proxyParameter)
	}
}
