package charts_test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/jsii-runtime-go"
	"github.com/cdk8s-team/cdk8s-core-go/cdk8s/v2"
	"sigs.k8s.io/yaml"

	"github.com/shopstack/shopstack/cdk8s/charts"
	"github.com/shopstack/shopstack/platform"
)

// The tests synthesize every environment once, into a temporary directory
// laid out like dist/<env>/k8s, and read the files back: they check what
// `kubectl apply` would get, not the constructs' Go values.

var (
	synthOnce sync.Once
	synthRoot string
	synthErr  error
	synthEnvs []platform.Environment
)

func TestMain(m *testing.M) {
	code := m.Run()
	if synthRoot != "" {
		os.RemoveAll(synthRoot)
	}
	jsii.Close()
	os.Exit(code)
}

// synthDir synthesizes one environment's charts into dir, one file per
// chart, exactly as internal/synth does for dist/.
func synthDir(dir string, env platform.Environment) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	app := cdk8s.NewApp(&cdk8s.AppProps{
		Outdir:         jsii.String(dir),
		YamlOutputType: cdk8s.YamlOutputType_FILE_PER_CHART,
	})
	charts.Build(app, env)
	app.Synth()
	return nil
}

// envDirs returns env name -> directory of its synthesized manifests.
func envDirs(t *testing.T) map[string]string {
	t.Helper()
	synthOnce.Do(func() {
		synthRoot, synthErr = os.MkdirTemp("", "shopstack-charts-")
		if synthErr != nil {
			return
		}
		synthEnvs, synthErr = platform.All()
		for _, env := range synthEnvs {
			if synthErr != nil {
				return
			}
			start := time.Now()
			synthErr = synthDir(filepath.Join(synthRoot, env.Name, "k8s"), env)
			t.Logf("synthesized %s in %s", env.Name, time.Since(start).Round(time.Millisecond))
		}
	})
	if synthErr != nil {
		t.Fatalf("synth: %v", synthErr)
	}
	dirs := map[string]string{}
	for _, env := range synthEnvs {
		dirs[env.Name] = filepath.Join(synthRoot, env.Name, "k8s")
	}
	return dirs
}

// doc is one YAML document of a synthesized file.
type doc struct {
	File       string
	APIVersion string
	Kind       string
	Name       string
	Namespace  string
	Raw        []byte
}

func (d doc) String() string {
	return fmt.Sprintf("%s %s/%s (%s)", d.Kind, d.Namespace, d.Name, filepath.Base(d.File))
}

func readDocs(t *testing.T, dir string) []doc {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no manifests in %s (%v)", dir, err)
	}
	sort.Strings(files)
	var docs []doc
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, part := range strings.Split(string(data), "\n---\n") {
			if strings.TrimSpace(part) == "" {
				continue
			}
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Metadata   struct {
					Name      string `json:"name"`
					Namespace string `json:"namespace"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal([]byte(part), &head); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			docs = append(docs, doc{File: f, APIVersion: head.APIVersion, Kind: head.Kind,
				Name: head.Metadata.Name, Namespace: head.Metadata.Namespace, Raw: []byte(part)})
		}
	}
	return docs
}

// find returns the one document of kind/namespace/name, failing if absent.
func find(t *testing.T, docs []doc, kind, namespace, name string, into any) doc {
	t.Helper()
	for _, d := range docs {
		if d.Kind == kind && d.Namespace == namespace && d.Name == name {
			if into != nil {
				if err := yaml.UnmarshalStrict(d.Raw, into); err != nil {
					t.Fatalf("%s: %v", d, err)
				}
			}
			return d
		}
	}
	t.Fatalf("no %s %s/%s in the manifests", kind, namespace, name)
	return doc{}
}

func forEachEnv(t *testing.T, f func(t *testing.T, env platform.Environment, docs []doc)) {
	dirs := envDirs(t)
	for _, env := range synthEnvs {
		t.Run(env.Name, func(t *testing.T) { f(t, env, readDocs(t, dirs[env.Name])) })
	}
}
