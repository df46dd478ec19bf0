// Package tools holds the linters that run as tests: actionlint over the
// GitHub Actions workflows under .github/workflows, and staticcheck over
// the Go code.
//
// actionlint v1.7.12 needs go.yaml.in/yaml/v4 v4.0.0-rc.3 and does not
// compile against v4.0.0, which the main module's go-task requires; so it is
// a Go tool of its own module file, actionlint.mod (with actionlint.sum):
//
//	go tool -modfile=tools/actionlint.mod actionlint
//
// `go tool task lint` runs exactly that, and TestWorkflows runs it under
// `go test ./...`.
//
// staticcheck (honnef.co/go/tools) is a Go tool of its own module file too,
// staticcheck.mod, so its dependencies stay out of the main module's graph:
//
//	go tool -modfile=tools/staticcheck.mod staticcheck ./...
//
// TestStaticcheck runs it over the whole module under `go test ./...`.
//
// `go mod tidy` is not checked: the main module's go.mod is kept untidy on
// purpose (some modules it uses directly are still marked indirect), because
// tidying reaches for module versions the module proxy this project builds
// against refuses.
package tools
