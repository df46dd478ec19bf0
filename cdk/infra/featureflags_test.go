package infra_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/cdk/infra"
)

var updateFlags = flag.Bool("update", false, "rewrite the feature flags in cdk.json's context to the recommended set of the pinned aws-cdk-lib (keeping infra.LegacyFeatureFlags and every other context key)")

// awsCDKModule is the Go module whose jsii tarball is the aws-cdk-lib that
// synthesizes the stacks.
const awsCDKModule = "github.com/aws/aws-cdk-go/awscdk/v2"

// isFeatureFlag tells a feature flag from the other context keys
// ("cli-telemetry", "availability-zones:...", "aws:cdk:...").
func isFeatureFlag(key string) bool {
	return strings.HasPrefix(key, "@aws-cdk/") || strings.HasPrefix(key, "@aws-cdk-containers/")
}

// recommendedFeatureFlags returns the feature flags a new project of the
// pinned aws-cdk-lib gets, with the library's version. They come from
// recommended-feature-flags.json inside the jsii tarball of the awscdk Go
// module in go.mod: the very JavaScript the Go bindings run, built from
// cx-api's CURRENTLY_RECOMMENDED_FLAGS, and the file the cdk CLI released
// with that library copies into `cdk init`'s cdk.json. (The CLI pinned in
// package.json ships a newer library's list; node_modules/aws-cdk-lib would
// be a second pin that can drift from go.mod.)
func recommendedFeatureFlags(t *testing.T) (string, map[string]any) {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-json", awsCDKModule).Output()
	if err != nil {
		t.Fatalf("go list -m %s: %v", awsCDKModule, err)
	}
	var mod struct{ Version, Dir string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		t.Fatalf("go list -m %s: %q, %v (is the module downloaded?)", awsCDKModule, out, err)
	}
	version := strings.TrimPrefix(mod.Version, "v")
	tgz := filepath.Join(mod.Dir, "jsii", "aws-cdk-lib-"+version+".tgz")
	files, err := readTarball(tgz, "package/package.json", "package/recommended-feature-flags.json")
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct{ Name, Version string }
	if err := json.Unmarshal(files["package/package.json"], &pkg); err != nil || pkg.Name != "aws-cdk-lib" || pkg.Version != version {
		t.Fatalf("%s: package.json names %s %s (%v), want aws-cdk-lib %s", tgz, pkg.Name, pkg.Version, err, version)
	}
	var flags map[string]any
	if err := json.Unmarshal(files["package/recommended-feature-flags.json"], &flags); err != nil || len(flags) == 0 {
		t.Fatalf("%s: recommended-feature-flags.json: %d flags, %v", tgz, len(flags), err)
	}
	return version, flags
}

// readTarball returns the named files of a .tgz.
func readTarball(path string, names ...string) (map[string][]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	out := map[string][]byte{}
	tr := tar.NewReader(gz)
	for len(out) < len(want) {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if want[h.Name] {
			if out[h.Name], err = io.ReadAll(tr); err != nil {
				return nil, fmt.Errorf("%s: %s: %w", path, h.Name, err)
			}
		}
	}
	for _, n := range names {
		if _, ok := out[n]; !ok {
			return nil, fmt.Errorf("%s: no %s", path, n)
		}
	}
	return out, nil
}

