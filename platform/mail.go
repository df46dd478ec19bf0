package platform

import (
	"regexp"
	"slices"
	"strings"
)

// Mail configures the storefront's outgoing e-mail (order mails, password
// resets), which the backend sends through the Amazon SES SMTP interface.
// The SES e-mail identity is the storefront's host name (DNS.Host): dev and
// prod share one hosted zone, and an identity is unique per account and
// region, so each environment verifies its own host.
type Mail struct {
	// FromLocalPart is the part before the "@" of the From address of every
	// message; the address is at DNS.Host, the verified identity
	// (Environment.SMTPFrom), e.g. "shop" gives "shop@shop.example.com". The
	// sending user may send from this address only.
	FromLocalPart string
	// MailFromSubdomain names the custom MAIL FROM (bounce) domain, a
	// subdomain of DNS.Host that receives no other mail: "mail" gives
	// "mail.shop.example.com" (Environment.MailFromDomain). "" keeps SES's
	// default MAIL FROM domain (a subdomain of amazonses.com).
	MailFromSubdomain string
}

// SMTPFrom is the From address of the storefront's e-mail:
// Mail.FromLocalPart at DNS.Host.
func (e Environment) SMTPFrom() string {
	return e.Mail.FromLocalPart + "@" + e.DNS.Host
}

// MailFromDomain is the custom MAIL FROM domain, "" for SES's default.
func (e Environment) MailFromDomain() string {
	if e.Mail.MailFromSubdomain == "" {
		return ""
	}
	return e.Mail.MailFromSubdomain + "." + e.DNS.Host
}

// SMTPPort is the SES SMTP port the backend uses: STARTTLS ("the SMTP
// client connects to the Amazon SES SMTP endpoint on port 25, 587, or 2587,
// issues an EHLO command, and waits for the server to announce that it
// supports the STARTTLS SMTP extension", "Connecting to an Amazon SES SMTP
// endpoint", https://docs.aws.amazon.com/ses/latest/dg/smtp-connect.html).
// Not 25, which EC2 throttles by default (same page).
const SMTPPort = 587

// SMTPUnavailableRegions have no SES SMTP endpoint: "SMTP endpoints are not
// currently available in Africa (Cape Town), Asia Pacific (Jakarta), Europe
// (Milan), Israel (Tel Aviv), Middle East (Bahrain)" ("Obtaining Amazon SES
// SMTP credentials", https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html).
var SMTPUnavailableRegions = []string{"af-south-1", "ap-southeast-3", "eu-south-1", "il-central-1", "me-south-1"}

// SMTPHost is the SES SMTP endpoint of the environment's region,
// email-smtp.<region>.amazonaws.com. The SES Developer Guide sends readers
// to the AWS General Reference's "SMTP endpoints" table for it ("Regions
// and Amazon SES", https://docs.aws.amazon.com/ses/latest/dg/regions.html;
// https://docs.aws.amazon.com/general/latest/gr/ses.html#ses_smtp_endpoints).
// The copy of that page available while writing this showed only its API
// endpoint table (email.<region>.amazonaws.com); the email-smtp.<region>
// form is the one every SMTP guide of SES uses (e.g.
// email-smtp.eu-west-1.amazonaws.com) and TestEnvironmentDefaults pins
// it: check it against the table before a deploy to a new region
// (`openssl s_client -starttls smtp -connect email-smtp.<region>.amazonaws.com:587`).
// SMTP credentials are per region too ("The credentials that you use to
// send email through the SES SMTP interface are unique to each AWS
// Region", smtp-credentials.html): the backend derives its password for
// this region (contract.EnvSMTPSecretID).
func (e Environment) SMTPHost() string {
	return "email-smtp." + e.Region + ".amazonaws.com"
}

// PublicURL is the storefront's public base URL (links in e-mails, the
// sitemap): the ALB serves DNS.Host over HTTPS only.
func (e Environment) PublicURL() string {
	return "https://" + e.DNS.Host
}

// localPartRe is a conservative e-mail local part: lower-case letters,
// digits and . _ + - inside (no quoting, no dots at either end).
var localPartRe = regexp.MustCompile(`^[a-z0-9]([a-z0-9._+-]{0,62}[a-z0-9])?$`)

func (v *validator) mail(e Environment) {
	v.check(localPartRe.MatchString(e.Mail.FromLocalPart) && !strings.Contains(e.Mail.FromLocalPart, ".."), "Mail.FromLocalPart", e.Mail.FromLocalPart,
		`the part of the From address before "@" (lower-case letters, digits and ._+-), e.g. "shop"`)
	v.check(e.Mail.MailFromSubdomain == "" || dnsLabelRe.MatchString(e.Mail.MailFromSubdomain), "Mail.MailFromSubdomain", e.Mail.MailFromSubdomain,
		`"" (SES's default MAIL FROM domain) or one DNS label, e.g. "mail" for mail.<DNS.Host>`)
	v.check(!slices.Contains(SMTPUnavailableRegions, e.Region), "Region", e.Region, "a region with an SES SMTP endpoint (none in "+strings.Join(SMTPUnavailableRegions, ", ")+")")
	v.check(secretNameRe.MatchString(e.Names.SMTPSecretName) && e.Names.SMTPSecretName != e.Names.DatabaseSecretName, "Names.SMTPSecretName", e.Names.SMTPSecretName,
		"a Secrets Manager name (letters, digits and /_+=.@-) other than Names.DatabaseSecretName")
}
