package preflight_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/shopstack/shopstack/internal/preflight"
	"github.com/shopstack/shopstack/platform"
)

// now is the tests' clock: Kubernetes 1.36 and PostgreSQL 17 (the defaults)
// are well inside standard support.
var now = time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)

const (
	ecrTarget     = "AmazonEC2ContainerRegistry_V20150921."
	secretsTarget = "secretsmanager."
	logsTarget    = "Logs_20140328."
	ssmTarget     = "AmazonSSM."
	zonePath      = "GET /2013-04-01/hostedzone/" + platform.PlaceholderHostedZoneID
)

// healthy answers like an account ready for env's first deploy: the caller
// is the admin role, the account is bootstrapped, the zone is the
// configured one, the versions are offered, no name is taken, the images
// are pushed.
func healthy(t *testing.T, env platform.Environment) map[string]handler {
	region := env.Region
	return map[string]handler{
		// STS GetCallerIdentity
		// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
		"GetCallerIdentity": func(c call) reply {
			return queryOK(c, `<Arn>arn:aws:sts::`+env.Account+`:assumed-role/Admin/deployer</Arn><UserId>AROA3XFRBF535PLBIFPI4:deployer</UserId><Account>`+env.Account+`</Account>`)
		},
		// STS AssumeRole (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
		"AssumeRole": func(c call) reply {
			if c.Params.Get("DurationSeconds") != "900" || c.Params.Get("RoleSessionName") == "" {
				t.Errorf("AssumeRole %v: want DurationSeconds 900 and a RoleSessionName", c.Params)
			}
			role := c.Params.Get("RoleArn")
			return queryOK(c, `<Credentials><AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey><SessionToken>IQoJb3JpZ2luX2VjEXAMPLE</SessionToken><Expiration>2026-12-01T09:15:00Z</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::`+env.Account+`:assumed-role/`+role[strings.LastIndex(role, "/")+1:]+`/shopstack-preflight</Arn><AssumedRoleId>AROA3XFRBF535PLBIFPI4:shopstack-preflight</AssumedRoleId></AssumedRoleUser><PackedPolicySize>0</PackedPolicySize>`)
		},
		// CloudFormation DescribeStacks
		// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html).
		"DescribeStacks":         toolkitStack("UPDATE_COMPLETE"),
		"DescribeStackResources": stackResources(nil),
		ssmTarget + "GetParameter": func(c call) reply {
			if name := c.JSON["Name"]; name == "/cdk-bootstrap/hnb659fds/version" {
				return awsJSON(map[string]any{"Parameter": map[string]any{
					"Name": name, "Type": "String", "Value": "30", "Version": 30, "DataType": "text",
					"ARN":              "arn:aws:ssm:" + region + ":" + env.Account + ":parameter/cdk-bootstrap/hnb659fds/version",
					"LastModifiedDate": epoch("2026-06-01"),
				}})(c)
			}
			return awsJSONError("ParameterNotFound", "")(c)
		},
		// Route53 GetHostedZone
		// (https://docs.aws.amazon.com/Route53/latest/APIReference/API_GetHostedZone.html).
		zonePath: hostedZone(env.DNS.ZoneName+".", false),
		// EKS DescribeClusterVersions, DescribeAddonVersions, DescribeCluster
		// (https://docs.aws.amazon.com/eks/latest/APIReference/).
		"GET /cluster-versions": clusterVersions(t, env.Cluster.KubernetesVersion, "STANDARD_SUPPORT", "2027-08-02"),
		"GET /addons/supported-versions": func(c call) reply {
			return restJSON(map[string]any{"addons": []any{metricsServer(c.Params.Get("kubernetesVersion"))}})(c)
		},
		"GET /clusters/": restJSONError(http.StatusNotFound, "ResourceNotFoundException", "No cluster found for name: shopstack-"+env.Name+"."),
		// RDS (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/).
		"DescribeDBEngineVersions":           engineVersions(t, "17.6"),
		"DescribeDBMajorEngineVersions":      majorEngineVersion("17", "2030-02-28"),
		"DescribeOrderableDBInstanceOptions": orderable(t, orderableOption{MultiAZ: true, PI: true, ReadReplica: true, Storage: "gp3"}),
		"DescribeDBInstances":                queryError(http.StatusNotFound, "DBInstanceNotFound", "DBInstance shopstack-"+env.Name+" not found."),
		"DescribeDBProxies":                  queryError(http.StatusNotFound, "DBProxyNotFoundFault", "DBProxy shopstack-"+env.Name+" not found."),
		// ECR (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/).
		ecrTarget + "DescribeRepositories":          awsJSONError("RepositoryNotFoundException", "The repository with name 'shopstack/"+env.Name+"/backend' does not exist in the registry with id '"+env.Account+"'"),
		ecrTarget + "DescribePullThroughCacheRules": awsJSONError("PullThroughCacheRuleNotFoundException", "The pull through cache rule with the prefix does not exist"),
		ecrTarget + "DescribeImages": func(c call) reply {
			return awsJSON(map[string]any{"imageDetails": []any{map[string]any{
				"registryId": c.JSON["registryId"], "repositoryName": c.JSON["repositoryName"],
				"imageDigest":            "sha256:5a1c1b0a4f0e3f3d9b3ad0c35c7a0f2c8fd2f4e6a1f5bb0b64c9f4e2a3d7c1e0",
				"imageTags":              []string{env.Images.Tag},
				"imageSizeInBytes":       24842103,
				"imagePushedAt":          epoch("2026-11-30"),
				"imageManifestMediaType": "application/vnd.oci.image.manifest.v1+json",
			}}})(c)
		},
		// Secrets Manager DescribeSecret, CloudWatch Logs DescribeLogGroups.
		secretsTarget + "DescribeSecret": awsJSONError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."),
		logsTarget + "DescribeLogGroups": awsJSON(map[string]any{"logGroups": []any{}}),
		// SES API v2 GetEmailIdentity (no such identity) and GetAccount
		// (production access, sending on)
		// (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetEmailIdentity.html,
		// https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_GetAccount.html).
		sesIdentityPath: restJSONError(http.StatusNotFound, "NotFoundException", "Email identity does not exist."),
		sesAccountPath:  sesAccount(true, true),
	}
}

const (
	sesIdentityPath = "GET /v2/email/identities/"
	sesAccountPath  = "GET /v2/email/account"
)

