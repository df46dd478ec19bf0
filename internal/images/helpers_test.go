package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// fixedSources dates the inputs without git, so that outputs are stable.
func fixedSources(ctx context.Context, root string, paths []string) (int64, []string, error) {
	if paths[0] == "client" {
		return 1764374400, nil, nil // 2025-11-29T00:00:00Z
	}
	return 1764460800, nil, nil // 2025-11-30T00:00:00Z
}

// noCredentials is an AWS configuration whose credential chain finds
// nothing, as on a machine without AWS access.
func noCredentials(ctx context.Context, region string) (aws.Config, error) {
	return aws.Config{Region: region, Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no credentials in the environment, no shared config, no instance role")
	})}, nil
}

// copyDist copies dist/<env> of the repository into a fresh root, so that
// a run can write its .cache/ there.
func copyDist(t *testing.T, envs ...string) string {
	t.Helper()
	root := t.TempDir()
	for _, env := range envs {
		src := filepath.Join(repoRoot, "dist", env)
		err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, _ := filepath.Rel(repoRoot, path)
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			dst := filepath.Join(root, rel)
			if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
				return err
			}
			return os.WriteFile(dst, data, 0o644)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// standInDocker is a `docker` executable that answers like the real CLI
// and records every invocation, one line each ("docker [arg] [arg] ..."),
// in dir/docker.log; `docker login` records its standard input in
// dir/login.stdin. Its behaviour is set with environment variables:
//
//	STANDIN_NO_ENGINE=1   `docker version` fails the way the CLI does
//	                      without a daemon (Docker CLI 28.2.2's message)
//	STANDIN_NO_BUILDX=1   `docker buildx ...` fails the way the CLI does
//	                      without the plugin
//	STANDIN_BACKEND_CONFIG, STANDIN_FRONTEND_CONFIG
//	                      the config digest a build of server/Dockerfile or
//	                      client/Dockerfile writes to --metadata-file, as
//	                      buildx does ("containerimage.config.digest"), for
//	                      a single-platform build with --provenance=false
//	                      only (otherwise the result is an index, which has
//	                      no config)
//	STANDIN_PUSH_STDERR   what a pushing build prints on stderr before
//	                      failing (exit 1)
const standInScript = `#!/bin/sh
dir=$(dirname "$0")
{ printf 'docker'; for a in "$@"; do printf ' [%s]' "$a"; done; printf '\n'; } >> "$dir/docker.log"
case "$1" in
version)
  if [ -n "$STANDIN_NO_ENGINE" ]; then
    echo
    echo 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?' >&2
    exit 1
  fi
  echo 28.2.2
  exit 0 ;;
buildx)
  if [ -n "$STANDIN_NO_BUILDX" ]; then
    echo 'docker: unknown command: docker buildx' >&2
    echo >&2
    echo "Run 'docker --help' for more information" >&2
    exit 1
  fi
  if [ "$2" = version ]; then
    echo 'github.com/docker/buildx v0.29.1 a32761aeb3debd39be1eca514af3693af0db334b'
    exit 0
  fi
  meta=; file=; push=false; index=true; multi=false; prev=
  for a in "$@"; do
    case "$prev" in
      --metadata-file) meta=$a ;;
      --file) file=$a ;;
      --output) case "$a" in *push=true*) push=true ;; esac ;;
      --platform) case "$a" in *,*) multi=true ;; esac ;;
    esac
    [ "$a" = --provenance=false ] && index=false
    prev=$a
  done
  [ "$multi" = true ] && index=true
  echo '#1 [internal] load build definition from Dockerfile' >&2
  if [ "$push" = true ] && [ -n "$STANDIN_PUSH_STDERR" ]; then
    echo "$STANDIN_PUSH_STDERR" >&2
    exit 1
  fi
  case "$file" in
    server/*) cfg=$STANDIN_BACKEND_CONFIG ;;
    *) cfg=$STANDIN_FRONTEND_CONFIG ;;
  esac
  # Like BuildKit's image exporter: the config digest only for a lone
  # manifest; provenance (on by default) or several platforms make an index.
  if [ "$index" = true ]; then
    printf '{"containerimage.digest":"sha256:%064d"}' 8 > "$meta"
  else
    printf '{"containerimage.config.digest":"%s","containerimage.digest":"sha256:%064d"}' "$cfg" 7 > "$meta"
  fi
  exit 0 ;;
login)
  cat > "$dir/login.stdin"
  echo 'Login Succeeded'
  exit 0 ;;
esac
echo "stand-in docker: unexpected command: $*" >&2
exit 1
`

// installStandIn puts the stand-in docker first on PATH (keeping the rest
// of PATH for sh, dirname and printf) and returns its directory.
func installStandIn(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "docker"), []byte(standInScript), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	for _, k := range []string{"STANDIN_NO_ENGINE", "STANDIN_NO_BUILDX", "STANDIN_PUSH_STDERR"} {
		t.Setenv(k, "")
	}
	t.Setenv("STANDIN_BACKEND_CONFIG", backendConfig)
	t.Setenv("STANDIN_FRONTEND_CONFIG", frontendConfig)
	return dir
}

