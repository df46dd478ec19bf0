package infra

// PhysicalName says where a resource type's physical name is and how far it
// must be unique. A CloudFormation create fails with "already exists" when a
// name is taken in its scope, and a custom name also blocks any replacement
// of the resource ("CloudFormation cannot update a stack when a custom-named
// resource requires replacing",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
type PhysicalName struct {
	// Property holds the name; "" when the type has no account-wide name
	// (CloudFormation generates an id, or the name is scoped to a parent
	// resource such as a cluster, role or VPC).
	Property string
	// Global is true for IAM, whose names are unique per account in every
	// region ("IAM is a global service": role and managed policy names
	// must be unique within the account,
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html#reference_iam-quotas-names).
	Global bool
}

// PhysicalNames classifies every resource type the stacks create.
// TestPhysicalNamesUniqueAcrossEnvironments fails on a type not listed, so a
// new type is classified when it is added; the deploy pre-flight
// (internal/preflight) reads the names it must find free from the
// synthesized templates through this table.
var PhysicalNames = map[string]PhysicalName{
	"AWS::CertificateManager::Certificate":  {},
	"AWS::EC2::EIP":                         {},
	"AWS::EC2::FlowLog":                     {},
	"AWS::EC2::InternetGateway":             {},
	"AWS::EC2::NatGateway":                  {},
	"AWS::EC2::Route":                       {},
	"AWS::EC2::RouteTable":                  {},
	"AWS::EC2::SecurityGroup":               {}, // GroupName is per VPC, and not set
	"AWS::EC2::SecurityGroupIngress":        {},
	"AWS::EC2::SecurityGroupEgress":         {},
	"AWS::EC2::Subnet":                      {},
	"AWS::EC2::SubnetRouteTableAssociation": {},
	"AWS::EC2::VPC":                         {},
	"AWS::EC2::VPCGatewayAttachment":        {},
	"AWS::ECR::Repository":                  {Property: "RepositoryName"},
	"AWS::ECR::PullThroughCacheRule":        {Property: "EcrRepositoryPrefix"},
	"AWS::EKS::AccessEntry":                 {}, // scoped to its cluster
	"AWS::EKS::Addon":                       {}, // scoped to its cluster
	"AWS::EKS::Cluster":                     {Property: "Name"},
	"AWS::EKS::PodIdentityAssociation":      {}, // scoped to its cluster
	"AWS::IAM::AccessKey":                   {}, // belongs to its user
	"AWS::IAM::Policy":                      {}, // an inline policy: its name is scoped to its role or user
	"AWS::IAM::Role":                        {Property: "RoleName", Global: true},
	"AWS::IAM::ManagedPolicy":               {Property: "ManagedPolicyName", Global: true},
	"AWS::IAM::User":                        {Property: "UserName", Global: true},
	"AWS::KMS::Key":                         {},
	"AWS::KMS::Alias":                       {Property: "AliasName"},
	"AWS::Logs::LogGroup":                   {Property: "LogGroupName"},
	"AWS::RDS::DBInstance":                  {Property: "DBInstanceIdentifier"},
	"AWS::RDS::DBParameterGroup":            {Property: "DBParameterGroupName"},
	"AWS::RDS::DBSubnetGroup":               {Property: "DBSubnetGroupName"},
	"AWS::RDS::DBProxy":                     {Property: "DBProxyName"},
	"AWS::RDS::DBProxyTargetGroup":          {}, // scoped to its proxy
	// A record is unique per zone, name and type, which one Property cannot
	// say; every record shopstack writes is under the SES identity's domain
	// (DNS.Host), and two environments with one host already collide on
	// their AWS::SES::EmailIdentity, which is checked.
	"AWS::Route53::RecordSet":                     {},
	"AWS::SecretsManager::Secret":                 {Property: "Name"},
	"AWS::SecretsManager::SecretTargetAttachment": {},
	"AWS::SSM::Parameter":                         {Property: "Name"},
	// An e-mail identity (a domain or address) exists once per account and
	// region ("AlreadyExistsException", CreateEmailIdentity,
	// https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailIdentity.html).
	"AWS::SES::EmailIdentity": {Property: "EmailIdentity"},
}
