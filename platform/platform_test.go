package platform_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/platform"
)

// fieldErrors unpacks Validate's joined error into its *FieldErrors.
func fieldErrors(t *testing.T, err error) []*platform.FieldError {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var out []*platform.FieldError
	for _, e := range errs {
		var fe *platform.FieldError
		if !errors.As(e, &fe) {
			t.Fatalf("error %q is not a *platform.FieldError", e)
		}
		out = append(out, fe)
	}
	return out
}

func TestEnvironmentsValidate(t *testing.T) {
	for _, env := range []platform.Environment{platform.Dev(), platform.Prod(), platform.Default()} {
		if err := env.Validate(); err != nil {
			t.Errorf("%s: %v", env.Name, err)
		}
	}
	envs, err := platform.All()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range envs {
		names = append(names, e.Name)
	}
	if got := strings.Join(names, ","); got != "dev,prod" {
		t.Errorf("All() = %s, want dev,prod", got)
	}
	if _, err := platform.For("staging"); err == nil || !strings.Contains(err.Error(), `"staging"`) || !strings.Contains(err.Error(), "[dev prod]") {
		t.Errorf("For(staging) = %v, want an error naming the value and the allowed names", err)
	}
}

// The properties dev and prod promise (DESIGN.md: they differ in size and
// safety, never in shape).
func TestEnvironmentDefaults(t *testing.T) {
	dev, prod := platform.Dev(), platform.Prod()
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"dev AZs", dev.AvailabilityZones, 2},
		{"prod AZs", prod.AvailabilityZones, 3},
		{"dev NAT gateways", dev.Network.NATGateways, 1},
		{"prod NAT gateways", prod.Network.NATGateways, 3},
		{"dev MultiAZ", dev.Database.MultiAZ, false},
		{"prod MultiAZ", prod.Database.MultiAZ, true},
		{"prod deletion protection", prod.Database.DeletionProtection, true},
		{"prod backups", prod.Database.BackupRetentionDays, 30},
		{"prod AZ names", strings.Join(prod.AZNames(), ","), "eu-west-1a,eu-west-1b,eu-west-1c"},
		{"dev stack name", dev.StackName("network"), "shopstack-dev-network"},
		{"dev backend image", dev.BackendImage(), "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/backend:0.1.0"},
		{"prod frontend image", prod.FrontendImage(), "111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/prod/frontend:0.1.0"},
		{"dev secret", dev.Names.DatabaseSecretName, "shopstack/dev/database"},
		{"prod secret", prod.Names.DatabaseSecretName, "shopstack/prod/database"},
		{"dev proxy endpoint parameter", dev.Names.DatabaseProxyEndpointParameter, "/shopstack/dev/database/proxy-endpoint"},
		{"prod proxy endpoint parameter", prod.Names.DatabaseProxyEndpointParameter, "/shopstack/prod/database/proxy-endpoint"},
		{"dev SMTP secret", dev.Names.SMTPSecretName, "shopstack/dev/smtp"},
		{"prod SMTP secret", prod.Names.SMTPSecretName, "shopstack/prod/smtp"},
		{"dev From", dev.SMTPFrom(), "shop@shop-dev.example.com"},
		{"prod From", prod.SMTPFrom(), "shop@shop.example.com"},
		{"dev MAIL FROM domain", dev.MailFromDomain(), "mail.shop-dev.example.com"},
		{"prod MAIL FROM domain", prod.MailFromDomain(), "mail.shop.example.com"},
		{"dev SMTP host", dev.SMTPHost(), "email-smtp.eu-west-1.amazonaws.com"},
		{"SMTP port", platform.SMTPPort, 587},
		{"prod public URL", prod.PublicURL(), "https://shop.example.com"},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
}

