package images

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"sync"
)

// The Docker CLI, run as a program: nothing here talks to the engine's API
// directly, so what runs is exactly the command lines printed (and what
// -dry-run shows).

// Docker's own checks, in the order they run.
var (
	// The engine: `docker version` prints the client's section and then,
	// without a reachable daemon, fails with "Cannot connect to the Docker
	// daemon at unix:///var/run/docker.sock. Is the docker daemon running?"
	// (Docker CLI 28.2.2, observed on this repository's development
	// machine, which has the CLI but no engine). With --format it prints
	// only the server's version, so success means an engine answered.
	engineCheck = []string{"version", "--format", "{{.Server.Version}}"}
	// The buildx plugin: without it the CLI answers "docker: unknown
	// command: docker buildx" (same CLI, same machine).
	buildxCheck = []string{"buildx", "version"}
)

// dockerCLI runs the docker executable found on PATH, in the repository
// root (the build contexts and --metadata-file paths are relative to it).
type dockerCLI struct {
	path     string
	dir      string
	out, err io.Writer
}

// findDocker looks docker up on PATH.
func findDocker(dir string, out, errw io.Writer) (*dockerCLI, error) {
	path, err := exec.LookPath("docker")
	if err != nil {
		return nil, fmt.Errorf("docker is not installed (no docker executable on PATH: %v): install Docker Engine and its buildx plugin (https://docs.docker.com/engine/install/) or Docker Desktop, then run again", err)
	}
	return &dockerCLI{path: path, dir: dir, out: out, err: errw}, nil
}

// output runs docker and returns what it printed.
func (d *dockerCLI) output(ctx context.Context, stdin io.Reader, args ...string) (string, string, error) {
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, d.path, args...)
	cmd.Dir = d.dir
	cmd.Stdin = stdin
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// stream runs docker with its output passed through (builds are long and
// their progress matters). It returns what docker wrote to stderr as well,
// so that a failure can be explained.
func (d *dockerCLI) stream(ctx context.Context, args ...string) (string, error) {
	var stderr bytes.Buffer
	// exec copies the two streams in two goroutines; one lock keeps them
	// from writing at once when Out and Err are the same writer.
	var mu sync.Mutex
	cmd := exec.CommandContext(ctx, d.path, args...)
	cmd.Dir = d.dir
	cmd.Stdout = &lockedWriter{mu: &mu, w: d.out}
	cmd.Stderr = &lockedWriter{mu: &mu, w: io.MultiWriter(d.err, &stderr)}
	err := cmd.Run()
	return stderr.String(), err
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// preflight fails fast, before any AWS call or build, when the engine or
// buildx is missing.
func (d *dockerCLI) preflight(ctx context.Context) error {
	fmt.Fprintf(d.out, "$ %s\n", shellJoin(append([]string{"docker"}, engineCheck...)))
	stdout, stderr, err := d.output(ctx, nil, engineCheck...)
	if err != nil {
		return fmt.Errorf("docker has no engine to build with: `docker version` says %q: start the Docker daemon (or Docker Desktop), or point DOCKER_HOST or `docker context use` at a running engine, then run again", firstLine(stderr, err))
	}
	fmt.Fprintf(d.out, "  engine %s\n", strings.TrimSpace(stdout))
	fmt.Fprintf(d.out, "$ %s\n", shellJoin(append([]string{"docker"}, buildxCheck...)))
	stdout, stderr, err = d.output(ctx, nil, buildxCheck...)
	if err != nil {
		return fmt.Errorf("docker buildx is not available: `docker buildx version` says %q: install the buildx CLI plugin (it comes with Docker Desktop and Docker Engine's packages; otherwise https://github.com/docker/buildx#manual-download), then run again", firstLine(stderr, err))
	}
	fmt.Fprintf(d.out, "  %s\n", strings.TrimSpace(stdout))
	return nil
}

// login runs `docker login` with the password on standard input, never
// on the command line. Docker CLI reference, "docker login"
// (https://docs.docker.com/reference/cli/docker/login/): --password-stdin
// "Take the password from stdin".
func (d *dockerCLI) login(ctx context.Context, server, username, password string) error {
	args := loginArgs(server, username)
	fmt.Fprintf(d.out, "$ %s\n", shellJoin(append([]string{"docker"}, args...)))
	_, stderr, err := d.output(ctx, strings.NewReader(password), args...)
	if err != nil {
		return fmt.Errorf("docker login to %s failed: %s", server, firstLine(stderr, err))
	}
	return nil
}

func loginArgs(server, username string) []string {
	return []string{"login", "--username", username, "--password-stdin", server}
}

// firstLine is the first non-empty line of a program's stderr, or the
// process error when it printed nothing.
func firstLine(stderr string, err error) string {
	for _, l := range strings.Split(stderr, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.String()
	}
	return err.Error()
}

// shellJoin renders a command line that a POSIX shell reads back as the
// same arguments.
func shellJoin(args []string) string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = shellQuote(a)
	}
	return strings.Join(out, " ")
}

func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	safe := true
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-./:=,@%+", r)) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
