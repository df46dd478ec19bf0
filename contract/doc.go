// Package contract holds the two container contracts side by side: what the
// storefront server binary (backend.go) and the nginx image that serves the
// built client (frontend.go) answer to. Port, probe paths, subcommands,
// environment variables, metric names and the links e-mails carry are
// declared here once; the server registers its routes and metrics from them,
// and the Kubernetes charts, the monitoring rules and the CDK import them
// instead of typing the strings again.
//
// It has no dependencies, so every layer can import it at no cost.
package contract
