package charts

import (
	"github.com/aws/constructs-go/constructs/v10"

	"github.com/shopstack/shopstack/platform"
)

// nginxWritableDirs are where the unprivileged nginx image may write (temp
// files, proxy/client body caches, the pid file); each gets an emptyDir so
// that the root filesystem stays read-only.
var nginxWritableDirs = []string{"/tmp", "/var/cache/nginx", "/var/run"}

// FrontendProps configures the storefront web app (nginx serving the SPA).
type FrontendProps struct {
	// Env is the environment. Required.
	Env platform.Environment
	// NodeSelector pins the pods. Default: none.
	NodeSelector map[string]string
}

// NewFrontend adds the frontend's Deployment, Service, HPA and PDB. nginx
// needs no Kubernetes or AWS identity: it runs under the namespace's
// default ServiceAccount with no token mounted.
func NewFrontend(scope constructs.Construct, id string, props *FrontendProps) *HTTPWorkload {
	env := props.Env
	return NewHTTPWorkload(scope, id, &HTTPWorkloadProps{
		Name:          env.Names.Frontend,
		Namespace:     env.Names.Namespace,
		Component:     "web",
		Version:       env.Images.Tag,
		Image:         env.FrontendImage(),
		Port:          platform.FrontendPort,
		PortName:      platform.FrontendPortName,
		LivenessPath:  platform.FrontendHealthPath,
		ReadinessPath: platform.FrontendHealthPath,
		Sizing:        env.Frontend,
		UID:           platform.FrontendUID,
		WritablePaths: nginxWritableDirs,
		// nginx-unprivileged stops on SIGQUIT (graceful) and drains quickly:
		// static files only.
		PreStopSleepSeconds: 10,
		DrainSeconds:        10,
		MaxSurge:            defaultMaxSurge,
		ServiceAnnotations:  albHealthCheck(platform.FrontendHealthPath),
		NodeSelector:        props.NodeSelector,
	})
}