// Each invalid field gives exactly one error naming the field, the value
// received and what is allowed.
func TestValidateRejects(t *testing.T) {
	cases := []struct {
		env     func() platform.Environment // default: Dev
		field   string
		mutate  func(e *platform.Environment)
		allowed string // a fragment of the allowed-values text
		// also lists fields that are necessarily invalid too (a host inside
		// an invalid zone).
		also []string
	}{
		{field: "Name", mutate: func(e *platform.Environment) { e.Name = "staging" }, allowed: `"dev", "prod"`},
		{field: "Account", mutate: func(e *platform.Environment) { e.Account = "1234" }, allowed: "12-digit"},
		{field: "Region", mutate: func(e *platform.Environment) { e.Region = "Europe" }, allowed: "eu-west-1"},
		{field: "AvailabilityZones", mutate: func(e *platform.Environment) { e.AvailabilityZones = 1; e.Network.NATGateways = 1 }, allowed: "between 2 and 6"},
		{field: "DNS.ZoneName", mutate: func(e *platform.Environment) { e.DNS.ZoneName = "Example.COM"; e.DNS.Host = "shop.Example.COM" }, allowed: "lower-case DNS name", also: []string{"DNS.Host"}},
		{field: "DNS.HostedZoneID", mutate: func(e *platform.Environment) { e.DNS.HostedZoneID = "zone-1" }, allowed: "hosted zone id"},
		{field: "DNS.Host", mutate: func(e *platform.Environment) { e.DNS.Host = "shop.example.org" }, allowed: "inside DNS.ZoneName"},
		{field: "Network.CIDR", mutate: func(e *platform.Environment) { e.Network.CIDR = "10.0.0.0/24" }, allowed: "/16 to /20"},
		{field: "Network.CIDR", mutate: func(e *platform.Environment) { e.Network.CIDR = "10.0.0.1/16" }, allowed: "/16 to /20"},
		{field: "Network.NATGateways", mutate: func(e *platform.Environment) { e.Network.NATGateways = 3 }, allowed: "between 1 and AvailabilityZones (2)"},
		{field: "Network.NATGateways", mutate: func(e *platform.Environment) { e.Network.NATGateways = 0 }, allowed: "between 1 and"},
		{field: "Network.FlowLogRetentionDays", mutate: func(e *platform.Environment) { e.Network.FlowLogRetentionDays = 10 }, allowed: "one of 1, 3, 5"},
		{field: "Cluster.Name", mutate: func(e *platform.Environment) { e.Cluster.Name = "Shop_Stack" }, allowed: "lower-case"},
		{field: "Cluster.KubernetesVersion", mutate: func(e *platform.Environment) { e.Cluster.KubernetesVersion = "v1.34" }, allowed: `"1.<minor>"`},
		{field: "Cluster.KubernetesVersion", mutate: func(e *platform.Environment) { e.Cluster.KubernetesVersion = "1.28" }, allowed: "1.29 or newer"},
		{field: "Cluster.AdminRoleARNs", mutate: func(e *platform.Environment) { e.Cluster.AdminRoleARNs = nil }, allowed: "at least one"},
		{field: "Cluster.AdminRoleARNs[0]", mutate: func(e *platform.Environment) {
			e.Cluster.AdminRoleARNs = []string{"arn:aws:iam::111122223333:user/alice"}
		}, allowed: "IAM role ARN"},
		{field: "Cluster.PublicAccessCIDRs", mutate: func(e *platform.Environment) { e.Cluster.PublicAccessCIDRs = nil }, allowed: "never open to the world"},
		{field: "Cluster.PublicAccessCIDRs[0]", mutate: func(e *platform.Environment) { e.Cluster.PublicAccessCIDRs = []string{"0.0.0.0/0"} }, allowed: "narrower than 0.0.0.0/0"},
		{field: "Cluster.LogRetentionDays", mutate: func(e *platform.Environment) { e.Cluster.LogRetentionDays = 0 }, allowed: "one of 1, 3"},
		{field: "Database.EngineVersion", mutate: func(e *platform.Environment) { e.Database.EngineVersion = "16.11.1" }, allowed: `"<major>.<minor>"`},
		{field: "Database.EngineVersion", mutate: func(e *platform.Environment) { e.Database.EngineVersion = "v17" }, allowed: "major version, 13 to 19"},
		{field: "Database.EngineVersion", mutate: func(e *platform.Environment) { e.Database.EngineVersion = "12.9" }, allowed: "major version, 13 to 19"},
		{field: "Database.InstanceClass", mutate: func(e *platform.Environment) { e.Database.InstanceClass = "db.t4g.medium" }, allowed: `without "db."`},
		{field: "Database.AllocatedStorageGiB", mutate: func(e *platform.Environment) { e.Database.AllocatedStorageGiB = 10 }, allowed: "between 20 and 65536"},
		{field: "Database.MaxAllocatedStorageGiB", mutate: func(e *platform.Environment) { e.Database.MaxAllocatedStorageGiB = 20 }, allowed: "greater than AllocatedStorageGiB (20)"},
		{field: "Database.BackupRetentionDays", mutate: func(e *platform.Environment) { e.Database.BackupRetentionDays = 0 }, allowed: "between 1 and 35"},
		{field: "Database.BackupRetentionDays", mutate: func(e *platform.Environment) { e.Database.BackupRetentionDays = 36 }, allowed: "between 1 and 35"},
		{field: "Database.DatabaseName", mutate: func(e *platform.Environment) { e.Database.DatabaseName = "Shop-DB" }, allowed: "lower-case identifier"},
		{field: "Database.Username", mutate: func(e *platform.Environment) { e.Database.Username = "postgres" }, allowed: "reserved"},
		{field: "Database.Port", mutate: func(e *platform.Environment) { e.Database.Port = 80 }, allowed: "between 1150 and 65535"},
		{field: "Database.SlowStatementMillis", mutate: func(e *platform.Environment) { e.Database.SlowStatementMillis = -1 }, allowed: "0 or more"},
		{field: "Database.PoolMaxConns", mutate: func(e *platform.Environment) { e.Database.PoolMaxConns = 0 }, allowed: "between 1 and 100"},
		{env: platform.Prod, field: "Database.MultiAZ", mutate: func(e *platform.Environment) { e.Database.MultiAZ = false }, allowed: "true in prod"},
		{env: platform.Prod, field: "Database.DeletionProtection", mutate: func(e *platform.Environment) { e.Database.DeletionProtection = false }, allowed: "true in prod"},
		{field: "Images.BackendRepository", mutate: func(e *platform.Environment) { e.Images.BackendRepository = "Shop/Backend" }, allowed: "ECR repository name"},
		{field: "Images.FrontendRepository", mutate: func(e *platform.Environment) { e.Images.FrontendRepository = e.Images.BackendRepository }, allowed: "other than Images.BackendRepository"},
		{field: "Images.Tag", mutate: func(e *platform.Environment) { e.Images.Tag = "latest" }, allowed: `never "latest"`},
		{field: "Images.Tag", mutate: func(e *platform.Environment) { e.Images.Tag = "" }, allowed: "immutable image tag"},
		{field: "Names.Namespace", mutate: func(e *platform.Environment) { e.Names.Namespace = "Shop" }, allowed: "DNS label"},
		{field: "Names.BackendServiceAccount", mutate: func(e *platform.Environment) { e.Names.BackendServiceAccount = "backend_sa" }, allowed: "DNS label"},
		{field: "Names.ExternalDNSNamespace", mutate: func(e *platform.Environment) { e.Names.ExternalDNSNamespace = "" }, allowed: "DNS label"},
		{field: "Names.ExternalDNSServiceAccount", mutate: func(e *platform.Environment) { e.Names.ExternalDNSServiceAccount = "-dns" }, allowed: "DNS label"},
		{field: "Names.Frontend", mutate: func(e *platform.Environment) { e.Names.Frontend = e.Names.Backend }, allowed: "other than Names.Backend"},
		{field: "Names.MonitoringNamespace", mutate: func(e *platform.Environment) { e.Names.MonitoringNamespace = e.Names.Namespace }, allowed: "other than Names.Namespace"},
		{field: "Names.DatabaseSecretName", mutate: func(e *platform.Environment) { e.Names.DatabaseSecretName = "shop stack" }, allowed: "Secrets Manager name"},
		// SSM parameter names (PutParameter, Name): fully qualified here,
		// a-zA-Z0-9_.- per level, at most 15 levels, not prefixed aws/ssm,
		// at most 1011 characters counting the ARN before the name.
		{field: "Names.DatabaseProxyEndpointParameter", mutate: func(e *platform.Environment) { e.Names.DatabaseProxyEndpointParameter = "" }, allowed: "fully qualified SSM parameter name"},
		{field: "Names.DatabaseProxyEndpointParameter", mutate: func(e *platform.Environment) { e.Names.DatabaseProxyEndpointParameter = "shopstack/dev/proxy" }, allowed: "fully qualified SSM parameter name"},
		{field: "Names.DatabaseProxyEndpointParameter", mutate: func(e *platform.Environment) { e.Names.DatabaseProxyEndpointParameter = "/shop stack/proxy" }, allowed: "letters, digits and _.-"},
		{field: "Names.DatabaseProxyEndpointParameter", mutate: func(e *platform.Environment) { e.Names.DatabaseProxyEndpointParameter = "/shopstack//proxy" }, allowed: "letters, digits and _.-"},
		{field: "Names.DatabaseProxyEndpointParameter", mutate: func(e *platform.Environment) { e.Names.DatabaseProxyEndpointParameter = "/AWS/proxy" }, allowed: "not starting with aws or ssm"},
		{field: "Names.DatabaseProxyEndpointParameter", mutate: func(e *platform.Environment) { e.Names.DatabaseProxyEndpointParameter = "/ssmparams/proxy" }, allowed: "not starting with aws or ssm"},
		{field: "Names.DatabaseProxyEndpointParameter", mutate: func(e *platform.Environment) {
			e.Names.DatabaseProxyEndpointParameter = strings.Repeat("/a", 16)
		}, allowed: "at most 15 levels"},
		{field: "Names.DatabaseProxyEndpointParameter", mutate: func(e *platform.Environment) {
			// "arn:aws:ssm:eu-west-1:111122223333:parameter/" is 45 characters.
			e.Names.DatabaseProxyEndpointParameter = "/" + strings.Repeat("p", 1011-45+1)
		}, allowed: "at most 1011 characters"},
		{field: "Backend.MinReplicas", mutate: func(e *platform.Environment) { e.Backend.MinReplicas = 1 }, allowed: "at least 2"},
		{field: "Backend.MaxReplicas", mutate: func(e *platform.Environment) { e.Backend.MaxReplicas = 1 }, allowed: "between MinReplicas (2) and 100"},
		{field: "Frontend.TargetCPUPercent", mutate: func(e *platform.Environment) { e.Frontend.TargetCPUPercent = 5 }, allowed: "between 10 and 100"},
		{field: "Frontend.TargetMemoryPercent", mutate: func(e *platform.Environment) { e.Frontend.TargetMemoryPercent = 101 }, allowed: "between 10 and 100"},
		{field: "Backend.CPURequestMilli", mutate: func(e *platform.Environment) { e.Backend.CPURequestMilli = 600 }, allowed: "at most CPULimitMilli (500)"},
		{field: "Backend.MemoryRequestMiB", mutate: func(e *platform.Environment) { e.Backend.MemoryRequestMiB = 0 }, allowed: "positive"},
		{field: "Backend.ScaleDownStabilizationSeconds", mutate: func(e *platform.Environment) { e.Backend.ScaleDownStabilizationSeconds = 4000 }, allowed: "between 0 and 3600"},
		{field: "NodePool.CapacityTypes", mutate: func(e *platform.Environment) { e.NodePool.CapacityTypes = nil }, allowed: `"spot", "on-demand"`},
		{field: "NodePool.CapacityTypes[1]", mutate: func(e *platform.Environment) { e.NodePool.CapacityTypes = []string{"spot", "reserved"} }, allowed: `"spot" or "on-demand"`},
		{field: "NodePool.CPULimit", mutate: func(e *platform.Environment) { e.NodePool.CPULimit = 0 }, allowed: "positive"},
		{field: "NodePool.MemoryLimitGiB", mutate: func(e *platform.Environment) { e.NodePool.MemoryLimitGiB = -1 }, allowed: "positive"},
		{field: "NodePool.ConsolidateAfter", mutate: func(e *platform.Environment) { e.NodePool.ConsolidateAfter = "5 minutes" }, allowed: `"30s" to "24h"`},
		{field: "NodePool.ConsolidateAfter", mutate: func(e *platform.Environment) { e.NodePool.ConsolidateAfter = "1s" }, allowed: `"30s" to "24h"`},
		{field: "Monitoring.RetentionDays", mutate: func(e *platform.Environment) { e.Monitoring.RetentionDays = 0 }, allowed: "between 1 and 365"},
		{field: "Monitoring.StorageGiB", mutate: func(e *platform.Environment) { e.Monitoring.StorageGiB = 5 }, allowed: "between 10 and 16384"},
		{field: "Mail.FromLocalPart", mutate: func(e *platform.Environment) { e.Mail.FromLocalPart = "" }, allowed: `before "@"`},
		{field: "Mail.FromLocalPart", mutate: func(e *platform.Environment) { e.Mail.FromLocalPart = "Shop <shop>" }, allowed: `before "@"`},
		{field: "Mail.FromLocalPart", mutate: func(e *platform.Environment) { e.Mail.FromLocalPart = "shop@example.com" }, allowed: `before "@"`},
		{field: "Mail.MailFromSubdomain", mutate: func(e *platform.Environment) { e.Mail.MailFromSubdomain = "bounce.mail" }, allowed: "one DNS label"},
		{field: "Region", mutate: func(e *platform.Environment) { e.Region = "eu-south-1" }, allowed: "SES SMTP endpoint"},
		{field: "Names.SMTPSecretName", mutate: func(e *platform.Environment) { e.Names.SMTPSecretName = e.Names.DatabaseSecretName }, allowed: "other than Names.DatabaseSecretName"},
		{field: "Names.SMTPSecretName", mutate: func(e *platform.Environment) { e.Names.SMTPSecretName = "shop smtp" }, allowed: "Secrets Manager name"},
		{field: "Tags[aws:owner]", mutate: func(e *platform.Environment) { e.Tags = map[string]string{"aws:owner": "me"} }, allowed: "not starting with aws:"},
	}
	for _, c := range cases {
		ctor := c.env
		if ctor == nil {
			ctor = platform.Dev
		}
		env := ctor()
		c.mutate(&env)
		t.Run(env.Name+"/"+c.field, func(t *testing.T) {
			errs := fieldErrors(t, env.Validate())
			if len(errs) != 1+len(c.also) {
				t.Fatalf("want exactly one error for %s (and %v), got %d: %v", c.field, c.also, len(errs), errs)
			}
			fe := errs[0]
			if fe.Field != c.field {
				t.Errorf("error names field %q, want %q", fe.Field, c.field)
			}
			if fe.Env != env.Name {
				t.Errorf("error names environment %q, want %q", fe.Env, env.Name)
			}
			msg := fe.Error()
			for _, want := range []string{c.field, fmt.Sprintf("%#v", fe.Value), c.allowed} {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not contain %q", msg, want)
				}
			}
		})
	}
}