// sesAccount answers GetAccount with the documented response fields.
func sesAccount(production, sending bool) handler {
	return restJSON(map[string]any{
		"DedicatedIpAutoWarmupEnabled": false,
		"EnforcementStatus":            map[bool]string{true: "HEALTHY", false: "SHUTDOWN"}[sending],
		"ProductionAccessEnabled":      production,
		"SendingEnabled":               sending,
		"SendQuota":                    map[string]any{"Max24HourSend": 200, "MaxSendRate": 1, "SentLast24Hours": 0},
	})
}

func toolkitStack(status string) handler {
	return func(c call) reply {
		if c.Params.Get("StackName") != preflight.ToolkitStack {
			return queryError(http.StatusBadRequest, "ValidationError", "Stack with id "+c.Params.Get("StackName")+" does not exist")(c)
		}
		return queryOK(c, `<Stacks><member><StackId>arn:aws:cloudformation:eu-west-1:111122223333:stack/CDKToolkit/5c1b0a40-3f3d-11f0-9b3a-0a1b2c3d4e5f</StackId><StackName>CDKToolkit</StackName><Description>This stack includes resources needed to deploy AWS CDK apps into this environment</Description><CreationTime>2026-01-10T08:00:00Z</CreationTime><StackStatus>`+status+`</StackStatus><Outputs><member><OutputKey>BootstrapVersion</OutputKey><OutputValue>30</OutputValue><Description>The version of the bootstrap resources that are currently mastered in this stack</Description></member></Outputs></member></Stacks>`)
	}
}

// stackResources answers DescribeStackResources from stacks (stack name ->
// its resources as <member> elements); other stacks do not exist.
func stackResources(stacks map[string]string) handler {
	return func(c call) reply {
		name := c.Params.Get("StackName")
		members, ok := stacks[name]
		if !ok {
			return queryError(http.StatusBadRequest, "ValidationError", "Stack with id "+name+" does not exist")(c)
		}
		return queryOK(c, "<StackResources>"+members+"</StackResources>")
	}
}

// stackResource is one <member> of DescribeStackResources' StackResources
// (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_StackResource.html).
func stackResource(stack, logicalID, physicalID, typ, status string) string {
	return fmt.Sprintf(`<member><StackName>%[1]s</StackName><StackId>arn:aws:cloudformation:eu-west-1:111122223333:stack/%[1]s/0d1e2f30-3f3d-11f0-9b3a-0a1b2c3d4e5f</StackId><LogicalResourceId>%[2]s</LogicalResourceId><PhysicalResourceId>%[3]s</PhysicalResourceId><ResourceType>%[4]s</ResourceType><Timestamp>2026-11-02T10:00:00Z</Timestamp><ResourceStatus>%[5]s</ResourceStatus><DriftInformation><StackResourceDriftStatus>NOT_CHECKED</StackResourceDriftStatus></DriftInformation></member>`,
		stack, logicalID, physicalID, typ, status)
}

