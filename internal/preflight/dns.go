package preflight

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/route53"
)

// checkHostedZone: DNS.HostedZoneID exists, is public, and is DNS.ZoneName.
// The edge stack imports the zone by id and name without looking it up, the
// certificate is validated in it and ExternalDNS writes there, so a wrong id
// only shows as a certificate that never validates.
//
// Route53 GetHostedZone returns the zone's Name fully qualified, with the
// trailing dot ("example.com."), and NoSuchHostedZone for an unknown id
// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZone.html).
func (c *Checker) checkHostedZone(ctx context.Context) Result {
	const check = "hosted zone"
	id, zone := c.Env.DNS.HostedZoneID, c.Env.DNS.ZoneName
	out, err := c.AWS.Route53.GetHostedZone(ctx, &route53.GetHostedZoneInput{Id: aws.String(id)})
	if errorCode(err) == "NoSuchHostedZone" {
		return fail(check, fmt.Sprintf("no hosted zone %s in account %s", id, c.Env.Account),
			fmt.Sprintf("DNS.HostedZoneID in platform/defaults.go: the id of the public zone %s (`aws route53 list-hosted-zones-by-name --dns-name %s`)", zone, zone))
	}
	if err != nil {
		return c.callFailed(check, "route53:GetHostedZone", err)
	}
	got := aws.ToString(out.HostedZone.Name)
	if !strings.EqualFold(got, zone+".") {
		return fail(check, fmt.Sprintf("zone %s is %s, DNS.ZoneName is %s", id, got, zone+"."),
			"DNS.HostedZoneID or DNS.ZoneName in platform/defaults.go (they must name the same zone)")
	}
	if out.HostedZone.Config != nil && out.HostedZone.Config.PrivateZone {
		return fail(check, fmt.Sprintf("zone %s (%s) is private: the certificate's DNS validation and the storefront need a public zone", id, got),
			"DNS.HostedZoneID in platform/defaults.go: the public zone of "+zone)
	}
	return pass(check, "%s is the public zone %s", id, got)
}
