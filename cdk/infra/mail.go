package infra

import (
	"fmt"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsroute53"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsses"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/contract"
)

// The JSON keys of the SMTP secret: the server's (contract.EnvSMTPSecretID).
const (
	SMTPSecretAccessKeyIDKey     = contract.SMTPSecretAccessKeyID
	SMTPSecretSecretAccessKeyKey = contract.SMTPSecretSecretAccessKey
)

// SESSendAction is the one action the sending user may call. The SMTP
// interface authorizes every message as ses:SendRawEmail: SES derives the
// SMTP password from the secret access key by signing the message
// "SendRawEmail" ("Obtaining Amazon SES SMTP credentials", converting
// existing AWS credentials,
// https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html), and the
// SES console creates its SMTP users with permission to send raw messages,
// ses:SendRawEmail, and nothing else (AWS Knowledge Center,
// https://repost.aws/knowledge-center/ses-create-smtp-credentials; read in
// its Japanese edition).
const SESSendAction = "ses:SendRawEmail"

// SESFromAddressConditionKey restricts the "From" address
// ("ses:FromAddress — Restricts the \"From\" address",
// https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html and
// https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-policy-examples.html;
// used with StringEquals, "case-sensitive string matching").
const SESFromAddressConditionKey = "ses:FromAddress"

// Easy DKIM and MAIL FROM records. SES needs, for Easy DKIM, the three
// CNAMEs whose names and values the identity returns (DkimDNSTokenName1-3,
// DkimDNSTokenValue1-3, AWS::SES::EmailIdentity return values,
// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ses-emailidentity.html),
// and for a custom MAIL FROM domain "an MX record so that your domain can
// receive the bounce and complaint notifications" and an SPF record
// ("Using a custom MAIL FROM domain",
// https://docs.aws.amazon.com/ses/latest/dg/mail-from-set.html). The
// values below are the ones the AWS CDK's own EmailIdentity writes into a
// public hosted zone (aws-cdk-lib 2.230, aws-ses/lib/email-identity.js:
// CNAMEs with TTL 1800; MX "10 feedback-smtp.<region>.amazonses.com"; TXT
// "v=spf1 include:amazonses.com ~all"); shopstack writes them itself
// because its identity is the storefront host inside the zone, not the
// zone apex that Identity.publicHostedZone would verify.
const (
	dkimRecordTTLSeconds = 1800
	mailFromMXPriority   = 10
	mailFromSPF          = "v=spf1 include:amazonses.com ~all"
)

// MailFromMXHost is the SES feedback endpoint of region, the MX target of a
// custom MAIL FROM domain.
func MailFromMXHost(region string) string {
	return "feedback-smtp." + region + ".amazonses.com"
}

// MailProps configure a Mail.
type MailProps struct {
	// Zone is the public hosted zone the DKIM and MAIL FROM records go to.
	// Required.
	Zone awsroute53.IHostedZone
	// Domain is the SES e-mail identity, a name inside Zone (the storefront
	// host). Required.
	Domain string
	// FromAddress is the only From address the sending user may use; it is
	// at Domain. Required.
	FromAddress string
	// MailFromDomain is the custom MAIL FROM domain, a subdomain of Domain.
	// Default: "" (SES's default MAIL FROM domain under amazonses.com, no
	// MX or SPF record).
	MailFromDomain string
	// SecretName is the Secrets Manager secret the sending user's access key
	// is stored in (JSON: SMTPSecretAccessKeyIDKey,
	// SMTPSecretSecretAccessKeyKey). Required.
	SecretName string
	// AccessKeySerial rotates the access key when incremented
	// (AWS::IAM::AccessKey Serial: "Incrementing this value notifies
	// CloudFormation that you want to rotate your access key",
	// https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-accesskey.html).
	// Default: 0 (Serial not set: the first key).
	AccessKeySerial int
}

