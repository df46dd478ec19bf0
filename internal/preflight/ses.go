package preflight

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/shopstack/shopstack/platform"
)

// sesIdentityLookup finds an SES e-mail identity by name. SES API v2
// GetEmailIdentity answers NotFoundException ("The resource you attempted
// to access doesn't exist", HTTP 404) for an unknown identity
// (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentity.html).
// CloudFormation records an AWS::SES::EmailIdentity by the identity itself
// (its Ref).
var sesIdentityLookup = nameLookup{
	action: "ses:GetEmailIdentity",
	find: func(ctx context.Context, c Clients, name string) (string, string, error) {
		out, err := c.SES.GetEmailIdentity(ctx, &sesv2.GetEmailIdentityInput{EmailIdentity: aws.String(name)})
		if errorCode(err) == "NotFoundException" {
			return "", "", nil
		}
		if err != nil {
			return "", "", err
		}
		return name, fmt.Sprintf("its verification status is %s", out.VerificationStatus), nil
	},
	cleanup: "`aws sesv2 delete-email-identity --email-identity %[1]s --region %[2]s`",
}

// checkSESAccount reads the account's SES state in the region (SES API v2
// GetAccount,
// https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetAccount.html):
//
//   - SendingEnabled, "whether or not email sending is enabled for your
//     Amazon SES account in the current AWS Region": off, the storefront
//     cannot send anything;
//   - ProductionAccessEnabled: "If the value is false, then your account is
//     in the sandbox. When your account is in the sandbox, you can only send
//     email to verified identities" (and at most 200 messages a day, one a
//     second: "Request production access",
//     https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html).
//     A sandboxed prod would not mail its customers: that fails. dev passes
//     with the note (testing with verified addresses is what the sandbox is
//     for).
func (c *Checker) checkSESAccount(ctx context.Context) Result {
	const check = "ses account"
	out, err := c.AWS.SES.GetAccount(ctx, &sesv2.GetAccountInput{})
	if err != nil {
		return c.callFailed(check, "ses:GetAccount", err)
	}
	where := c.Env.Account + "/" + c.Env.Region
	if !out.SendingEnabled {
		return fail(check, "sending is disabled for SES in "+where+" (enforcement status "+aws.ToString(out.EnforcementStatus)+"): the storefront can send no mail",
			"see the SES console's reputation page for why, and re-enable sending (`aws sesv2 put-account-sending-attributes --sending-enabled --region "+c.Env.Region+"`) once resolved")
	}
	if !out.ProductionAccessEnabled {
		what := "SES in " + where + " is in the sandbox: mail goes only to verified addresses (at most 200 a day)"
		fix := "request production access for " + c.Env.Region + " (docs/aws.md, \"Amazon SES: mail\"; `aws sesv2 put-account-details --production-access-enabled ... --region " + c.Env.Region + "`)"
		if c.Env.Name == platform.EnvProd {
			return fail(check, what+"; customers would get no order mail", fix)
		}
		return pass(check, "%s; enough to test %s, %s before going live", what, c.Env.Name, fix)
	}
	return pass(check, "production access in %s: sending to any address", where)
}
