// Package k8stest checks Kubernetes manifests against a real kube-apiserver
// (v1.37.2, backed by etcd v3.7.3) started on loopback for the duration of a
// test. Nothing is mocked: objects go through the API server's own defaulting,
// schema validation (strict field validation), CEL rules of CRDs and
// admission (PodSecurity "restricted" by default), with server-side dry run.
//
// The binaries are built from the Go module proxy by tools/build.sh (a nested
// module, so the root module's ./... never sees its replace block) into a
// cache directory keyed on tools/go.sum:
//
//	${XDG_CACHE_HOME:-$HOME/.cache}/shopstack/k8s-<hash>/   (or $SHOPSTACK_K8S_BIN)
//
// The first build takes about 5 minutes and 3 GB of memory on 2 cores; later
// runs find the binaries and start in a few seconds. A test that needs the
// binaries builds them: a missing or failed build is a test failure, never a
// skip. Run such tests with a generous timeout, e.g. `go test -timeout 30m`.
//
// Typical use from another package's test:
//
//	func TestDevManifests(t *testing.T) {
//		k8stest.CheckManifests(t, "../dist/dev/k8s")
//	}
//
// or, to share one server between several checks:
//
//	srv := k8stest.Start(t)
//	srv.CheckManifests(t, "../dist/dev/k8s")
package k8stest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// FieldManager is the server-side apply field manager used for every apply.
const FieldManager = "shopstack"

var (
	binMu  sync.Mutex
	binDir string
)

// Binaries returns the directory holding kube-apiserver, kubectl and etcd,
// running tools/build.sh (which builds them unless already cached) the first
// time it is called in a test process. Failing to build fails the test.
func Binaries(t testing.TB) string {
	t.Helper()
	binMu.Lock()
	defer binMu.Unlock()
	if binDir != "" {
		return binDir
	}
	script, err := buildScript()
	if err != nil {
		t.Fatalf("k8stest: %v", err)
	}
	start := time.Now()
	cmd := exec.Command("bash", script)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	// build.sh says nothing on stderr when the binaries are cached; during a
	// cold build its progress goes straight to the terminal as well.
	cmd.Stderr = io.MultiWriter(&stderr, os.Stderr)
	if err := cmd.Run(); err != nil {
		t.Fatalf("k8stest: %s failed after %s: %v\n%s", script, time.Since(start).Round(time.Millisecond), err, tail(stderr.String(), 4000))
	}
	dir := strings.TrimSpace(lastLine(stdout.String()))
	for _, b := range []string{"kube-apiserver", "kubectl", "etcd"} {
		if fi, err := os.Stat(filepath.Join(dir, b)); err != nil || fi.Mode()&0o111 == 0 {
			t.Fatalf("k8stest: %s printed %q but %s is not an executable there (%v)", script, dir, b, err)
		}
	}
	t.Logf("k8stest: binaries in %s (build.sh took %s)", dir, time.Since(start).Round(time.Millisecond))
	binDir = dir
	return dir
}

// buildScript finds tools/build.sh next to this source file or, when the
// source path is unusable (-trimpath), above the working directory.
func buildScript() (string, error) {
	const rel = "internal/k8stest/tools/build.sh"
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "tools", "build.sh")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, rel)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("cannot find %s above %s", rel, wd)
		}
	}
}

// Server is a running etcd + kube-apiserver pair on loopback.
type Server struct {
	// Kubeconfig is the path of a kubeconfig granting system:masters.
	Kubeconfig string
	// URL is the API server's https URL (self-signed certificate).
	URL string
	// Token is the bearer token of the admin user.
	Token string
	// Dir is the server's working directory (certs, data, logs).
	Dir string

	bin         string
	cacheDir    string
	procs       []*exec.Cmd
	crdsApplied bool // testdata/crds applied (CheckManifests)
}