// TestFeatureFlags: cdk.json sets exactly the feature flags a new project of
// the pinned aws-cdk-lib gets (its recommended set), each to the recommended
// value unless infra.LegacyFeatureFlags says why not. Bumping aws-cdk-lib
// makes it fail with the flags to add or drop; `go test ./cdk/infra -run
// TestFeatureFlags -update` rewrites them (then review the dist/ diff).
func TestFeatureFlags(t *testing.T) {
	version, recommended := recommendedFeatureFlags(t)
	data, context := readCDKJSON(t)
	if *updateFlags {
		updated := map[string]any{}
		for k, v := range context {
			if !isFeatureFlag(k) {
				updated[k] = v
			}
		}
		for k, v := range recommended {
			updated[k] = v
		}
		for k := range infra.LegacyFeatureFlags {
			if v, ok := context[k]; ok {
				updated[k] = v
			}
		}
		out, err := replaceContext(data, updated)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(cdkJSONPath, out, 0o644); err != nil {
			t.Fatal(err)
		}
		_, context = readCDKJSON(t)
	}

	var problems []string
	for k, want := range recommended {
		got, set := context[k]
		_, legacy := infra.LegacyFeatureFlags[k]
		switch {
		case !set:
			problems = append(problems, fmt.Sprintf("%s: not set; aws-cdk-lib %s recommends %s", k, version, asJSON(want)))
		case !reflect.DeepEqual(got, want) && !legacy:
			problems = append(problems, fmt.Sprintf("%s = %s; aws-cdk-lib %s recommends %s (or give the reason in infra.LegacyFeatureFlags)", k, asJSON(got), version, asJSON(want)))
		case reflect.DeepEqual(got, want) && legacy:
			problems = append(problems, fmt.Sprintf("%s = %s, the recommended value, but infra.LegacyFeatureFlags lists it as legacy", k, asJSON(got)))
		}
	}
	for k := range context {
		if _, ok := recommended[k]; isFeatureFlag(k) && !ok {
			if _, legacy := infra.LegacyFeatureFlags[k]; !legacy {
				problems = append(problems, fmt.Sprintf("%s: not in the recommended set of aws-cdk-lib %s (unknown to it, or already its default): drop it", k, version))
			}
		}
	}
	for k, reason := range infra.LegacyFeatureFlags {
		if _, set := context[k]; !set {
			problems = append(problems, fmt.Sprintf("infra.LegacyFeatureFlags lists %s, which cdk.json does not set", k))
		}
		if strings.TrimSpace(reason) == "" {
			problems = append(problems, fmt.Sprintf("infra.LegacyFeatureFlags[%s]: no reason", k))
		}
	}
	sort.Strings(problems)
	if len(problems) > 0 {
		t.Errorf("cdk.json's feature flags are not those of aws-cdk-lib %s (run this test with -update, then review the dist/ diff):\n  %s", version, strings.Join(problems, "\n  "))
	}
}

// TestNoUnconfiguredFeatureFlags applies the cdk CLI's rule for "N feature
// flags are not configured" (aws-cdk 2.1148.1, FlagOperations.
// filterNeedsAttention) to the feature flag report the library writes into
// the cloud assembly: no flag may be unset while its default differs from the
// recommendation.
func TestNoUnconfiguredFeatureFlags(t *testing.T) {
	dir := t.TempDir()
	app := infra.NewApp(dir)
	app.Synth(nil)
	data, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	type report struct {
		UserValue               any
		RecommendedValue        any
		UnconfiguredBehavesLike *struct{ V2 any }
	}
	var manifest struct {
		Artifacts map[string]struct {
			Type       string
			Properties struct{ Flags map[string]report }
		}
	}
	if err := json.Unmarshal(data, &manifest); err != nil {
		t.Fatal(err)
	}
	flags := manifest.Artifacts["aws-cdk-lib/feature-flag-report"].Properties.Flags
	if len(flags) < 50 {
		t.Fatalf("feature flag report has %d flags: not the report the CLI reads", len(flags))
	}
	var unconfigured []string
	for name, f := range flags {
		var def any = false
		if f.UnconfiguredBehavesLike != nil && f.UnconfiguredBehavesLike.V2 != nil {
			def = f.UnconfiguredBehavesLike.V2
		}
		if f.UserValue == nil && !reflect.DeepEqual(def, f.RecommendedValue) {
			unconfigured = append(unconfigured, name)
		}
	}
	sort.Strings(unconfigured)
	if len(unconfigured) > 0 {
		t.Errorf("%d feature flags are not configured (the cdk CLI warns about them):\n  %s", len(unconfigured), strings.Join(unconfigured, "\n  "))
	}
}

// replaceContext returns cdk.json with its "context" replaced, the other
// top-level keys kept in their order, formatted as `cdk init` and `cdk flags`
// write it (2-space indent; context keys sorted).
func replaceContext(data []byte, context map[string]any) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("cdk.json: not a JSON object (%v)", err)
	}
	var compact bytes.Buffer
	compact.WriteByte('{')
	seen := false
	write := func(key string, value []byte) error {
		if compact.Len() > 1 {
			compact.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		compact.Write(k)
		compact.WriteByte(':')
		return json.Compact(&compact, value)
	}
	ctx, err := marshalNoEscape(context)
	if err != nil {
		return nil, err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return nil, err
		}
		if key == "context" {
			raw, seen = ctx, true
		}
		if err := write(key, raw); err != nil {
			return nil, err
		}
	}
	if !seen {
		if err := write("context", ctx); err != nil {
			return nil, err
		}
	}
	compact.WriteByte('}')
	var out bytes.Buffer
	if err := json.Indent(&out, compact.Bytes(), "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(b.Bytes()), nil
}
