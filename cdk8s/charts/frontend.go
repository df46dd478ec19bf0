package charts

import (
	"fmt"
	"strconv"

	"github.com/aws/constructs-go/constructs/v10"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/platform"
)

// nginxWritableDirs are where the unprivileged nginx image may write (temp
// files, proxy/client body caches, the pid file); each gets an emptyDir so
// that the root filesystem stays read-only.
var nginxWritableDirs = []string{"/tmp", "/var/cache/nginx", "/var/run"}

// The nginx-prometheus-exporter sidecar of the frontend pods: it reads
// nginx's stub_status over the pod's loopback and serves Prometheus
// metrics. cdk8s/monitoring imports these: its storefront-frontend scrape
// job keeps the pod port named NginxExporterPortName, Prometheus' egress
// policy allows NginxExporterPort, and the metric names its rules and
// dashboards read are pinned to NginxExporterVersion.
const (
	NginxExporterName    = "nginx-exporter"
	NginxExporterVersion = "1.4.2"
	// NginxExporterImage is the upstream reference; pods pull it through the
	// environment's ECR pull-through cache (FrontendSidecars). Quay rather
	// than Docker Hub: the project publishes every release on Docker Hub,
	// GitHub, ECR Public and Quay (nginx/nginx-prometheus-exporter README,
	// "Docker images"), and a Quay cache rule needs no credential.
	NginxExporterImage = "quay.io/nginx/nginx-prometheus-exporter:" + NginxExporterVersion
	NginxExporterPort  = 9113
	// NginxExporterPortName is the name monitoring's exporters use too.
	NginxExporterPortName    = "metrics"
	NginxExporterMetricsPath = "/metrics"
	// NginxExporterUID is the uid (and gid) the sidecar runs as. The
	// image's USER is 1001:1001, but the image is scratch with a root-owned
	// static binary and CA bundle only (build/Dockerfile of
	// nginx/nginx-prometheus-exporter) and it writes nothing, so any
	// non-root uid runs it: "nobody", above 10000 like every other pod.
	NginxExporterUID = 65534
)

// NginxExporterResources are the sidecar's requests and limits: it holds a
// few series and answers one scrape every 30 s plus its probes.
var NginxExporterResources = Resources{CPURequestMilli: 10, CPULimitMilli: 50, MemoryRequestMiB: 16, MemoryLimitMiB: 32}

// NginxExporterScrapeURI is where the exporter reads stub_status: nginx's
// loopback-only status server (client/nginx/status.conf.template).
var NginxExporterScrapeURI = fmt.Sprintf("http://127.0.0.1:%d%s", contract.FrontendStatusPort, contract.FrontendStatusPath)

// FrontendSidecars are the containers beside nginx in every frontend pod,
// the exporter running exporterImage (a copy of NginxExporterImage).
// NewFrontend runs them and the capacity plan and quota count them.
func FrontendSidecars(exporterImage string) []Sidecar {
	return []Sidecar{{
		Name:  NginxExporterName,
		Image: exporterImage,
		Args: []string{
			"--nginx.scrape-uri=" + NginxExporterScrapeURI,
			"--web.listen-address=:" + strconv.Itoa(NginxExporterPort),
			"--web.telemetry-path=" + NginxExporterMetricsPath,
		},
		Port:     NginxExporterPort,
		PortName: NginxExporterPortName,
		// /metrics answers 200 with nginx_up 0 while nginx is down, so these
		// probes check the exporter alone and never restart it for nginx.
		ProbePath: NginxExporterMetricsPath,
		UID:       NginxExporterUID,
		Resources: NginxExporterResources,
	}}
}

// FrontendProps configures the storefront web app (nginx serving the SPA).
type FrontendProps struct {
	// Name of the Deployment, Service, HPA and PDB, and the
	// app.kubernetes.io/name of the pods. Required.
	Name string
	// Namespace the objects live in. Required.
	Namespace string
	// Image is the frontend (nginx) image reference; never ":latest".
	// Required.
	Image string
	// Version is the image tag: app.kubernetes.io/version of the pods.
	// Default: no version label.
	Version string
	// Sizing holds requests, limits and HPA bounds and targets of nginx
	// (the sidecar has its own, NginxExporterResources). Required.
	Sizing platform.Workload
	// ExporterImage is the nginx-prometheus-exporter sidecar's image.
	// Default: NginxExporterImage (Build gives its pull-through cache copy).
	ExporterImage string
	// NodeSelector pins the pods. Default: none.
	NodeSelector map[string]string
}

func (p FrontendProps) withDefaults() FrontendProps {
	defaultTo(&p.ExporterImage, NginxExporterImage)
	return p
}

// NewFrontend adds the frontend's Deployment, Service, HPA and PDB. nginx
// needs no Kubernetes or AWS identity: it runs under the namespace's
// default ServiceAccount with no token mounted. Each pod also runs the
// nginx-prometheus-exporter sidecar (FrontendSidecars), which Prometheus
// scrapes; the HPA scales on nginx's own CPU and memory.
func NewFrontend(scope constructs.Construct, id string, props *FrontendProps) *HTTPWorkload {
	p := propsOf(scope, id, props).withDefaults()
	if err := required("FrontendProps", field{"Name", p.Name == ""}, field{"Namespace", p.Namespace == ""}, field{"Image", p.Image == ""}); err != nil {
		failAt(scope, id, err)
	}
	return NewHTTPWorkload(scope, id, &HTTPWorkloadProps{
		Name:          p.Name,
		Namespace:     p.Namespace,
		Component:     "web",
		Version:       p.Version,
		Image:         p.Image,
		Port:          contract.FrontendPort,
		PortName:      contract.FrontendPortName,
		LivenessPath:  contract.FrontendHealthPath,
		ReadinessPath: contract.FrontendHealthPath,
		Sizing:        p.Sizing,
		UID:           contract.FrontendUID,
		WritablePaths: nginxWritableDirs,
		// nginx-unprivileged stops on SIGQUIT (graceful) and drains quickly:
		// static files only.
		PreStopSleepSeconds: 10,
		DrainSeconds:        10,
		MaxSurge:            defaultMaxSurge,
		ServiceAnnotations:  albHealthCheck(contract.FrontendHealthPath),
		NodeSelector:        p.NodeSelector,
		Sidecars:            FrontendSidecars(p.ExporterImage),
		MetricsPortName:     NginxExporterPortName,
	})
}
