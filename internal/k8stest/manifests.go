package k8stest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"sigs.k8s.io/yaml"
)

// Object is one document of a manifest file.
type Object struct {
	File       string // path of the file it came from
	Index      int    // 1-based position of the document in the file
	APIVersion string
	Kind       string
	Namespace  string // as written; empty for cluster-scoped kinds or the default namespace
	Name       string
	YAML       []byte // the document itself
}

// String identifies the object as "Kind namespace/name (file#index)".
func (o Object) String() string {
	id := o.Name
	if o.Namespace != "" {
		id = o.Namespace + "/" + o.Name
	}
	return fmt.Sprintf("%s %s (%s#%d)", o.Kind, id, filepath.Base(o.File), o.Index)
}

// ReadManifests reads every *.yaml and *.yml file directly in dir (sorted by
// name) and returns its documents in order. Empty documents are skipped; a
// document without kind or metadata.name is an error.
func ReadManifests(dir string) ([]Object, error) {
	var files []string
	for _, pat := range []string{"*.yaml", "*.yml"} {
		m, err := filepath.Glob(filepath.Join(dir, pat))
		if err != nil {
			return nil, err
		}
		files = append(files, m...)
	}
	sort.Strings(files)
	var objs []Object
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		for i, doc := range SplitYAML(data) {
			var head struct {
				APIVersion string `json:"apiVersion"`
				Kind       string `json:"kind"`
				Metadata   struct {
					Name      string `json:"name"`
					Namespace string `json:"namespace"`
				} `json:"metadata"`
			}
			if err := yaml.Unmarshal(doc, &head); err != nil {
				return nil, fmt.Errorf("%s#%d: %v", f, i+1, err)
			}
			if head.Kind == "" || head.Metadata.Name == "" {
				return nil, fmt.Errorf("%s#%d: document has no kind or metadata.name", f, i+1)
			}
			objs = append(objs, Object{
				File: f, Index: i + 1,
				APIVersion: head.APIVersion, Kind: head.Kind,
				Namespace: head.Metadata.Namespace, Name: head.Metadata.Name,
				YAML: doc,
			})
		}
	}
	return objs, nil
}

// SplitYAML splits a multi-document YAML stream on "---" separator lines,
// dropping documents that hold only whitespace and comments.
func SplitYAML(data []byte) [][]byte {
	var docs [][]byte
	var cur bytes.Buffer
	flush := func() {
		if hasContent(cur.Bytes()) {
			docs = append(docs, append([]byte(nil), cur.Bytes()...))
		}
		cur.Reset()
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 64*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "---") && strings.TrimSpace(strings.TrimPrefix(line, "---")) == "" {
			flush()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	flush()
	return docs
}

func hasContent(doc []byte) bool {
	for _, line := range strings.Split(string(doc), "\n") {
		l := strings.TrimSpace(line)
		if l != "" && !strings.HasPrefix(l, "#") {
			return true
		}
	}
	return false
}

// CRDFiles returns the CustomResourceDefinitions kept in testdata/crds (EKS
// Auto Mode NodePool, NodeClass, IngressClassParams).
func CRDFiles(t testing.TB) []string {
	t.Helper()
	dir, err := crdDir()
	if err != nil {
		t.Fatalf("k8stest: %v", err)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("k8stest: no CRDs in %s (%v)", dir, err)
	}
	sort.Strings(files)
	return files
}

func crdDir() (string, error) {
	const rel = "internal/k8stest/testdata/crds"
	if _, file, _, ok := runtime.Caller(0); ok {
		p := filepath.Join(filepath.Dir(file), "testdata", "crds")
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p, nil
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, rel)
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return p, nil
		}
		if filepath.Dir(dir) == dir {
			return "", fmt.Errorf("cannot find %s above %s", rel, wd)
		}
	}
}

// CheckManifests starts a fresh API server (Start) and checks the manifests
// in dir against it (see (*Server).CheckManifests).
func CheckManifests(t testing.TB, dir string) {
	t.Helper()
	Start(t).CheckManifests(t, dir)
}

