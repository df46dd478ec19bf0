package contract

// The frontend's container contract: the nginx-unprivileged image that serves
// the built client (client/Dockerfile, client/nginx). The Kubernetes charts
// use these for its container port, probes, Service and NetworkPolicy.
const (
	// FrontendPort is the port nginx listens on inside its container
	// (unprivileged: no root needed to bind it).
	FrontendPort = 8080
	// FrontendPortName names that port on the container and the Service.
	FrontendPortName = "http"
	// FrontendHealthPath answers 200 while nginx is up (startup, liveness
	// and readiness probes, ALB health check).
	FrontendHealthPath = "/healthz"
	// FrontendUID is the uid (and gid) of the nginx-unprivileged image.
	FrontendUID = 101
	// FrontendStatusPort is nginx's second server, bound to 127.0.0.1 only
	// (client/nginx/status.conf.template, rendered with this number by
	// client/Dockerfile): only containers of the same pod reach it, i.e. the
	// nginx-prometheus-exporter sidecar. Never exposed by a Service.
	FrontendStatusPort = 8081
	// FrontendStatusPath is nginx's stub_status location on that server.
	FrontendStatusPath = "/stub_status"
)
