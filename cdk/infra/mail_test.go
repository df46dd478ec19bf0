package infra_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/cdk/infra"
	"github.com/shopstack/shopstack/platform"
)

// TestMail: the edge stack verifies the storefront host with SES (Easy
// DKIM, 2048-bit, its three CNAMEs in the zone; MAIL FROM with its MX and
// SPF), and its sending user may only call ses:SendRawEmail on that
// identity with the configured From address; the user's access key goes to
// the secret platform names, built from references only.
func TestMail(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			defer failOnAssertion(t)
			tpl := build(t, env).templates[infra.EdgeStack]
			identityID, identity := only(t, tpl, "AWS::SES::EmailIdentity")
			if got, want := asJSON(props(identity)), asJSON(map[string]any{
				"EmailIdentity":         env.DNS.Host,
				"DkimAttributes":        map[string]any{"SigningEnabled": true},
				"DkimSigningAttributes": map[string]any{"NextSigningKeyLength": "RSA_2048_BIT"},
				"MailFromAttributes":    map[string]any{"MailFromDomain": "mail." + env.DNS.Host, "BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
				"Tags":                  []any{map[string]any{"Key": "environment", "Value": env.Name}, map[string]any{"Key": "project", "Value": "shopstack"}},
			}); got != want {
				t.Errorf("identity %s, want %s", got, want)
			}

			records := resources(tpl, "AWS::Route53::RecordSet")
			want := map[string]string{}
			for i := 1; i <= 3; i++ {
				want[asJSON(map[string]any{
					"HostedZoneId": env.DNS.HostedZoneID, "Type": "CNAME", "TTL": "1800",
					"Name":            map[string]any{"Fn::GetAtt": []any{identityID, fmt.Sprintf("DkimDNSTokenName%d", i)}},
					"ResourceRecords": []any{map[string]any{"Fn::GetAtt": []any{identityID, fmt.Sprintf("DkimDNSTokenValue%d", i)}}},
				})] = fmt.Sprintf("DKIM CNAME %d", i)
			}
			want[asJSON(map[string]any{
				"HostedZoneId": env.DNS.HostedZoneID, "Type": "MX", "TTL": "1800", "Name": "mail." + env.DNS.Host + ".",
				"ResourceRecords": []any{"10 feedback-smtp." + env.Region + ".amazonses.com"},
			})] = "MAIL FROM MX"
			want[asJSON(map[string]any{
				"HostedZoneId": env.DNS.HostedZoneID, "Type": "TXT", "TTL": "1800", "Name": "mail." + env.DNS.Host + ".",
				"ResourceRecords": []any{`"v=spf1 include:amazonses.com ~all"`},
			})] = "MAIL FROM SPF"
			if len(records) != len(want) {
				t.Errorf("%d record sets, want %d", len(records), len(want))
			}
			for id, r := range records {
				if _, ok := want[asJSON(props(r))]; !ok {
					t.Errorf("record %s %s is none of the DKIM and MAIL FROM records", id, asJSON(props(r)))
				}
				delete(want, asJSON(props(r)))
			}
			for rec, what := range want {
				t.Errorf("missing %s: %s", what, rec)
			}

			userID, user := only(t, tpl, "AWS::IAM::User")
			for _, forbidden := range []string{"LoginProfile", "ManagedPolicyArns", "Policies", "Groups", "UserName"} {
				if v, ok := props(user)[forbidden]; ok {
					t.Errorf("sending user has %s = %s; want no console login, no other permission and a generated name", forbidden, asJSON(v))
				}
			}
			policies := resources(tpl, "AWS::IAM::Policy")
			var userPolicies []map[string]any
			for _, p := range policies {
				if asJSON(props(p)["Users"]) == asJSON([]any{map[string]any{"Ref": userID}}) {
					userPolicies = append(userPolicies, p)
				}
			}
			wantStatement := []any{map[string]any{
				"Sid": "SendStorefrontMailOnly", "Effect": "Allow", "Action": "ses:SendRawEmail",
				"Resource": map[string]any{"Fn::Join": []any{"", []any{
					"arn:aws:ses:" + env.Region + ":" + env.Account + ":identity/", map[string]any{"Ref": identityID}}}},
				"Condition": map[string]any{"StringEquals": map[string]any{"ses:FromAddress": "shop@" + env.DNS.Host}},
			}}
			if len(userPolicies) != 1 || asJSON(props(userPolicies[0])["PolicyDocument"].(map[string]any)["Statement"]) != asJSON(wantStatement) {
				t.Errorf("sending user's policies %s, want exactly %s", asJSON(userPolicies), asJSON(wantStatement))
			}

			keyID, key := only(t, tpl, "AWS::IAM::AccessKey")
			if asJSON(props(key)) != asJSON(map[string]any{"UserName": map[string]any{"Ref": userID}}) {
				t.Errorf("access key %s, want the sending user's, no Serial", asJSON(props(key)))
			}
			var secret map[string]any
			for _, s := range resources(tpl, "AWS::SecretsManager::Secret") {
				if props(s)["Name"] == env.Names.SMTPSecretName {
					secret = s
				}
			}
			if secret == nil {
				t.Fatalf("no secret named %s", env.Names.SMTPSecretName)
			}
			wantValue := map[string]any{"Fn::Join": []any{"", []any{
				`{"access_key_id":"`, map[string]any{"Ref": keyID},
				`","secret_access_key":"`, map[string]any{"Fn::GetAtt": []any{keyID, "SecretAccessKey"}}, `"}`}}}
			if got := asJSON(props(secret)["SecretString"]); got != asJSON(wantValue) {
				t.Errorf("SMTP secret value %s, want %s (references only)", got, asJSON(wantValue))
			}
			if _, ok := props(secret)["GenerateSecretString"]; ok {
				t.Error("SMTP secret generates a value; it must hold the access key")
			}
			if secret["DeletionPolicy"] != "Delete" {
				t.Errorf("SMTP secret DeletionPolicy %v, want Delete (a copy of a key that dies with its user)", secret["DeletionPolicy"])
			}
		})
	}
}

