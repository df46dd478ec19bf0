// Package tools holds the checks of files that are not Go: the GitHub
// Actions workflows under .github/workflows, linted with actionlint.
//
// actionlint v1.7.12 needs go.yaml.in/yaml/v4 v4.0.0-rc.3 and does not
// compile against v4.0.0, which the main module's go-task requires; so it is
// a Go tool of its own module file, actionlint.mod (with actionlint.sum):
//
//	go tool -modfile=tools/actionlint.mod actionlint
//
// `go tool task lint` runs exactly that, and TestWorkflows runs it under
// `go test ./...`.
package tools