// CheckManifests checks every object of every *.yaml file in dir (for
// example dist/dev/k8s) against the server:
//
//  1. every Namespace in the manifests is created for real (so its
//     PodSecurity labels take effect), with a "default" ServiceAccount (no
//     controller-manager runs to make one);
//  2. the CRDs of testdata/crds, then any CustomResourceDefinition in the
//     manifests, are applied for real and waited for;
//  3. every object is dry-run on its own (server-side apply, strict field
//     validation, warnings as errors).
//
// Each object that fails is reported with t.Errorf as "Kind ns/name
// (file#doc): <the API server's message>". A directory without objects is a
// failure too.
func (s *Server) CheckManifests(t testing.TB, dir string) {
	t.Helper()
	start := time.Now()
	objs, err := ReadManifests(dir)
	if err != nil {
		t.Fatalf("k8stest: %v", err)
	}
	if len(objs) == 0 {
		t.Fatalf("k8stest: no Kubernetes objects in %s/*.yaml", dir)
	}
	work := t.TempDir()
	files := make([]string, len(objs))
	for i, o := range objs {
		files[i] = filepath.Join(work, fmt.Sprintf("%04d-%s-%s.yaml", i, strings.ToLower(o.Kind), safe(o.Name)))
		if err := os.WriteFile(files[i], o.YAML, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	failed := map[int]bool{}
	report := func(i int, err error) {
		failed[i] = true
		t.Errorf("%s: %s", objs[i], clean(err))
	}

	// 1. Namespaces for real, then their default ServiceAccounts.
	var sas strings.Builder
	for i, o := range objs {
		if o.Kind != "Namespace" || !strings.HasPrefix(o.APIVersion, "v1") {
			continue
		}
		if err := s.applyForReal(files[i]); err != nil {
			report(i, err)
			continue
		}
		fmt.Fprintf(&sas, "---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: default\n  namespace: %s\n", o.Name)
	}
	if sas.Len() > 0 {
		saFile := filepath.Join(work, "default-serviceaccounts.yaml")
		write(t, saFile, sas.String())
		if err := s.applyForReal(saFile); err != nil {
			t.Errorf("k8stest: creating default ServiceAccounts: %v", err)
		}
	}

	// 2. CRDs for real: ours (once per server), then the manifests' own.
	if !s.crdsApplied {
		s.ApplyForReal(t, CRDFiles(t)...)
		s.crdsApplied = true
	}
	var crdFiles []string
	for i, o := range objs {
		if o.Kind == "CustomResourceDefinition" {
			crdFiles = append(crdFiles, files[i])
		}
	}
	if len(crdFiles) > 0 {
		if err := s.applyForReal(crdFiles...); err != nil {
			t.Errorf("k8stest: applying the manifests' CRDs: %v", err)
		}
	}
	_, _ = s.Kubectl("api-resources", "-o", "name") // warm the discovery cache once

	// 3. Dry-run every object on its own.
	type result struct {
		i   int
		err error
	}
	jobs := make(chan int)
	results := make(chan result)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				results <- result{i, s.dryRun(files[i])}
			}
		}()
	}
	go func() {
		for i := range objs {
			if !failed[i] {
				jobs <- i
			}
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	var errs []result
	for r := range results {
		if r.err != nil {
			errs = append(errs, r)
		}
	}
	sort.Slice(errs, func(a, b int) bool { return errs[a].i < errs[b].i })
	for _, r := range errs {
		report(r.i, r.err)
	}
	t.Logf("k8stest: checked %d objects from %s in %s: %d failed",
		len(objs), dir, time.Since(start).Round(time.Millisecond), len(failed))
}

// CheckObjects is like CheckManifests for YAML given inline (handy in tests):
// it writes docs to a temporary directory as one file and checks it,
// returning the failures instead of reporting them.
func (s *Server) CheckObjects(t testing.TB, yamlDocs string) error {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "objects.yaml"), yamlDocs)
	rec := &recorder{TB: t}
	s.CheckManifests(rec, dir)
	return rec.err()
}

// recorder captures Errorf calls so that CheckObjects can return them.
type recorder struct {
	testing.TB
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

func (r *recorder) Error(args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprint(args...))
}

func (r *recorder) Helper() {}

func (r *recorder) err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.msgs) == 0 {
		return nil
	}
	return errors.New(strings.Join(r.msgs, "\n"))
}

func (s *Server) applyForReal(files ...string) error {
	args := []string{"apply", "--server-side", "--force-conflicts", "--field-manager=" + FieldManager, "-o", "name"}
	for _, f := range files {
		args = append(args, "-f", f)
	}
	out, err := s.Kubectl(args...)
	if err != nil {
		return err
	}
	var crds []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "customresourcedefinition.apiextensions.k8s.io/") {
			crds = append(crds, line)
		}
	}
	if len(crds) > 0 {
		wait := append([]string{"wait", "--for=condition=Established", "--timeout=60s"}, crds...)
		if _, err := s.Kubectl(wait...); err != nil {
			return fmt.Errorf("waiting for CRDs: %w", err)
		}
		// New kinds: drop kubectl's discovery cache so the next call sees them.
		_ = os.RemoveAll(s.cacheDir)
	}
	return nil
}

func (s *Server) dryRun(file string) error {
	_, err := s.Kubectl("apply", "--server-side", "--dry-run=server", "--validate=strict",
		"--warnings-as-errors", "--field-manager="+FieldManager, "-f", file)
	return err
}

// clean drops the kubectl command line and kubectl's "... (server dry run)"
// progress lines from an error, keeping the API server's messages.
func clean(err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "kubectl ") {
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
	}
	var keep []string
	for _, line := range strings.Split(msg, "\n") {
		if !strings.HasSuffix(strings.TrimSpace(line), "(server dry run)") {
			keep = append(keep, line)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n"))
}

func safe(name string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '_'
	}, strings.ToLower(name))
}
