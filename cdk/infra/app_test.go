package infra_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/aws/jsii-runtime-go"

	"github.com/shopstack/shopstack/cdk/infra"
)

// cdkJSONPath is the repository's cdk.json, seen from this package.
const cdkJSONPath = "../../cdk.json"

// readCDKJSON returns cdk.json and its context.
func readCDKJSON(t *testing.T) ([]byte, map[string]any) {
	t.Helper()
	data, err := os.ReadFile(cdkJSONPath)
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct{ Context map[string]any }
	if err := json.Unmarshal(data, &cfg); err != nil {
		t.Fatalf("cdk.json: %v", err)
	}
	return data, cfg.Context
}

// TestNewAppUsesCDKJSONContext: the in-process app (task synth, tests) sees
// every context value the cdk CLI passes from cdk.json, unchanged, so both
// synthesize with the same feature flags.
func TestNewAppUsesCDKJSONContext(t *testing.T) {
	_, context := readCDKJSON(t)
	app := infra.NewApp(t.TempDir())
	for k, want := range context {
		got := app.Node().TryGetContext(jsii.String(k))
		if asJSON(got) != asJSON(want) {
			t.Errorf("NewApp context %s = %s, cdk.json has %s", k, asJSON(got), asJSON(want))
		}
	}
	if len(context) == 0 {
		t.Error("cdk.json has no context: the check looked at nothing")
	}
}
