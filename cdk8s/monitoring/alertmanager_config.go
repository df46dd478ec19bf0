package monitoring

import "github.com/shopstack/shopstack/platform"

// The AlertManager configuration as Go data, with the YAML names of
// alertmanager.yml. Every field is accepted by Debian's amtool 0.25 and by
// alertmanager v0.34.
//
// Receivers read their credentials from files mounted from the Secret
// ReceiversSecret, created outside git. The chat receiver posts to a Slack
// incoming webhook (its URL from api_url_file); the paging receiver uses
// PagerDuty Events v2 (its routing key from routing_key_file). A generic
// webhook_configs.url_file would need AlertManager >= 0.26 in every checker,
// and Debian's amtool is 0.25 (docs/monitoring.md).

// AMConfig is alertmanager.yml.
type amConfig struct {
	Global       amGlobal        `yaml:"global"`
	Route        *amRoute        `yaml:"route"`
	InhibitRules []amInhibitRule `yaml:"inhibit_rules"`
	Receivers    []amReceiver    `yaml:"receivers"`
}

// AMGlobal holds global defaults.
type amGlobal struct {
	ResolveTimeout string `yaml:"resolve_timeout"`
}

// AMRoute is a node of the routing tree.
type amRoute struct {
	Receiver       string     `yaml:"receiver"`
	GroupBy        []string   `yaml:"group_by,flow,omitempty"`
	Matchers       []string   `yaml:"matchers,omitempty"`
	GroupWait      string     `yaml:"group_wait,omitempty"`
	GroupInterval  string     `yaml:"group_interval,omitempty"`
	RepeatInterval string     `yaml:"repeat_interval,omitempty"`
	Continue       bool       `yaml:"continue,omitempty"`
	Routes         []*amRoute `yaml:"routes,omitempty"`
}

// AMInhibitRule mutes target alerts while a source alert fires.
type amInhibitRule struct {
	SourceMatchers []string `yaml:"source_matchers"`
	TargetMatchers []string `yaml:"target_matchers"`
	Equal          []string `yaml:"equal,flow"`
}

// AMReceiver is a named notification target.
type amReceiver struct {
	Name             string        `yaml:"name"`
	PagerdutyConfigs []amPagerduty `yaml:"pagerduty_configs,omitempty"`
	SlackConfigs     []amSlack     `yaml:"slack_configs,omitempty"`
}

// AMPagerduty is a PagerDuty Events v2 integration.
type amPagerduty struct {
	RoutingKeyFile string `yaml:"routing_key_file"`
	SendResolved   bool   `yaml:"send_resolved"`
	Severity       string `yaml:"severity,omitempty"`
	Description    string `yaml:"description,omitempty"`
}

// AMSlack posts to a Slack incoming webhook.
type amSlack struct {
	APIURLFile   string `yaml:"api_url_file"`
	SendResolved bool   `yaml:"send_resolved"`
	Title        string `yaml:"title,omitempty"`
	Text         string `yaml:"text,omitempty"`
}

// Group labels: one notification per alert name and namespace.
var amGroupBy = []string{"alertname", "namespace"}

// AlertmanagerConfig is the alertmanager.yml of env.
func alertmanagerConfig(env platform.Environment) *amConfig {
	return &amConfig{
		Global: amGlobal{ResolveTimeout: "5m"},
		Route: &amRoute{
			// Anything without a known severity still reaches a human.
			Receiver:       receiverChat,
			GroupBy:        amGroupBy,
			GroupWait:      "30s",
			GroupInterval:  "5m",
			RepeatInterval: "12h",
			Routes: []*amRoute{
				{Receiver: receiverPaging, Matchers: []string{`severity="critical"`}, GroupWait: "10s", RepeatInterval: "1h"},
				{Receiver: receiverChat, Matchers: []string{`severity="warning"`}, RepeatInterval: "12h"},
			},
		},
		InhibitRules: []amInhibitRule{{
			// A critical alert silences its warning twin (same alert name,
			// same namespace): one page, not a page and a chat message.
			SourceMatchers: []string{`severity="critical"`},
			TargetMatchers: []string{`severity="warning"`},
			Equal:          amGroupBy,
		}},
		Receivers: []amReceiver{
			{Name: receiverPaging, PagerdutyConfigs: []amPagerduty{{
				RoutingKeyFile: alertmanagerSecretDir + "/" + receiversSecretPagingKey,
				SendResolved:   true,
				Severity:       severityCritical,
				Description:    `[` + env.Name + `] {{ .CommonLabels.alertname }}: {{ .CommonAnnotations.summary }}`,
			}}},
			{Name: receiverChat, SlackConfigs: []amSlack{{
				APIURLFile:   alertmanagerSecretDir + "/" + receiversSecretChatKey,
				SendResolved: true,
				Title:        `[` + env.Name + `] [{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}`,
				Text:         `{{ range .Alerts }}{{ .Annotations.summary }} - {{ .Annotations.runbook_url }}{{ "\n" }}{{ end }}`,
			}}},
		},
	}
}