// Without a custom MAIL FROM domain SES uses its default one.
func TestMailFromDomainOptional(t *testing.T) {
	env := platform.Dev()
	env.Mail.MailFromSubdomain = ""
	if err := env.Validate(); err != nil {
		t.Fatal(err)
	}
	if got := env.MailFromDomain(); got != "" {
		t.Errorf("MailFromDomain() = %q, want \"\"", got)
	}
}

// Validate reports every problem at once, not only the first.
func TestValidateReportsAll(t *testing.T) {
	env := platform.Prod()
	env.Account = "x"
	env.Database.MultiAZ = false
	env.Images.Tag = "latest"
	errs := fieldErrors(t, env.Validate())
	var fields []string
	for _, e := range errs {
		fields = append(fields, e.Field)
	}
	if got := strings.Join(fields, ","); got != "Account,Database.MultiAZ,Images.Tag" {
		t.Errorf("fields %s, want Account,Database.MultiAZ,Images.Tag", got)
	}
}

// The SSM parameter name's limits are inclusive: 15 levels, and 1011
// characters counting "arn:aws:ssm:eu-west-1:111122223333:parameter/" (45).
func TestProxyEndpointParameterNameLimits(t *testing.T) {
	for name, value := range map[string]string{
		"15 levels":       strings.Repeat("/a", 15),
		"1011 with ARN":   "/" + strings.Repeat("p", 1011-45),
		"dots and dashes": "/shop-stack/prod.db/proxy_endpoint",
	} {
		env := platform.Dev()
		env.Names.DatabaseProxyEndpointParameter = value
		if err := env.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
