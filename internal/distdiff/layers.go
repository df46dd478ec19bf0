package distdiff

// The two diff engines Diff composes: CloudFormation (cfn*.go, on the AWS
// CDK's diff engine and resource database) and Kubernetes (k8s*.go, on
// dyff). Variables, so a test can stand in for one layer.
var (
	cloudFormationDiff = CloudFormation
	kubernetesDiff     = Kubernetes
)