// Start starts etcd and kube-apiserver in t.TempDir() on free loopback
// ports, waits for /readyz and stops both when the test ends. The API server
// runs PodSecurity admission with enforce/audit/warn "restricted" as the
// default for namespaces without labels (kube-system exempt), RBAC, a static
// token for the admin user, and no controller-manager or scheduler.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binaries(t)
	start := time.Now()
	// The ports are found free and then bound by etcd and kube-apiserver,
	// which take no listener from us; another process (a parallel test
	// package starting its own server) may bind one in between. That shows
	// as "address already in use" in a log: start again on other ports, in
	// a fresh directory, a few times.
	const attempts = 5
	for attempt := 1; ; attempt++ {
		s := &Server{Dir: t.TempDir(), bin: bin}
		s.cacheDir = filepath.Join(s.Dir, "kubectl-cache")
		t.Cleanup(s.stop) // also when launch fails the test half way
		err := s.launch(t)
		if err == nil {
			t.Logf("k8stest: etcd + kube-apiserver ready at %s in %s", s.URL, time.Since(start).Round(time.Millisecond))
			return s
		}
		portTaken := s.logsSay("address already in use")
		if !portTaken || attempt == attempts {
			s.dumpLogs(t)
			s.stop()
			t.Fatalf("k8stest: kube-apiserver not ready: %v", err)
		}
		t.Logf("k8stest: a port was taken before etcd or kube-apiserver bound it (attempt %d of %d): starting again on other ports", attempt, attempts)
		s.stop()
	}
}

// logsSay reports whether the etcd or kube-apiserver log contains text.
func (s *Server) logsSay(text string) bool {
	for _, name := range []string{"etcd", "kube-apiserver"} {
		if b, _ := os.ReadFile(filepath.Join(s.Dir, name+".log")); strings.Contains(string(b), text) {
			return true
		}
	}
	return false
}

// launch starts etcd and kube-apiserver on free ports and waits for
// /readyz; the caller stops them.
func (s *Server) launch(t testing.TB) error {
	t.Helper()
	// etcd
	etcdPort, peerPort, metricsPort, apiPort := freePort(t), freePort(t), freePort(t), freePort(t)
	etcdURL := fmt.Sprintf("http://127.0.0.1:%d", etcdPort)
	peerURL := fmt.Sprintf("http://127.0.0.1:%d", peerPort)
	s.spawn(t, "etcd",
		"--name=k8stest",
		"--data-dir="+filepath.Join(s.Dir, "etcd"),
		"--unsafe-no-fsync",
		"--log-level=warn",
		"--listen-client-urls="+etcdURL,
		"--advertise-client-urls="+etcdURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=k8stest="+peerURL,
		fmt.Sprintf("--listen-metrics-urls=http://127.0.0.1:%d", metricsPort),
	)

	// Credentials and configuration files.
	s.Token = randomHex(t, 16)
	write(t, filepath.Join(s.Dir, "tokens.csv"), s.Token+`,admin,admin-uid,"system:masters"`+"\n")
	writeServiceAccountKeys(t, s.Dir)
	write(t, filepath.Join(s.Dir, "admission.yaml"), admissionConfig)
	if err := os.MkdirAll(filepath.Join(s.Dir, "certs"), 0o700); err != nil {
		t.Fatal(err)
	}

	s.URL = fmt.Sprintf("https://127.0.0.1:%d", apiPort)
	s.spawn(t, "kube-apiserver",
		"--etcd-servers="+etcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		fmt.Sprintf("--secure-port=%d", apiPort),
		"--cert-dir="+filepath.Join(s.Dir, "certs"),
		"--token-auth-file="+filepath.Join(s.Dir, "tokens.csv"),
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc",
		"--service-account-key-file="+filepath.Join(s.Dir, "sa.pub"),
		"--service-account-signing-key-file="+filepath.Join(s.Dir, "sa.key"),
		"--service-cluster-ip-range=10.96.0.0/16",
		"--endpoint-reconciler-type=none",
		"--enable-priority-and-fairness=false",
		"--admission-control-config-file="+filepath.Join(s.Dir, "admission.yaml"),
		"--profiling=false",
		"--v=0",
	)

	s.Kubeconfig = filepath.Join(s.Dir, "kubeconfig")
	write(t, s.Kubeconfig, fmt.Sprintf(kubeconfigTemplate, s.URL, s.Token))

	return s.waitReady(90 * time.Second)
}

