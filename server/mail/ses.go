package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// SESSMTPPassword derives the Amazon SES SMTP password of an IAM access
// key for region (the SMTP user name is the access key id itself), with
// the algorithm of the SES Developer Guide, "Obtaining Amazon SES SMTP
// credentials" (https://docs.aws.amazon.com/ses/latest/dg/smtp-credentials.html):
//
//	date = "11111111"; service = "ses"; terminal = "aws4_request";
//	message = "SendRawEmail"; version = 0x04;
//	kDate = HmacSha256(date, "AWS4" + key); kRegion = HmacSha256(region, kDate);
//	kService = HmacSha256(service, kRegion); kTerminal = HmacSha256(terminal, kService);
//	kMessage = HmacSha256(message, kTerminal);
//	smtpPassword = Base64(Concatenate(version, kMessage))
//
// (HmacSha256(data, key).) The password is per region: SMTP credentials
// "are unique to each AWS Region" (same page).
func SESSMTPPassword(secretAccessKey, region string) string {
	// Fixed by the algorithm ("The values of the following variables
	// should always stay the same"); date is not a real date.
	const (
		date     = "11111111"
		service  = "ses"
		terminal = "aws4_request"
		message  = "SendRawEmail"
		version  = 0x04
	)
	sign := func(key []byte, data string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(data))
		return h.Sum(nil)
	}
	k := sign([]byte("AWS4"+secretAccessKey), date)
	k = sign(k, region)
	k = sign(k, service)
	k = sign(k, terminal)
	k = sign(k, message)
	return base64.StdEncoding.EncodeToString(append([]byte{version}, k...))
}
