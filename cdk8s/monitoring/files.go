package monitoring

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/shopstack/shopstack/platform"
)

// File names inside the ConfigMaps (and under testdata/<env>/).
const (
	prometheusConfigFile         = "prometheus.yml"
	ruleTestsFile                = "shopstack.rules.test.yml"
	alertmanagerConfigFile       = "alertmanager.yml"
	grafanaDatasourcesFile       = "datasources.yml"
	grafanaDashboardProviderFile = "dashboards.yml"
)

// Files is every configuration file of the monitoring layer of one
// environment, rendered once. The ConfigMaps carry these bytes, and the
// tests check these bytes (written to disk by writeDir).
type files struct {
	Prometheus         []byte
	Rules              []byte
	RuleTests          []byte
	Alertmanager       []byte
	GrafanaDatasources []byte
	GrafanaProviders   []byte
	// Dashboards maps a file name (DashboardPlatform, ...) to its JSON.
	Dashboards map[string][]byte
}

// Generate renders every configuration file of env.
func generate(env platform.Environment) (*files, error) {
	alerts := alerts(env)
	f := &files{Dashboards: map[string][]byte{}}
	var err error
	if f.Prometheus, err = marshalYAML(prometheusConfig(env)); err != nil {
		return nil, err
	}
	if f.Rules, err = marshalYAML(rules(alerts)); err != nil {
		return nil, err
	}
	if f.RuleTests, err = marshalYAML(ruleTests(alerts, rulesFile)); err != nil {
		return nil, err
	}
	if f.Alertmanager, err = marshalYAML(alertmanagerConfig(env)); err != nil {
		return nil, err
	}
	if f.GrafanaDatasources, err = marshalYAML(grafanaDatasources(env)); err != nil {
		return nil, err
	}
	if f.GrafanaProviders, err = marshalYAML(grafanaProviders()); err != nil {
		return nil, err
	}
	boards, err := dashboards(env)
	if err != nil {
		return nil, err
	}
	for _, d := range boards {
		if f.Dashboards[d.File], err = d.JSON(); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// Paths maps each file to its path relative to a directory written by
// writeDir. The Prometheus config and rules share a directory so that
// promtool finds the rules next to their tests.
func (f *files) Paths() map[string][]byte {
	out := map[string][]byte{
		"prometheus/" + prometheusConfigFile:      f.Prometheus,
		"prometheus/" + rulesFile:                 f.Rules,
		"prometheus/" + ruleTestsFile:             f.RuleTests,
		"alertmanager/" + alertmanagerConfigFile:  f.Alertmanager,
		"grafana/" + grafanaDatasourcesFile:       f.GrafanaDatasources,
		"grafana/" + grafanaDashboardProviderFile: f.GrafanaProviders,
	}
	for name, b := range f.Dashboards {
		out["grafana/dashboards/"+name] = b
	}
	return out
}

// writeDir writes every file under dir (see Paths).
func (f *files) writeDir(dir string) error {
	for rel, b := range f.Paths() {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func marshalYAML(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(v); err != nil {
		return nil, fmt.Errorf("marshal %T: %w", v, err)
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// checksum is a short digest of some files, put on pod templates so that a
// configuration change rolls the pods.
func checksum(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(strconv.Itoa(len(p))))
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

// Grafana provisioning files.

type grafanaDatasourceFile struct {
	APIVersion  int                 `yaml:"apiVersion"`
	Datasources []grafanaDatasource `yaml:"datasources"`
}

type grafanaDatasource struct {
	Name      string            `yaml:"name"`
	Type      string            `yaml:"type"`
	UID       string            `yaml:"uid"`
	Access    string            `yaml:"access"`
	URL       string            `yaml:"url"`
	IsDefault bool              `yaml:"isDefault"`
	Editable  bool              `yaml:"editable"`
	JSONData  map[string]string `yaml:"jsonData"`
}

func grafanaDatasources(env platform.Environment) grafanaDatasourceFile {
	return grafanaDatasourceFile{APIVersion: 1, Datasources: []grafanaDatasource{{
		Name:      "Prometheus",
		Type:      "prometheus",
		UID:       grafanaDatasourceUID,
		Access:    "proxy",
		URL:       fmt.Sprintf("http://%s.%s.svc:%d", prometheusName, env.Names.MonitoringNamespace, prometheusPort),
		IsDefault: true,
		Editable:  false,
		// Lets $__rate_interval know the scrape interval.
		JSONData: map[string]string{"timeInterval": prometheusConfig(env).Global.ScrapeInterval, "httpMethod": "POST"},
	}}}
}

type grafanaProviderFile struct {
	APIVersion int               `yaml:"apiVersion"`
	Providers  []grafanaProvider `yaml:"providers"`
}

type grafanaProvider struct {
	Name                  string            `yaml:"name"`
	Folder                string            `yaml:"folder"`
	Type                  string            `yaml:"type"`
	DisableDeletion       bool              `yaml:"disableDeletion"`
	AllowUIUpdates        bool              `yaml:"allowUiUpdates"`
	UpdateIntervalSeconds int               `yaml:"updateIntervalSeconds"`
	Options               map[string]string `yaml:"options"`
}

// grafanaDashboardsDir is where the dashboard ConfigMaps are mounted, one
// sub-directory each.
const grafanaDashboardsDir = "/etc/grafana/dashboards"

func grafanaProviders() grafanaProviderFile {
	return grafanaProviderFile{APIVersion: 1, Providers: []grafanaProvider{{
		Name: "shopstack", Folder: "shopstack", Type: "file",
		DisableDeletion: true, AllowUIUpdates: false, UpdateIntervalSeconds: 60,
		Options: map[string]string{"path": grafanaDashboardsDir},
	}}}
}