func (s *Server) spawn(t testing.TB, name string, args ...string) {
	t.Helper()
	logf, err := os.Create(filepath.Join(s.Dir, name+".log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(filepath.Join(s.bin, name), args...)
	cmd.Dir = s.Dir
	cmd.Stdout = logf
	cmd.Stderr = logf
	// Own process group, and die with the test binary where the OS allows.
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		logf.Close()
		t.Fatalf("k8stest: start %s: %v", name, err)
	}
	go func() { _ = cmd.Wait(); logf.Close() }()
	s.procs = append(s.procs, cmd)
}

func (s *Server) stop() {
	// Stop in reverse order: kube-apiserver first, then etcd.
	for i := len(s.procs) - 1; i >= 0; i-- {
		p := s.procs[i].Process
		if p == nil {
			continue
		}
		_ = p.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() {
			for {
				if err := p.Signal(syscall.Signal(0)); err != nil {
					close(done)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = p.Kill()
		}
	}
	s.procs = nil
}

func (s *Server) waitReady(timeout time.Duration) error {
	client := &http.Client{
		Timeout:   2 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}},
	}
	deadline := time.Now().Add(timeout)
	var last error
	for time.Now().Before(deadline) {
		for _, p := range s.procs {
			if p.ProcessState != nil {
				return fmt.Errorf("%s exited: %v", filepath.Base(p.Path), p.ProcessState)
			}
		}
		req, _ := http.NewRequest(http.MethodGet, s.URL+"/readyz", nil)
		req.Header.Set("Authorization", "Bearer "+s.Token)
		resp, err := client.Do(req)
		if err == nil {
			body := make([]byte, 4096)
			n, _ := resp.Body.Read(body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("/readyz: %s: %s", resp.Status, body[:n])
		} else {
			last = err
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("timed out after %s: %v", timeout, last)
}

func (s *Server) dumpLogs(t testing.TB) {
	t.Helper()
	for _, name := range []string{"etcd", "kube-apiserver"} {
		b, _ := os.ReadFile(filepath.Join(s.Dir, name+".log"))
		t.Logf("k8stest: %s.log (tail):\n%s", name, tail(string(b), 4000))
	}
}

// Kubectl runs kubectl against the server and returns its combined output.
// The error, if any, includes that output.
func (s *Server) Kubectl(args ...string) (string, error) {
	return s.kubectl(nil, args...)
}

func (s *Server) kubectl(stdin []byte, args ...string) (string, error) {
	full := append([]string{"--kubeconfig=" + s.Kubeconfig, "--cache-dir=" + s.cacheDir}, args...)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(s.bin, "kubectl"), full...)
	cmd.Env = append(os.Environ(), "KUBECONFIG="+s.Kubeconfig, "HOME="+s.Dir)
	if stdin != nil {
		cmd.Stdin = bytes.NewReader(stdin)
	}
	out, err := cmd.CombinedOutput()
	text := strings.TrimSpace(string(out))
	if err != nil {
		return text, fmt.Errorf("kubectl %s: %v\n%s", strings.Join(args, " "), err, text)
	}
	return text, nil
}

// ApplyForReal applies files (server-side, not a dry run), for objects that
// must exist before others can be checked: CustomResourceDefinitions (it
// waits until they are Established), Namespaces, ServiceAccounts. Failure
// fails the test.
func (s *Server) ApplyForReal(t testing.TB, files ...string) {
	t.Helper()
	if len(files) == 0 {
		return
	}
	if err := s.applyForReal(files...); err != nil {
		t.Fatalf("k8stest: apply for real: %v", err)
	}
}

// DryRun runs, for each file, a server-side apply dry run with strict field
// validation and warnings treated as errors:
//
//	kubectl apply --server-side --dry-run=server --validate=strict \
//	  --warnings-as-errors --field-manager=shopstack -f FILE
//
// It returns nil when the API server accepted every object without a
// warning, else an error carrying the server's messages for each failing
// file. Namespaces and CRDs the objects need must already exist (ApplyForReal).
func (s *Server) DryRun(files ...string) error {
	var errs []error
	for _, f := range files {
		if err := s.dryRun(f); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", f, err))
		}
	}
	return errors.Join(errs...)
}

const admissionConfig = `apiVersion: apiserver.config.k8s.io/v1
kind: AdmissionConfiguration
plugins:
  - name: PodSecurity
    configuration:
      apiVersion: pod-security.admission.config.k8s.io/v1
      kind: PodSecurityConfiguration
      defaults:
        enforce: restricted
        enforce-version: latest
        audit: restricted
        audit-version: latest
        warn: restricted
        warn-version: latest
      exemptions:
        usernames: []
        runtimeClasses: []
        namespaces: [kube-system]
`

const kubeconfigTemplate = `apiVersion: v1
kind: Config
clusters:
  - name: k8stest
    cluster:
      server: %s
      insecure-skip-tls-verify: true
users:
  - name: admin
    user:
      token: %s
contexts:
  - name: k8stest
    context:
      cluster: k8stest
      user: admin
      namespace: default
current-context: k8stest
`

func writeServiceAccountKeys(t testing.TB, dir string) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "sa.key"), string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})))
	write(t, filepath.Join(dir, "sa.pub"), string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub})))
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func randomHex(t testing.TB, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

func write(t testing.TB, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "..." + s[len(s)-n:]
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}