// Mail is the storefront's outgoing e-mail through Amazon SES: a domain
// identity for the storefront host with Easy DKIM (its CNAMEs in the
// zone), an optional custom MAIL FROM domain (MX and SPF in the zone), an
// IAM user that may only call ses:SendRawEmail on that identity with the
// configured From address, and that user's access key in a Secrets Manager
// secret whose name platform fixes. The backend reads the secret through
// its Pod Identity (SecretReadStatements) and derives the SES SMTP
// password from it; no credential appears in a template or manifest.
//
// SES "sandbox": a new account, per region, can send only to verified
// addresses until production access is granted (docs/aws.md; the deploy
// pre-flight reports it).
type Mail struct {
	constructs.Construct
	Identity  awsses.EmailIdentity
	User      awsiam.User
	AccessKey awsiam.AccessKey
	Secret    awssecretsmanager.Secret
}

// NewMail creates a Mail. Construct ids: "Identity", "DkimRecord1".."3",
// "MailFromMx", "MailFromSpf", "Sender", "SenderKey", "SenderSecret".
func NewMail(scope constructs.Construct, id string, props *MailProps) *Mail {
	p := resolveProps(scope, id, props)
	m := &Mail{Construct: constructs.NewConstruct(scope, jsii.String(id))}
	m.addIdentity(p)
	m.addDNSRecords(p)
	m.addSender(p)
	return m
}

// addIdentity: the SES domain identity, Easy DKIM, the MAIL FROM domain.
func (m *Mail) addIdentity(p MailProps) {
	identityProps := &awsses.EmailIdentityProps{
		Identity: awsses.Identity_Domain(jsii.String(p.Domain)),
		// Easy DKIM, 2048-bit keys (the construct's default, spelled out).
		DkimIdentity: awsses.DkimIdentity_EasyDkim(awsses.EasyDkimSigningKeyLength_RSA_2048_BIT),
		DkimSigning:  jsii.Bool(true),
	}
	if p.MailFromDomain != "" {
		identityProps.MailFromDomain = jsii.String(p.MailFromDomain)
		// While the MX record is not yet visible, mail goes out with SES's
		// default MAIL FROM domain rather than being rejected.
		identityProps.MailFromBehaviorOnMxFailure = awsses.MailFromBehaviorOnMxFailure_USE_DEFAULT_VALUE
	}
	m.Identity = awsses.NewEmailIdentity(m.Construct, jsii.String("Identity"), identityProps)
}

// addDNSRecords: the three DKIM CNAMEs, and the MAIL FROM MX and SPF records.
func (m *Mail) addDNSRecords(p MailProps) {
	c, identity := m.Construct, m.Identity
	tokens := []struct{ name, value *string }{
		{identity.DkimDnsTokenName1(), identity.DkimDnsTokenValue1()},
		{identity.DkimDnsTokenName2(), identity.DkimDnsTokenValue2()},
		{identity.DkimDnsTokenName3(), identity.DkimDnsTokenValue3()},
	}
	for i, t := range tokens {
		awsroute53.NewCfnRecordSet(c, jsii.String(fmt.Sprintf("DkimRecord%d", i+1)), &awsroute53.CfnRecordSetProps{
			HostedZoneId:    p.Zone.HostedZoneId(),
			Name:            t.name,
			Type:            jsii.String("CNAME"),
			ResourceRecords: jsii.Strings(*t.value),
			Ttl:             jsii.String(fmt.Sprint(dkimRecordTTLSeconds)),
		})
	}
	if p.MailFromDomain != "" {
		region := awscdk.Stack_Of(c).Region()
		awsroute53.NewMxRecord(c, jsii.String("MailFromMx"), &awsroute53.MxRecordProps{
			Zone:       p.Zone,
			RecordName: jsii.String(p.MailFromDomain),
			Values: &[]*awsroute53.MxRecordValue{{
				Priority: jsii.Number(mailFromMXPriority),
				HostName: jsii.String(MailFromMXHost(*region)),
			}},
		})
		awsroute53.NewTxtRecord(c, jsii.String("MailFromSpf"), &awsroute53.TxtRecordProps{
			Zone:       p.Zone,
			RecordName: jsii.String(p.MailFromDomain),
			Values:     jsii.Strings(mailFromSPF),
		})
	}
}