// The JSON keys of the secret are the ones contract documents for
// SHOP_SMTP_SECRET_ID.
func TestSMTPSecretKeys(t *testing.T) {
	if infra.SMTPSecretAccessKeyIDKey != "access_key_id" || infra.SMTPSecretSecretAccessKeyKey != "secret_access_key" {
		t.Errorf("keys %q, %q; want access_key_id, secret_access_key", infra.SMTPSecretAccessKeyIDKey, infra.SMTPSecretSecretAccessKeyKey)
	}
	if infra.MailFromMXHost("us-east-1") != "feedback-smtp.us-east-1.amazonses.com" {
		t.Errorf("MailFromMXHost(us-east-1) = %s", infra.MailFromMXHost("us-east-1"))
	}
}

func mailStack(t *testing.T) (awscdk.Stack, awsroute53.IHostedZone) {
	t.Helper()
	app := infra.NewApp(t.TempDir())
	st := awscdk.NewStack(app, jsii.String("mail"), &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(platform.PlaceholderAccount), Region: jsii.String("us-east-1")}})
	zone := awsroute53.HostedZone_FromHostedZoneAttributes(st, jsii.String("Zone"), &awsroute53.HostedZoneAttributes{
		HostedZoneId: jsii.String(platform.PlaceholderHostedZoneID), ZoneName: jsii.String("example.com"),
	})
	return st, zone
}

// Without a MAIL FROM domain no MX or SPF record is written and SES keeps
// its default; AccessKeySerial rotates the key.
func TestMailOptions(t *testing.T) {
	defer failOnAssertion(t)
	st, zone := mailStack(t)
	infra.NewMail(st, "Mail", &infra.MailProps{
		Zone: zone, Domain: "shop.example.com", FromAddress: "orders@shop.example.com",
		SecretName: "shop/smtp", AccessKeySerial: 2,
	})
	tpl := assertions.Template_FromStack(st, nil)
	tpl.ResourceCountIs(jsii.String("AWS::Route53::RecordSet"), jsii.Number(3))
	_, identity := only(t, tpl, "AWS::SES::EmailIdentity")
	if v, ok := props(identity)["MailFromAttributes"]; ok {
		t.Errorf("MailFromAttributes %s without a MAIL FROM domain", asJSON(v))
	}
	tpl.HasResourceProperties(jsii.String("AWS::IAM::AccessKey"), map[string]any{"Serial": 2})
	tpl.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{"PolicyDocument": map[string]any{"Statement": []any{
		assertions.Match_ObjectLike(&map[string]any{"Condition": map[string]any{"StringEquals": map[string]any{"ses:FromAddress": "orders@shop.example.com"}}}),
	}}})
}

// Each invalid prop panics with the field, the value and what is allowed.
func TestMailPropsValidation(t *testing.T) {
	valid := func(zone awsroute53.IHostedZone) infra.MailProps {
		return infra.MailProps{Zone: zone, Domain: "shop.example.com", FromAddress: "shop@shop.example.com", MailFromDomain: "mail.shop.example.com", SecretName: "s"}
	}
	for _, c := range []struct {
		field  string
		mutate func(p *infra.MailProps)
	}{
		{"Zone", func(p *infra.MailProps) { p.Zone = nil }},
		{"Domain", func(p *infra.MailProps) { p.Domain = "" }},
		{"FromAddress", func(p *infra.MailProps) { p.FromAddress = "shop@example.com" }},
		{"FromAddress", func(p *infra.MailProps) { p.FromAddress = "@shop.example.com" }},
		{"MailFromDomain", func(p *infra.MailProps) { p.MailFromDomain = "mail.example.com" }},
		{"SecretName", func(p *infra.MailProps) { p.SecretName = "" }},
		{"AccessKeySerial", func(p *infra.MailProps) { p.AccessKeySerial = -1 }},
	} {
		t.Run(c.field, func(t *testing.T) {
			st, zone := mailStack(t)
			p := valid(zone)
			c.mutate(&p)
			defer func() {
				msg := fmt.Sprint(recover())
				if !strings.HasPrefix(msg, "mail/Mail: MailProps."+c.field) {
					t.Errorf("panic %q does not start with the construct's path and MailProps.%s", msg, c.field)
				}
			}()
			infra.NewMail(st, "Mail", &p)
		})
	}
}