func hostedZone(name string, private bool) handler {
	return func(call) reply {
		return reply{
			Header: map[string]string{"Content-Type": "text/xml"},
			Body: fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><GetHostedZoneResponse xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><HostedZone><Id>/hostedzone/%s</Id><Name>%s</Name><CallerReference>2026-01-10-shopstack</CallerReference><Config><Comment>storefront</Comment><PrivateZone>%t</PrivateZone></Config><ResourceRecordSetCount>4</ResourceRecordSetCount></HostedZone><DelegationSet><NameServers><NameServer>ns-2048.awsdns-64.com</NameServer><NameServer>ns-2049.awsdns-65.net</NameServer><NameServer>ns-2050.awsdns-66.org</NameServer><NameServer>ns-2051.awsdns-67.co.uk</NameServer></NameServers></DelegationSet></GetHostedZoneResponse>`,
				platform.PlaceholderHostedZoneID, name, private),
		}
	}
}

func clusterVersions(t *testing.T, version, status, endOfStandard string) handler {
	return func(c call) reply {
		if got := c.Params.Get("clusterVersions"); got == "" {
			t.Errorf("DescribeClusterVersions without clusterVersions: %v", c.Params)
		}
		lower := map[string]string{"STANDARD_SUPPORT": "standard-support", "EXTENDED_SUPPORT": "extended-support", "UNSUPPORTED": "unsupported"}[status]
		v := map[string]any{
			"clusterType": "eks", "clusterVersion": version, "defaultPlatformVersion": "eks.3", "defaultVersion": true,
			"releaseDate": epoch("2026-06-02"), "endOfStandardSupportDate": epoch(endOfStandard), "endOfExtendedSupportDate": epoch("2028-08-02"),
			"status": lower, "versionStatus": status, "kubernetesPatchVersion": version + ".2",
		}
		return restJSON(map[string]any{"clusterVersions": []any{v}})(c)
	}
}

func metricsServer(kubernetesVersion string) map[string]any {
	return map[string]any{
		"addonName": "metrics-server", "type": "observability", "owner": "aws", "publisher": "eks",
		"addonVersions": []any{map[string]any{
			"addonVersion": "v0.8.0-eksbuild.2", "architecture": []string{"amd64", "arm64"},
			"compatibilities":       []any{map[string]any{"clusterVersion": kubernetesVersion, "platformVersions": []string{"*"}, "defaultVersion": true}},
			"requiresConfiguration": false,
		}},
	}
}

// engineVersions answers DescribeDBEngineVersions with the versions given
// (none: an empty list); it checks that a bare major is asked with
// DefaultOnly.
func engineVersions(t *testing.T, versions ...string) handler {
	return func(c call) reply {
		asked := c.Params.Get("EngineVersion")
		if !strings.Contains(asked, ".") && c.Params.Get("DefaultOnly") != "true" {
			t.Errorf("DescribeDBEngineVersions for the major %q without DefaultOnly: %v", asked, c.Params)
		}
		var b strings.Builder
		for _, v := range versions {
			major, _, _ := strings.Cut(v, ".")
			fmt.Fprintf(&b, `<DBEngineVersion><Engine>postgres</Engine><EngineVersion>%s</EngineVersion><DBParameterGroupFamily>postgres%s</DBParameterGroupFamily><DBEngineDescription>PostgreSQL</DBEngineDescription><DBEngineVersionDescription>PostgreSQL %s-R1</DBEngineVersionDescription><Status>available</Status></DBEngineVersion>`, v, major, v)
		}
		return queryOK(c, "<DBEngineVersions>"+b.String()+"</DBEngineVersions>")
	}
}

func majorEngineVersion(major, endOfStandard string) handler {
	return func(c call) reply {
		return queryOK(c, `<DBMajorEngineVersions><DBMajorEngineVersion><Engine>postgres</Engine><MajorEngineVersion>`+major+`</MajorEngineVersion><SupportedEngineLifecycles><SupportedEngineLifecycle><LifecycleSupportName>open-source-rds-standard-support</LifecycleSupportName><LifecycleSupportStartDate>2024-11-15T00:00:00Z</LifecycleSupportStartDate><LifecycleSupportEndDate>`+endOfStandard+`T00:00:00Z</LifecycleSupportEndDate></SupportedEngineLifecycle><SupportedEngineLifecycle><LifecycleSupportName>open-source-rds-extended-support</LifecycleSupportName><LifecycleSupportStartDate>`+endOfStandard+`T00:00:00Z</LifecycleSupportStartDate><LifecycleSupportEndDate>2033-02-28T00:00:00Z</LifecycleSupportEndDate></SupportedEngineLifecycle></SupportedEngineLifecycles></DBMajorEngineVersion></DBMajorEngineVersions>`)
	}
}

type orderableOption struct {
	MultiAZ, PI, ReadReplica bool
	Storage                  string
}

// orderable answers DescribeOrderableDBInstanceOptions with one option per
// entry, for the class and version asked.
func orderable(t *testing.T, options ...orderableOption) handler {
	return func(c call) reply {
		if c.Params.Get("Vpc") != "true" {
			t.Errorf("DescribeOrderableDBInstanceOptions outside a VPC: %v", c.Params)
		}
		var b strings.Builder
		for _, o := range options {
			fmt.Fprintf(&b, `<OrderableDBInstanceOption><Engine>postgres</Engine><EngineVersion>%s</EngineVersion><DBInstanceClass>%s</DBInstanceClass><LicenseModel>postgresql-license</LicenseModel><MultiAZCapable>%t</MultiAZCapable><ReadReplicaCapable>%t</ReadReplicaCapable><Vpc>true</Vpc><SupportsStorageEncryption>true</SupportsStorageEncryption><StorageType>%s</StorageType><SupportsPerformanceInsights>%t</SupportsPerformanceInsights></OrderableDBInstanceOption>`,
				c.Params.Get("EngineVersion"), c.Params.Get("DBInstanceClass"), o.MultiAZ, o.ReadReplica, o.Storage, o.PI)
		}
		return queryOK(c, "<OrderableDBInstanceOptions>"+b.String()+"</OrderableDBInstanceOptions>")
	}
}

func callerIs(arn, account string) handler {
	return func(c call) reply {
		return queryOK(c, `<Arn>`+arn+`</Arn><UserId>AROAEXAMPLEID:someone</UserId><Account>`+account+`</Account>`)
	}
}

// answerFor answers name (a JSON field of the request) with found and
// everything else with other.
func answerFor(field, name string, found, other handler) handler {
	return func(c call) reply {
		v := c.JSON[field]
		if list, ok := v.([]any); ok && len(list) == 1 {
			v = list[0]
		}
		if v == name {
			return found(c)
		}
		return other(c)
	}
}

// scenario is one account state: the healthy answers with some routes
// replaced, and the checks expected to fail (each with substrings of its
// line: what is wrong and the fix).
type scenario struct {
	name   string
	env    string
	stage  string
	now    time.Time
	edit   func(*platform.Environment, *preflight.Plan)
	routes func(platform.Environment) map[string]handler
	noCred bool
	// fails maps a check to substrings of its FAIL line; every other check
	// must pass.
	fails map[string][]string
	// passes maps a check to substrings of its ok line.
	passes map[string][]string
}

func (s scenario) run(t *testing.T) []preflight.Result {
	t.Helper()
	envName := s.env
	if envName == "" {
		envName = platform.EnvDev
	}
	env, err := platform.For(envName)
	if err != nil {
		t.Fatal(err)
	}
	plan := planFor(t, envName)
	if s.edit != nil {
		s.edit(&env, &plan)
	}
	routes := healthy(t, env)
	if s.routes != nil {
		maps.Copy(routes, s.routes(env))
	}
	_, cfg := newFakeAWS(t, env.Region, routes)
	if s.noCred {
		cfg.Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, errors.New("failed to refresh cached credentials, no EC2 IMDS role found")
		})
	}
	clock := s.now
	if clock.IsZero() {
		clock = now
	}
	c := &preflight.Checker{Env: env, Plan: plan, AWS: preflight.NewClients(cfg), Now: func() time.Time { return clock }}
	stage := s.stage
	if stage == "" {
		stage = preflight.StageInfra
	}
	results, err := c.Run(context.Background(), stage)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range results {
		if seen[r.Check] {
			t.Errorf("check %q reported twice", r.Check)
		}
		seen[r.Check] = true
		line := r.String()
		want, mustFail := s.fails[r.Check]
		if !mustFail {
			want = s.passes[r.Check]
		}
		switch {
		case mustFail && r.OK:
			t.Errorf("want FAIL, got: %s", line)
		case !mustFail && !r.OK && !s.noCred:
			t.Errorf("want ok, got: %s", line)
		case !r.OK && (r.Fix == "" || !strings.HasPrefix(line, "FAIL "+r.Check+": ") || !strings.Contains(line, " -> fix: ")):
			t.Errorf("a FAIL line without its shape or fix: %q", line)
		case r.OK && !strings.HasPrefix(line, "ok   "+r.Check+": "):
			t.Errorf("an ok line without its shape: %q", line)
		}
		for _, sub := range want {
			if !strings.Contains(line, sub) {
				t.Errorf("%s\n  want it to contain %q", line, sub)
			}
		}
	}
	for check := range s.fails {
		if !seen[check] {
			t.Errorf("no check %q ran", check)
		}
	}
	for check := range s.passes {
		if !seen[check] {
			t.Errorf("no check %q ran", check)
		}
	}
	if t.Failed() {
		var out bytes.Buffer
		preflight.Print(&out, results)
		t.Logf("report:\n%s", out.String())
	}
	return results
}

func TestHealthyAccount(t *testing.T) {
	for _, env := range platform.EnvironmentNames() {
		for _, stage := range []string{preflight.StageInfra, preflight.StageImages} {
			t.Run(env+"/"+stage, func(t *testing.T) {
				s := scenario{env: env, stage: stage, passes: map[string][]string{
					"account": {"111122223333 in eu-west-1 as arn:aws:sts::111122223333:assumed-role/Admin/deployer"},
				}}
				if stage == preflight.StageInfra {
					s.passes["admin role"] = []string{"is the admin role arn:aws:iam::111122223333:role/Admin"}
					s.passes["cdk bootstrap"] = []string{"CDKToolkit is UPDATE_COMPLETE, bootstrap version 30 (the templates require 6)"}
					s.passes["hosted zone"] = []string{"Z0000000000EXAMPLE is the public zone example.com."}
					s.passes["eks version"] = []string{"Kubernetes 1.36 is offered in eu-west-1, standard support until 2027-08-02"}
					s.passes["eks add-on metrics-server"] = []string{"v0.8.0-eksbuild.2 (EKS's default) supports Kubernetes 1.36 (1 offered)"}
					s.passes["rds engine version"] = []string{"postgres 17.6 (RDS's default of 17) is offered in eu-west-1, standard support until 2030-02-28"}
					s.passes["calendar Cluster.KubernetesVersion"] = []string{`"1.36" is in standard support until 2027-08-02`}
					s.passes["calendar Database.EngineVersion"] = []string{`"17" is in standard support until 2030-02-28`}
					s.passes["name AWS::ECR::Repository shopstack/"+env+"/backend"] = []string{"free"}
					s.passes["name AWS::EKS::Cluster shopstack-"+env] = []string{"free"}
				} else {
					s.passes["image backend"] = []string{"111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/" + env + "/backend:0.1.0 (sha256:"}
					s.passes["image frontend"] = []string{"shopstack/" + env + "/frontend:0.1.0"}
				}
				results := s.run(t)
				var out bytes.Buffer
				if failed := preflight.Print(&out, results); failed != 0 {
					t.Errorf("%d failed", failed)
				}
				if want := fmt.Sprintf("preflight: %d passed, 0 failed\n", len(results)); !strings.HasSuffix(out.String(), want) {
					t.Errorf("summary: want %q, got:\n%s", want, out.String())
				}
			})
		}
	}
}

// TestHealthyAccountChecksEveryName: the infra stage checks every physical
// name the templates create, and prod's classes with Multi-AZ.
func TestHealthyAccountChecksEveryName(t *testing.T) {
	results := scenario{env: platform.EnvProd, passes: map[string][]string{
		"rds instance class": {"db.r7g.large is orderable for postgres 17.6 in eu-west-1 with gp3 storage, Multi-AZ (Database.MultiAZ), Performance Insights"},
	}}.run(t)
	var names []string
	for _, r := range results {
		if strings.HasPrefix(r.Check, "name ") {
			names = append(names, strings.TrimPrefix(r.Check, "name "))
		}
	}
	want := []string{
		"AWS::EKS::Cluster shopstack-prod",
		"AWS::Logs::LogGroup /aws/eks/shopstack-prod/cluster",
		"AWS::Logs::LogGroup /aws/rds/instance/shopstack-prod/postgresql",
		"AWS::Logs::LogGroup /aws/rds/instance/shopstack-prod/upgrade",
		"AWS::RDS::DBInstance shopstack-prod",
		"AWS::SecretsManager::Secret shopstack/prod/database",
		"AWS::ECR::PullThroughCacheRule shopstack-prod/docker-hub",
		"AWS::ECR::PullThroughCacheRule shopstack-prod/k8s",
		"AWS::ECR::PullThroughCacheRule shopstack-prod/quay",
		"AWS::ECR::Repository shopstack/prod/backend",
		"AWS::ECR::Repository shopstack/prod/frontend",
		"AWS::SES::EmailIdentity shop.example.com",
		"AWS::SecretsManager::Secret ecr-pullthroughcache/shopstack-prod/docker-hub",
		"AWS::SecretsManager::Secret shopstack/prod/smtp",
	}
	if strings.Join(names, "\n") != strings.Join(want, "\n") {
		t.Errorf("names checked:\n%s\nwant:\n%s", strings.Join(names, "\n"), strings.Join(want, "\n"))
	}
}

func TestChecks(t *testing.T) {
	const acct = "111122223333"
	otherCaller := func(platform.Environment) map[string]handler {
		return map[string]handler{"GetCallerIdentity": callerIs("arn:aws:sts::"+acct+":assumed-role/Developer/alice", acct)}
	}
	edgeStack := "shopstack-dev-edge"
	backendRepo := "EdgeBackendRepositoryEE19E1A6"
	repoExists := func(platform.Environment) map[string]handler {
		return map[string]handler{ecrTarget + "DescribeRepositories": answerFor("repositoryNames", "shopstack/dev/backend",
			awsJSON(map[string]any{"repositories": []any{map[string]any{
				"repositoryArn":  "arn:aws:ecr:eu-west-1:" + acct + ":repository/shopstack/dev/backend",
				"registryId":     acct,
				"repositoryName": "shopstack/dev/backend",
				"repositoryUri":  acct + ".dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/backend",
				"createdAt":      epoch("2026-11-02"),
			}}}),
			awsJSONError("RepositoryNotFoundException", "The repository does not exist")),
		}
	}
	with := func(a, b func(platform.Environment) map[string]handler) func(platform.Environment) map[string]handler {
		return func(e platform.Environment) map[string]handler {
			m := a(e)
			maps.Copy(m, b(e))
			return m
		}
	}
	secretARN := "arn:aws:secretsmanager:eu-west-1:" + acct + ":secret:shopstack/dev/database-AbCdEf"
	describeSecret := func(deleted bool) handler {
		v := map[string]any{"ARN": secretARN, "Name": "shopstack/dev/database", "CreatedDate": epoch("2026-11-02"), "LastChangedDate": epoch("2026-11-02")}
		if deleted {
			v["DeletedDate"] = epoch("2026-12-20")
		}
		return answerFor("SecretId", "shopstack/dev/database", awsJSON(v), awsJSONError("ResourceNotFoundException", "Secrets Manager can't find the specified secret."))
	}
	secretLogical := func(t *testing.T) string {
		for _, n := range planFor(t, "dev").Names {
			if n.Value == "shopstack/dev/database" {
				return n.LogicalID
			}
		}
		t.Fatal("no database secret in the dev plan")
		return ""
	}(t)

	for _, s := range []scenario{
		{
			name: "account: credentials of another account",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GetCallerIdentity": callerIs("arn:aws:sts::444455556666:assumed-role/Admin/deployer", "444455556666")}
			},
			fails: map[string][]string{
				"account": {"the credentials are for account 444455556666", "Environment.Account is 111122223333", "-> fix: Environment.Account in platform/defaults.go, or credentials (AWS_PROFILE) for account 111122223333"},
			},
			// Another account's Admin may still assume this account's Admin.
			passes: map[string][]string{"admin role": {"may assume the admin role"}},
		},
		{
			name:   "admin role: another role that may assume Admin",
			routes: otherCaller,
			passes: map[string][]string{"admin role": {"the caller arn:aws:sts::111122223333:assumed-role/Developer/alice may assume the admin role arn:aws:iam::111122223333:role/Admin", "--role-arn arn:aws:iam::111122223333:role/Admin"}},
		},
		{
			name: "admin role: another role that may not assume Admin",
			routes: with(otherCaller, func(platform.Environment) map[string]handler {
				return map[string]handler{"AssumeRole": queryError(http.StatusForbidden, "AccessDenied", "User: arn:aws:sts::111122223333:assumed-role/Developer/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Admin")}
			}),
			fails: map[string][]string{"admin role": {
				"is none of Cluster.AdminRoleARNs and may assume none of them",
				"AccessDenied: User: arn:aws:sts::111122223333:assumed-role/Developer/alice is not authorized to perform: sts:AssumeRole",
				"-> fix: run as one of Cluster.AdminRoleARNs (e.g. `aws sts assume-role --role-arn arn:aws:iam::111122223333:role/Admin`",
				"or add your role to Cluster.AdminRoleARNs in platform/defaults.go",
			}},
		},
		{
			name: "admin role: the role name matches but the account does not",
			routes: with(func(platform.Environment) map[string]handler {
				return map[string]handler{"GetCallerIdentity": callerIs("arn:aws:sts::444455556666:assumed-role/Admin/deployer", "444455556666")}
			}, func(platform.Environment) map[string]handler {
				return map[string]handler{"AssumeRole": queryError(http.StatusForbidden, "AccessDenied", "not authorized to perform: sts:AssumeRole")}
			}),
			fails: map[string][]string{"account": {"444455556666"}, "admin role": {"Cluster.AdminRoleARNs"}},
		},
		{
			name: "cdk bootstrap: no CDKToolkit stack",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeStacks": queryError(http.StatusBadRequest, "ValidationError", "Stack with id CDKToolkit does not exist")}
			},
			fails: map[string][]string{"cdk bootstrap": {"no CDKToolkit stack in 111122223333/eu-west-1", "-> fix: `npx cdk bootstrap aws://111122223333/eu-west-1`"}},
		},
		{
			name: "cdk bootstrap: a failed create",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeStacks": toolkitStack("ROLLBACK_COMPLETE")}
			},
			fails: map[string][]string{"cdk bootstrap": {"the CDKToolkit stack is ROLLBACK_COMPLETE", "npx cdk bootstrap aws://111122223333/eu-west-1"}},
		},
		{
			name: "cdk bootstrap: version too old",
			routes: func(e platform.Environment) map[string]handler {
				return map[string]handler{ssmTarget + "GetParameter": answerFor("Name", "/cdk-bootstrap/hnb659fds/version",
					awsJSON(map[string]any{"Parameter": map[string]any{"Name": "/cdk-bootstrap/hnb659fds/version", "Type": "String", "Value": "5", "Version": 5}}),
					awsJSONError("ParameterNotFound", ""))}
			},
			fails: map[string][]string{"cdk bootstrap": {"bootstrap version 5 (/cdk-bootstrap/hnb659fds/version), the templates require 6 or later", "-> fix: `npx cdk bootstrap aws://111122223333/eu-west-1` (upgrades"}},
		},
		{
			name: "cdk bootstrap: no version parameter (another qualifier)",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{ssmTarget + "GetParameter": awsJSONError("ParameterNotFound", "")}
			},
			fails: map[string][]string{"cdk bootstrap": {"has no SSM parameter /cdk-bootstrap/hnb659fds/version", "npx cdk bootstrap"}},
		},
		{
			name: "hosted zone: unknown id",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{zonePath: restXMLError(http.StatusNotFound, "NoSuchHostedZone", "No hosted zone found with ID: Z0000000000EXAMPLE")}
			},
			fails: map[string][]string{"hosted zone": {"no hosted zone Z0000000000EXAMPLE in account 111122223333", "-> fix: DNS.HostedZoneID in platform/defaults.go"}},
		},
		{
			name: "hosted zone: another zone's id",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{zonePath: hostedZone("example.org.", false)}
			},
			fails: map[string][]string{"hosted zone": {"zone Z0000000000EXAMPLE is example.org., DNS.ZoneName is example.com.", "-> fix: DNS.HostedZoneID or DNS.ZoneName in platform/defaults.go"}},
		},
		{
			name: "hosted zone: the name without its trailing dot does not match",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{zonePath: hostedZone("example.com", false)}
			},
			fails: map[string][]string{"hosted zone": {"is example.com, DNS.ZoneName is example.com."}},
		},
		{
			name: "hosted zone: private",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{zonePath: hostedZone("example.com.", true)}
			},
			fails: map[string][]string{"hosted zone": {"is private", "-> fix: DNS.HostedZoneID in platform/defaults.go: the public zone of example.com"}},
		},
		{
			name: "calendar and EKS: 1.36 within 90 days of the end of standard support",
			now:  time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC),
			fails: map[string][]string{
				"calendar Cluster.KubernetesVersion": {`Cluster.KubernetesVersion = "1.36" leaves AWS standard support on 2027-08-02 (within 90 days)`, "-> fix: Cluster.KubernetesVersion in platform/defaults.go"},
				"eks version":                        {"Kubernetes 1.36 leaves EKS standard support on 2027-08-02 (within 90 days)", "-> fix: Cluster.KubernetesVersion in platform/defaults.go"},
			},
		},
		{
			name: "calendar: a version it does not know",
			edit: func(e *platform.Environment, p *preflight.Plan) {
				e.Cluster.KubernetesVersion = "1.37"
				p.Cluster.Version = "1.37"
			},
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GET /cluster-versions": clusterVersions(t, "1.37", "STANDARD_SUPPORT", "2027-12-02")}
			},
			fails: map[string][]string{"calendar Cluster.KubernetesVersion": {`"1.37" is not in shopstack's support calendar`, "-> fix: add the version's dates from the AWS release calendar to platform/support.go"}},
		},
		{
			name: "eks version: not offered",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GET /cluster-versions": restJSON(map[string]any{"clusterVersions": []any{}})}
			},
			fails: map[string][]string{"eks version": {"EKS does not offer Kubernetes 1.36 in eu-west-1", "-> fix: Cluster.KubernetesVersion in platform/defaults.go"}},
		},
		{
			name: "eks version: in extended support",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GET /cluster-versions": clusterVersions(t, "1.36", "EXTENDED_SUPPORT", "2027-08-02")}
			},
			fails: map[string][]string{"eks version": {"Kubernetes 1.36 is EXTENDED_SUPPORT on EKS", "Cluster.KubernetesVersion"}},
		},
		{
			name: "eks version: EKS's date is not the calendar's",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GET /cluster-versions": clusterVersions(t, "1.36", "STANDARD_SUPPORT", "2027-09-15")}
			},
			fails: map[string][]string{"eks version": {"EKS ends standard support for 1.36 on 2027-09-15, platform/support.go says 2027-08-02", "-> fix: EKSKubernetesSupport in platform/support.go"}},
		},
		{
			name: "eks version: a date a day off is the same date",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GET /cluster-versions": clusterVersions(t, "1.36", "STANDARD_SUPPORT", "2027-08-01")}
			},
		},
		{
			name: "eks add-on: no version for the cluster's Kubernetes",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GET /addons/supported-versions": restJSON(map[string]any{"addons": []any{metricsServer("1.35")}})}
			},
			fails: map[string][]string{"eks add-on metrics-server": {"no version of metrics-server supports Kubernetes 1.36 in eu-west-1", "-> fix: Cluster.KubernetesVersion in platform/defaults.go", "infra.ClusterProps Addons (cdk/infra/cluster.go)"}},
		},
		{
			name: "eks add-on: unknown add-on",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GET /addons/supported-versions": restJSONError(http.StatusNotFound, "ResourceNotFoundException", "Addon metrics-server specified is not supported")}
			},
			fails: map[string][]string{"eks add-on metrics-server": {"EKS knows no add-on metrics-server in eu-west-1"}},
		},
		{
			name: "rds engine version: the major is not offered",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeDBEngineVersions": engineVersions(t)}
			},
			fails: map[string][]string{
				"rds engine version": {"RDS offers no postgres 17 in eu-west-1", "-> fix: Database.EngineVersion in platform/defaults.go: a major RDS offers"},
				"rds instance class": {"db.t4g.medium cannot be checked before the engine version is settled", "-> fix: what the rds engine version check says first"},
			},
		},
		{
			name: "rds engine version: a retired pinned minor (audit F1)",
			edit: func(e *platform.Environment, p *preflight.Plan) {
				e.Database.EngineVersion = "16.8"
				p.Database.EngineVersion = "16.8"
			},
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeDBEngineVersions": func(c call) reply {
					if c.Params.Get("EngineVersion") != "16.8" || c.Params.Get("DefaultOnly") != "" {
						t.Errorf("a pinned minor is asked as itself, without DefaultOnly: %v", c.Params)
					}
					return engineVersions(t)(c)
				}}
			},
			fails: map[string][]string{
				"rds engine version": {"RDS offers no postgres 16.8 in eu-west-1 (a pinned minor RDS has retired, or never had)", `-> fix: Database.EngineVersion in platform/defaults.go: the major alone ("16")`},
				"rds instance class": {"rds engine version"},
			},
		},
		{
			name: "rds engine version: within 90 days of RDS's end of standard support",
			now:  time.Date(2029, 12, 15, 0, 0, 0, 0, time.UTC),
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GET /cluster-versions": clusterVersions(t, "1.36", "STANDARD_SUPPORT", "2031-01-01")}
			},
			fails: map[string][]string{
				"rds engine version":                 {"postgres 17 leaves RDS standard support on 2030-02-28 (within 90 days)", "-> fix: Database.EngineVersion in platform/defaults.go: a newer major"},
				"calendar Database.EngineVersion":    {"leaves AWS standard support on 2030-02-28"},
				"calendar Cluster.KubernetesVersion": {"left AWS standard support on 2027-08-02"},
				"eks version":                        {"EKS ends standard support for 1.36 on 2031-01-01, platform/support.go says 2027-08-02"},
			},
		},
		{
			name: "rds engine version: RDS's date is not the calendar's",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeDBMajorEngineVersions": majorEngineVersion("17", "2030-03-31")}
			},
			fails: map[string][]string{"rds engine version": {"RDS ends standard support for postgres 17 on 2030-03-31, platform/support.go says 2030-02-28", "-> fix: RDSPostgresSupport in platform/support.go"}},
		},
		{
			name: "rds instance class: not orderable",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeOrderableDBInstanceOptions": orderable(t)}
			},
			fails: map[string][]string{"rds instance class": {"db.t4g.medium is not orderable for postgres 17.6 in eu-west-1", "-> fix: Database.InstanceClass in platform/defaults.go"}},
		},
		{
			name: "rds instance class: prod's class without Multi-AZ",
			env:  platform.EnvProd,
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeOrderableDBInstanceOptions": orderable(t, orderableOption{PI: true, Storage: "gp3"}, orderableOption{MultiAZ: true, PI: true, Storage: "io1"})}
			},
			fails: map[string][]string{"rds instance class": {"db.r7g.large is orderable for postgres 17.6 in eu-west-1, but no option has all of: gp3 storage, Multi-AZ (Database.MultiAZ), Performance Insights", "-> fix: Database.InstanceClass in platform/defaults.go"}},
		},
		{
			name: "rds instance class: no Performance Insights",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeOrderableDBInstanceOptions": orderable(t, orderableOption{MultiAZ: true, Storage: "gp3"})}
			},
			fails: map[string][]string{"rds instance class": {"no option has all of: gp3 storage, Performance Insights"}},
		},
		{
			name:   "name: an ECR repository outside every stack (audit F2)",
			routes: repoExists,
			fails: map[string][]string{"name AWS::ECR::Repository shopstack/dev/backend": {
				"already exists in 111122223333/eu-west-1 and no stack of this environment manages it",
				"-> fix: free it: `aws ecr delete-repository --repository-name shopstack/dev/backend --force --region eu-west-1`",
				"or adopt it into shopstack-dev-edge with `npx cdk import shopstack-dev-edge`",
				"or choose another Images.BackendRepository in platform/defaults.go",
			}},
		},
		{
			name: "name: the repository is the edge stack's own (redeploy)",
			routes: with(repoExists, func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeStackResources": stackResources(map[string]string{edgeStack: stackResource(edgeStack, backendRepo, "shopstack/dev/backend", "AWS::ECR::Repository", "CREATE_COMPLETE")})}
			}),
			passes: map[string][]string{"name AWS::ECR::Repository shopstack/dev/backend": {"held by shopstack-dev-edge's EdgeBackendRepositoryEE19E1A6 (CREATE_COMPLETE): a redeploy"}},
		},
		{
			name: "name: the edge stack exists but the repository is not its own",
			routes: with(repoExists, func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeStackResources": stackResources(map[string]string{edgeStack: stackResource(edgeStack, "EdgeCertificate", "arn:aws:acm:eu-west-1:111122223333:certificate/0d1e", "AWS::CertificateManager::Certificate", "CREATE_COMPLETE")})}
			}),
			fails: map[string][]string{"name AWS::ECR::Repository shopstack/dev/backend": {"shopstack-dev-edge does not manage it", "Images.BackendRepository"}},
		},
		{
			name: "name: a retained repository the stack let go (DELETE_SKIPPED)",
			routes: with(repoExists, func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeStackResources": stackResources(map[string]string{edgeStack: stackResource(edgeStack, backendRepo, "shopstack/dev/backend", "AWS::ECR::Repository", "DELETE_SKIPPED")})}
			}),
			fails: map[string][]string{"name AWS::ECR::Repository shopstack/dev/backend": {"shopstack-dev-edge does not manage it"}},
		},
		{
			name: "name: the stack holds it under another construct id",
			routes: with(repoExists, func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeStackResources": stackResources(map[string]string{edgeStack: stackResource(edgeStack, "EdgeBackendRepositoryOLD0000", "shopstack/dev/backend", "AWS::ECR::Repository", "UPDATE_COMPLETE")})}
			}),
			fails: map[string][]string{"name AWS::ECR::Repository shopstack/dev/backend": {"held by shopstack-dev-edge's EdgeBackendRepositoryOLD0000, but the template creates it as EdgeBackendRepositoryEE19E1A6", "-> fix: keep the construct id"}},
		},
		{
			name: "name: the database secret is scheduled for deletion",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{secretsTarget + "DescribeSecret": describeSecret(true)}
			},
			fails: map[string][]string{"name AWS::SecretsManager::Secret shopstack/dev/database": {
				"scheduled for deletion (2026-12-20)",
				"`aws secretsmanager delete-secret --secret-id shopstack/dev/database --force-delete-without-recovery --region eu-west-1`",
				"or choose another Names.DatabaseSecretName in platform/defaults.go",
			}},
		},
		{
			name: "name: the database secret is the database stack's own (its ARN is the physical id)",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{
					secretsTarget + "DescribeSecret": describeSecret(false),
					"DescribeStackResources":         stackResources(map[string]string{"shopstack-dev-database": stackResource("shopstack-dev-database", secretLogical, secretARN, "AWS::SecretsManager::Secret", "UPDATE_COMPLETE")}),
				}
			},
			passes: map[string][]string{"name AWS::SecretsManager::Secret shopstack/dev/database": {"a redeploy"}},
		},
		{
			name: "name: a retained RDS log group (no setting renames it)",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{logsTarget + "DescribeLogGroups": func(c call) reply {
					if c.JSON["logGroupNamePrefix"] == "/aws/rds/instance/shopstack-dev/postgresql" {
						return awsJSON(map[string]any{"logGroups": []any{map[string]any{"logGroupName": "/aws/rds/instance/shopstack-dev/postgresql", "arn": "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/rds/instance/shopstack-dev/postgresql:*", "creationTime": 1780000000000, "retentionInDays": 30}}})(c)
					}
					// A prefix match is not the name.
					return awsJSON(map[string]any{"logGroups": []any{map[string]any{"logGroupName": c.JSON["logGroupNamePrefix"].(string) + "-old"}}})(c)
				}}
			},
			fails: map[string][]string{"name AWS::Logs::LogGroup /aws/rds/instance/shopstack-dev/postgresql": {"`aws logs delete-log-group --log-group-name /aws/rds/instance/shopstack-dev/postgresql --region eu-west-1`", "npx cdk import shopstack-dev-database"}},
		},
		{
			name: "name: an EKS cluster of the same name",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GET /clusters/shopstack-dev": restJSON(map[string]any{"cluster": map[string]any{"name": "shopstack-dev", "arn": "arn:aws:eks:eu-west-1:111122223333:cluster/shopstack-dev", "version": "1.35", "status": "ACTIVE", "createdAt": epoch("2026-03-01")}})}
			},
			fails: map[string][]string{"name AWS::EKS::Cluster shopstack-dev": {"`aws eks delete-cluster --name shopstack-dev --region eu-west-1`", "or choose another Cluster.Name in platform/defaults.go"}},
		},
		{
			name: "name: a DB instance of the same identifier",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"DescribeDBInstances": func(c call) reply {
					return queryOK(c, `<DBInstances><DBInstance><DBInstanceIdentifier>shopstack-dev</DBInstanceIdentifier><DBInstanceClass>db.t4g.medium</DBInstanceClass><Engine>postgres</Engine><DBInstanceStatus>available</DBInstanceStatus></DBInstance></DBInstances>`)
				}}
			},
			fails: map[string][]string{"name AWS::RDS::DBInstance shopstack-dev": {"`aws rds delete-db-instance --db-instance-identifier shopstack-dev --final-db-snapshot-identifier shopstack-dev-final --region eu-west-1`"}},
		},
		{
			name: "name: a pull-through cache rule of the same prefix",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{ecrTarget + "DescribePullThroughCacheRules": answerFor("ecrRepositoryPrefixes", "shopstack-dev/quay",
					awsJSON(map[string]any{"pullThroughCacheRules": []any{map[string]any{"ecrRepositoryPrefix": "shopstack-dev/quay", "upstreamRegistryUrl": "quay.io", "registryId": "111122223333", "upstreamRegistry": "quay", "createdAt": epoch("2026-11-02")}}}),
					awsJSONError("PullThroughCacheRuleNotFoundException", "The pull through cache rule with the prefix does not exist"))}
			},
			fails: map[string][]string{"name AWS::ECR::PullThroughCacheRule shopstack-dev/quay": {"`aws ecr delete-pull-through-cache-rule --ecr-repository-prefix shopstack-dev/quay --region eu-west-1`", "cache prefix (Environment.MirrorPrefix, platform/images.go)"}},
		},
		{
			name: "name: the RDS Proxy and its endpoint parameter, when enabled",
			edit: func(e *platform.Environment, p *preflight.Plan) {
				e.Database.RDSProxy = true
				p.Names = append(p.Names,
					preflight.Name{Type: "AWS::RDS::DBProxy", Value: "shopstack-dev", Stack: "shopstack-dev-database", LogicalID: "PostgresProxy2A415D71"},
					preflight.Name{Type: "AWS::SSM::Parameter", Value: e.Names.DatabaseProxyEndpointParameter, Stack: "shopstack-dev-database", LogicalID: "PostgresProxyEndpointParameter"})
			},
			routes: func(e platform.Environment) map[string]handler {
				return map[string]handler{
					"DescribeDBProxies": func(c call) reply {
						return queryOK(c, `<DBProxies><DBProxy><DBProxyName>shopstack-dev</DBProxyName><Status>available</Status><EngineFamily>POSTGRESQL</EngineFamily></DBProxy></DBProxies>`)
					},
					ssmTarget + "GetParameter": func(c call) reply {
						if c.JSON["Name"] == e.Names.DatabaseProxyEndpointParameter {
							return awsJSON(map[string]any{"Parameter": map[string]any{"Name": c.JSON["Name"], "Type": "String", "Value": "shopstack-dev.proxy-abc.eu-west-1.rds.amazonaws.com", "Version": 1}})(c)
						}
						return healthy(t, e)[ssmTarget+"GetParameter"](c)
					},
				}
			},
			fails: map[string][]string{
				"name AWS::RDS::DBProxy shopstack-dev":                            {"`aws rds delete-db-proxy --db-proxy-name shopstack-dev --region eu-west-1`"},
				"name AWS::SSM::Parameter /shopstack/dev/database/proxy-endpoint": {"`aws ssm delete-parameter --name /shopstack/dev/database/proxy-endpoint --region eu-west-1`", "or choose another Names.DatabaseProxyEndpointParameter in platform/defaults.go"},
			},
		},
		{
			name: "name: a type the pre-flight cannot look up",
			edit: func(_ *platform.Environment, p *preflight.Plan) {
				p.Names = append(p.Names, preflight.Name{Type: "AWS::IAM::Role", Value: "shopstack-dev-nodes", Stack: "shopstack-dev-cluster", LogicalID: "EksNodeRole"})
			},
			fails: map[string][]string{"name AWS::IAM::Role shopstack-dev-nodes": {"the pre-flight has no read-only lookup for AWS::IAM::Role", "-> fix: add one to nameLookups in internal/preflight/names.go"}},
		},
		{
			name: "name: a lookup the caller may not make",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{ecrTarget + "DescribeRepositories": awsJSONError("AccessDeniedException", "User: arn:aws:sts::111122223333:assumed-role/Admin/deployer is not authorized to perform: ecr:DescribeRepositories")}
			},
			fails: map[string][]string{
				"name AWS::ECR::Repository shopstack/dev/backend":  {"ecr:DescribeRepositories failed: AccessDeniedException", "-> fix: AWS credentials for account 111122223333 (Environment.Account) allowed to call ecr:DescribeRepositories in eu-west-1"},
				"name AWS::ECR::Repository shopstack/dev/frontend": {"AccessDeniedException"},
			},
		},
		{
			name:  "images: the tag is not pushed",
			stage: preflight.StageImages,
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{ecrTarget + "DescribeImages": answerFor("repositoryName", "shopstack/dev/frontend",
					awsJSONError("ImageNotFoundException", "The image with imageId {imageDigest:'null', imageTag:'0.1.0'} does not exist within the repository with name 'shopstack/dev/frontend' in the registry with id '111122223333'"),
					healthy(t, platform.Dev())[ecrTarget+"DescribeImages"])}
			},
			fails: map[string][]string{"image frontend": {"111122223333.dkr.ecr.eu-west-1.amazonaws.com/shopstack/dev/frontend:0.1.0 is not pushed", "-> fix: `go tool task images ENV=dev` (builds and pushes Images.Tag \"0.1.0\")", "or set Images.Tag in platform/defaults.go"}},
		},
		{
			name:  "images: no repository yet",
			stage: preflight.StageImages,
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{ecrTarget + "DescribeImages": awsJSONError("RepositoryNotFoundException", "The repository with name 'shopstack/dev/backend' does not exist in the registry with id '111122223333'")}
			},
			fails: map[string][]string{
				"image backend":  {"no repository shopstack/dev/backend in 111122223333/eu-west-1", "-> fix: deploy the edge stack first (`npx cdk deploy shopstack-dev-edge`), then `go tool task images ENV=dev`"},
				"image frontend": {"no repository shopstack/dev/frontend"},
			},
		},
		{
			name:  "images: credentials of another account",
			stage: preflight.StageImages,
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{"GetCallerIdentity": callerIs("arn:aws:iam::444455556666:user/ci", "444455556666")}
			},
			fails: map[string][]string{"account": {"the credentials are for account 444455556666 (arn:aws:iam::444455556666:user/ci)"}},
		},
		{
			name: "ses account: dev in the sandbox passes with the note",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{sesAccountPath: sesAccount(false, true)}
			},
			passes: map[string][]string{"ses account": {"is in the sandbox: mail goes only to verified addresses", "request production access for eu-west-1"}},
		},
		{
			name: "ses account: prod in the sandbox fails",
			env:  platform.EnvProd,
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{sesAccountPath: sesAccount(false, true)}
			},
			fails: map[string][]string{"ses account": {"SES in 111122223333/eu-west-1 is in the sandbox", "customers would get no order mail", "-> fix: request production access for eu-west-1"}},
		},
		{
			name: "ses account: sending disabled",
			routes: func(platform.Environment) map[string]handler {
				return map[string]handler{sesAccountPath: sesAccount(true, false)}
			},
			fails: map[string][]string{"ses account": {"sending is disabled for SES in 111122223333/eu-west-1 (enforcement status SHUTDOWN)", "put-account-sending-attributes --sending-enabled"}},
		},
		{
			name:   "ses account: production access",
			passes: map[string][]string{"ses account": {"production access in 111122223333/eu-west-1"}},
		},
		{
			name: "name: the SES identity exists outside the stacks",
			routes: func(e platform.Environment) map[string]handler {
				return map[string]handler{sesIdentityPath: func(c call) reply {
					if c.Path != "/v2/email/identities/"+e.DNS.Host {
						t.Errorf("GetEmailIdentity %s, want the storefront host %s", c.Path, e.DNS.Host)
					}
					return restJSON(map[string]any{"IdentityType": "DOMAIN", "VerifiedForSendingStatus": true, "VerificationStatus": "SUCCESS"})(c)
				}}
			},
			fails: map[string][]string{"name AWS::SES::EmailIdentity shop-dev.example.com": {
				"already exists in 111122223333/eu-west-1", "its verification status is SUCCESS",
				"aws sesv2 delete-email-identity --email-identity shop-dev.example.com --region eu-west-1", "DNS.Host (the SES identity)"}},
		},
		{
			name:   "no credentials: every check fails and says why",
			noCred: true,
			fails: map[string][]string{
				"account":            {"sts:GetCallerIdentity failed: ", "no EC2 IMDS role found", "-> fix: AWS credentials through the default chain"},
				"admin role":         {"no EC2 IMDS role found"},
				"cdk bootstrap":      {"cloudformation:DescribeStacks failed", "-> fix: AWS credentials for account 111122223333"},
				"hosted zone":        {"route53:GetHostedZone failed"},
				"eks version":        {"eks:DescribeClusterVersions failed"},
				"rds engine version": {"rds:DescribeDBEngineVersions failed"},
			},
		},
	} {
		t.Run(s.name, func(t *testing.T) { s.run(t) })
	}
}
