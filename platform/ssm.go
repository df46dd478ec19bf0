package platform

import (
	"regexp"
	"strings"
)

// ssmNameRe is a fully qualified (hierarchical) Systems Manager parameter
// name: "/" then at most fifteen levels of a-zA-Z0-9_.- (PutParameter, Name:
// "Parameter names can include only the following symbols and letters:
// a-zA-Z0-9_.- In addition, the slash character ( / ) is used to delineate
// hierarchies", "Parameter hierarchies are limited to a maximum depth of
// fifteen levels",
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_PutParameter.html).
// The leading "/" is required here: the IAM resource ARN of such a name is
// "parameter/" followed by the name without that slash.
var ssmNameRe = regexp.MustCompile(`^(/[A-Za-z0-9_.-]+){1,15}$`)

// ssmNameMaxLen is the longest name Parameter Store accepts, counting the
// ARN before it ("The maximum length for a parameter name that you specify
// is 1011 characters. This count of 1011 characters includes the characters
// in the ARN that precede the name you specify", e.g.
// "arn:aws:ssm:us-east-2:111122223333:parameter/"; same page).
const ssmNameMaxLen = 1011

// validSSMParameterName reports whether name is a fully qualified
// Parameter Store name that the account can create in region: the
// characters and depth above, not "prefixed with aws or ssm
// (case-insensitive)" (same page; checked on the first level), and short
// enough with its ARN prefix.
func validSSMParameterName(name, region, account string) bool {
	if !ssmNameRe.MatchString(name) {
		return false
	}
	first := strings.ToLower(strings.TrimPrefix(name, "/"))
	if strings.HasPrefix(first, "aws") || strings.HasPrefix(first, "ssm") {
		return false
	}
	partition := "aws"
	switch {
	case strings.HasPrefix(region, "cn-"):
		partition = "aws-cn"
	case strings.HasPrefix(region, "us-gov-"):
		partition = "aws-us-gov"
	}
	arnPrefix := "arn:" + partition + ":ssm:" + region + ":" + account + ":parameter/"
	return len(arnPrefix)+len(name)-1 <= ssmNameMaxLen
}
