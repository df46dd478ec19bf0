package platform

// The frontend's container contract: the nginx-unprivileged image that serves
// the built client. The Kubernetes charts (container port, probes, Service,
// NetworkPolicy) and the client's nginx config use these, like the backend
// uses server/contract.
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
)