// dockerCalls reads the stand-in's log: one entry per invocation, the
// arguments after "docker".
func dockerCalls(t *testing.T, dir string) [][]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, "docker.log"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var calls [][]string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		line = strings.TrimPrefix(line, "docker")
		var args []string
		for _, part := range strings.Split(line, " [")[1:] {
			args = append(args, strings.TrimSuffix(part, "]"))
		}
		calls = append(calls, args)
	}
	return calls
}

// Config digests the stand-in's builds report.
var (
	backendConfig  = "sha256:" + strings.Repeat("b", 64)
	frontendConfig = "sha256:" + strings.Repeat("f", 64)
	otherConfig    = "sha256:" + strings.Repeat("0", 64)
)

// ecrServer answers the ECR operations this package calls in the AWS JSON
// 1.1 protocol, with the shapes of the ECR API Reference and the SDK's
// model (service/ecr v1.67.6 schemas): POST /, X-Amz-Target
// AmazonEC2ContainerRegistry_V20150921.<Op>, Content-Type
// application/x-amz-json-1.1, errors as HTTP 400 with {"__type", "message"}.
type ecrServer struct {
	t       *testing.T
	account string
	mu      sync.Mutex
	// repos[repository][tag] is the manifest JSON stored under the tag;
	// blobs[digest] the manifests stored by digest (an index's children).
	repos map[string]map[string]string
	blobs map[string]string
	ops   []string // X-Amz-Target operation names, in order
}

const ecrPassword = "ecr-password-from-GetAuthorizationToken"

func newECRServer(t *testing.T, account string, repositories ...string) (*ecrServer, *httptest.Server) {
	s := &ecrServer{t: t, account: account, repos: map[string]map[string]string{}, blobs: map[string]string{}}
	for _, r := range repositories {
		s.repos[r] = map[string]string{}
	}
	srv := httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(srv.Close)
	return s, srv
}

// awsFor points the real SDK at the server, with static credentials.
func awsFor(srv *httptest.Server) AWSFunc {
	return func(ctx context.Context, region string) (aws.Config, error) {
		return aws.Config{
			Region:       region,
			BaseEndpoint: aws.String(srv.URL),
			Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
			HTTPClient:   srv.Client(),
		}, nil
	}
}

// digestOf is a manifest's digest: the sha256 of its bytes.
func digestOf(s string) string {
	return fmt.Sprintf("sha256:%x", sha256.Sum256([]byte(s)))
}

// putImage stores a single-platform image the way buildx pushes one with
// its default provenance attestation: an OCI index with the image manifest
// and an attestation manifest (platform unknown/unknown).
func (s *ecrServer) putImage(repository, tag, configDigest string) {
	img := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":1234},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%064d","size":5678}]}`, configDigest, 1)
	att := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":"application/vnd.docker.attestation.manifest.v1+json","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:%064d","size":2},"layers":[]}`, 2)
	imgDigest, attDigest := digestOf(img), digestOf(att)
	index := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[`+
		`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":%q,"size":%d,"platform":{"architecture":"amd64","os":"linux"}},`+
		`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":%q,"size":%d,"annotations":{"vnd.docker.reference.digest":%q,"vnd.docker.reference.type":"attestation-manifest"},"platform":{"architecture":"unknown","os":"unknown"}}]}`,
		imgDigest, len(img), attDigest, len(att), imgDigest)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repos[repository][tag] = index
	s.blobs[imgDigest] = img
	s.blobs[attDigest] = att
	s.blobs[digestOf(index)] = index
}

// putIndex stores a multi-platform image: an index with one image
// manifest per platform ("linux/arm64" -> config digest).
func (s *ecrServer) putIndex(repository, tag string, configs map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var entries []string
	for _, p := range sortedKeys(configs) {
		img := fmt.Sprintf(`{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":%q,"size":1234},"layers":[]}`, configs[p])
		d := digestOf(img)
		s.blobs[d] = img
		goos, arch, _ := strings.Cut(p, "/")
		entries = append(entries, fmt.Sprintf(`{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":%q,"size":%d,"platform":{"architecture":%q,"os":%q}}`, d, len(img), arch, goos))
	}
	index := `{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[` + strings.Join(entries, ",") + `]}`
	s.repos[repository][tag] = index
	s.blobs[digestOf(index)] = index
}

