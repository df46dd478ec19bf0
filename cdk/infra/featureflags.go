package infra

// LegacyFeatureFlags are the AWS CDK feature flags that cdk.json deliberately
// sets to a value other than the pinned aws-cdk-lib's recommendation (the
// value `cdk init` of that version writes), each with the reason. cdk.json
// holds the values and cannot hold comments; the reasons live here and in
// docs/aws.md ("Feature flags").
//
// TestFeatureFlags requires cdk.json's context to set every recommended flag,
// to the recommended value unless the flag is listed here, and a listed flag
// to a value other than the recommended one.
var LegacyFeatureFlags = map[string]string{}
