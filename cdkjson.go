// Package shopstack is the repository root as Go code sees it. It holds
// cdk.json, the cdk CLI's configuration, so that the CDK app synthesized
// in-process (cdk/infra.NewApp: `task synth`, the tests) reads exactly the
// context the cdk CLI passes to `go run ./cdk`, above all the AWS CDK feature
// flags. cdk.json is the one place they are written (docs/aws.md, "Feature
// flags"); nothing copies them into Go.
package shopstack

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed cdk.json
var cdkJSON []byte

// CDKContext returns the "context" object of cdk.json, freshly decoded (the
// caller may change it). It panics if cdk.json is not valid JSON: the file is
// compiled in, so that cannot happen at run time without failing every test
// first.
func CDKContext() map[string]any {
	var cfg struct {
		Context map[string]any `json:"context"`
	}
	if err := json.Unmarshal(cdkJSON, &cfg); err != nil {
		panic(fmt.Errorf("shopstack: cdk.json: %w", err))
	}
	if cfg.Context == nil {
		cfg.Context = map[string]any{}
	}
	return cfg.Context
}