func (s *ecrServer) operations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.ops...)
}

func (s *ecrServer) fail(w http.ResponseWriter, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

func (s *ecrServer) serve(w http.ResponseWriter, r *http.Request) {
	const prefix = "AmazonEC2ContainerRegistry_V20150921."
	target := r.Header.Get("X-Amz-Target")
	if r.Method != http.MethodPost || r.URL.Path != "/" || !strings.HasPrefix(target, prefix) ||
		r.Header.Get("Content-Type") != "application/x-amz-json-1.1" || !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256 ") {
		s.t.Errorf("not an AWS JSON 1.1 ECR request: %s %s target %q content type %q", r.Method, r.URL.Path, target, r.Header.Get("Content-Type"))
		s.fail(w, "UnknownOperationException", "bad request")
		return
	}
	op := strings.TrimPrefix(target, prefix)
	body, _ := io.ReadAll(r.Body)
	var in struct {
		RegistryID         string `json:"registryId"`
		RepositoryName     string `json:"repositoryName"`
		AcceptedMediaTypes []string
		ImageIDs           []struct {
			ImageTag    string `json:"imageTag"`
			ImageDigest string `json:"imageDigest"`
		} `json:"imageIds"`
	}
	if err := json.Unmarshal(body, &in); err != nil {
		s.t.Errorf("%s: body %s: %v", op, body, err)
	}
	s.mu.Lock()
	s.ops = append(s.ops, op)
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")

	switch op {
	case "GetAuthorizationToken":
		token := base64.StdEncoding.EncodeToString([]byte("AWS:" + ecrPassword))
		fmt.Fprintf(w, `{"authorizationData":[{"authorizationToken":%q,"expiresAt":1.7645436E9,"proxyEndpoint":"https://%s.dkr.ecr.eu-west-1.amazonaws.com"}]}`, token, s.account)
		return
	case "DescribeImages", "BatchGetImage":
	default:
		s.fail(w, "UnknownOperationException", op)
		return
	}
	if in.RegistryID != s.account {
		s.t.Errorf("%s: registryId %q, want %s", op, in.RegistryID, s.account)
	}
	s.mu.Lock()
	tags, ok := s.repos[in.RepositoryName]
	s.mu.Unlock()
	if !ok {
		s.fail(w, "RepositoryNotFoundException", fmt.Sprintf("The repository with name '%s' does not exist in the registry with id '%s'", in.RepositoryName, s.account))
		return
	}
	if op == "DescribeImages" {
		id := in.ImageIDs[0]
		index, ok := tags[id.ImageTag]
		if !ok {
			s.fail(w, "ImageNotFoundException", fmt.Sprintf("The image with imageId {imageDigest:'null', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'", id.ImageTag, in.RepositoryName, s.account))
			return
		}
		fmt.Fprintf(w, `{"imageDetails":[{"registryId":%q,"repositoryName":%q,"imageDigest":%q,"imageTags":[%q],"imageSizeInBytes":12345678,"imagePushedAt":1.7645004E9,"imageManifestMediaType":"application/vnd.oci.image.index.v1+json","artifactMediaType":"application/vnd.oci.image.config.v1+json"}]}`,
			s.account, in.RepositoryName, digestOf(index), id.ImageTag)
		return
	}
	// BatchGetImage
	var images []map[string]any
	var failures []map[string]any
	for _, id := range in.ImageIDs {
		var text, digest string
		switch {
		case id.ImageTag != "":
			text = tags[id.ImageTag]
			digest = digestOf(text)
		default:
			text = s.blobs[id.ImageDigest]
			digest = id.ImageDigest
		}
		if text == "" {
			failures = append(failures, map[string]any{"imageId": id, "failureCode": "ImageNotFound", "failureReason": "Requested image not found"})
			continue
		}
		var mt struct{ MediaType string }
		_ = json.Unmarshal([]byte(text), &mt)
		imageID := map[string]string{"imageDigest": digest}
		if id.ImageTag != "" {
			imageID["imageTag"] = id.ImageTag
		}
		images = append(images, map[string]any{"registryId": s.account, "repositoryName": in.RepositoryName, "imageId": imageID, "imageManifest": text, "imageManifestMediaType": mt.MediaType})
	}
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(map[string]any{"images": images, "failures": failures})
	_, _ = w.Write(buf.Bytes())
}