// addSender: the sending IAM user, its access key and the secret the
// backend reads it from. SMTP credentials belong to an IAM user: the SMTP
// user name is the user's access key id and the password is derived from
// its secret access key ("Obtaining Amazon SES SMTP credentials", same page
// as SESSendAction). A role's temporary credentials cannot log in to SMTP.
// The user has no console password and no other permission.
func (m *Mail) addSender(p MailProps) {
	c := m.Construct
	user := awsiam.NewUser(c, jsii.String("Sender"), &awsiam.UserProps{})
	user.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:     jsii.String("SendStorefrontMailOnly"),
		Actions: jsii.Strings(SESSendAction),
		// When Action allows only the sending APIs, Resource restricts the
		// identities the user may send from: their ARNs ("Restricting the
		// action", https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html,
		// read in its Chinese edition).
		Resources:  jsii.Strings(*m.Identity.EmailIdentityArn()),
		Conditions: &map[string]any{"StringEquals": map[string]any{SESFromAddressConditionKey: p.FromAddress}},
	}))
	keyProps := &awsiam.AccessKeyProps{User: user}
	if p.AccessKeySerial > 0 {
		keyProps.Serial = jsii.Number(float64(p.AccessKeySerial))
	}
	key := awsiam.NewAccessKey(c, jsii.String("SenderKey"), keyProps)
	m.User, m.AccessKey = user, key
	// The secret value is built by CloudFormation from the key's Ref and
	// SecretAccessKey attribute: the template holds references, never the key.
	m.Secret = awssecretsmanager.NewSecret(c, jsii.String("SenderSecret"), &awssecretsmanager.SecretProps{
		SecretName:  jsii.String(p.SecretName),
		Description: jsii.String("Access key of the IAM user that sends the storefront's mail through Amazon SES as " + p.FromAddress + "; the backend derives the SMTP password from it"),
		SecretObjectValue: &map[string]awscdk.SecretValue{
			SMTPSecretAccessKeyIDKey:     awscdk.SecretValue_UnsafePlainText(key.AccessKeyId()),
			SMTPSecretSecretAccessKeyKey: key.SecretAccessKey(),
		},
		// The secret only copies the key, which dies with the user: nothing
		// is lost when the stack deletes it.
		RemovalPolicy: awscdk.RemovalPolicy_DESTROY,
	})
}

// SecretReadStatements let a principal read the SMTP secret and nothing else.
func (m *Mail) SecretReadStatements() []awsiam.PolicyStatement {
	return []awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:       jsii.String("ReadSmtpSecret"),
		Actions:   jsii.Strings("secretsmanager:GetSecretValue"),
		Resources: jsii.Strings(*m.Secret.SecretArn()),
	})}
}

// withDefaults: every default of MailProps is its zero value.
func (p MailProps) withDefaults() MailProps { return p }

func (p MailProps) validate() error {
	switch {
	case p.Zone == nil:
		return fmt.Errorf("MailProps.Zone = nil: want the public hosted zone that holds Domain")
	case p.Domain == "" || strings.HasPrefix(p.Domain, "."):
		return fmt.Errorf("MailProps.Domain = %q: want the storefront host name (the SES identity)", p.Domain)
	case !strings.HasSuffix(p.FromAddress, "@"+p.Domain) || strings.Count(p.FromAddress, "@") != 1 || strings.HasPrefix(p.FromAddress, "@"):
		return fmt.Errorf("MailProps.FromAddress = %q: want an address at Domain %q", p.FromAddress, p.Domain)
	case p.MailFromDomain != "" && !strings.HasSuffix(p.MailFromDomain, "."+p.Domain):
		return fmt.Errorf("MailProps.MailFromDomain = %q: want \"\" or a subdomain of Domain %q", p.MailFromDomain, p.Domain)
	case p.SecretName == "":
		return fmt.Errorf("MailProps.SecretName = %q: want the Secrets Manager name the backend reads", p.SecretName)
	case p.AccessKeySerial < 0:
		return fmt.Errorf("MailProps.AccessKeySerial = %d: want 0 or more (only ever incremented)", p.AccessKeySerial)
	}
	return nil
}
