package images

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/shopstack/shopstack/platform"
)

// The environment's ECR registry, through the AWS SDK for Go v2
// (service/ecr v1.67.6). ECR speaks the AWS JSON 1.1 protocol: every call
// is a POST to "/" with X-Amz-Target
// AmazonEC2ContainerRegistry_V20150921.<Operation> and a JSON body; an error
// is a non-2xx answer whose body names the error shape in "__type" (Smithy,
// "AWS JSON 1.1 protocol", Operation error serialization:
// https://smithy.io/2.0/aws/protocols/aws-json-1_1-protocol.html). The SDK
// decodes "__type" into the modelled error types used below
// (types.ImageNotFoundException, types.RepositoryNotFoundException).

// Media types that BatchGetImage may answer with: single-image manifests
// and the two index formats that multi-platform builds and BuildKit's
// attestations produce. The API reference lists only the three manifest
// types as valid acceptedMediaTypes; AWS's own containerd resolver asks for
// the index types as well (awslabs/amazon-ecr-containerd-resolver,
// ecr/base.go supportedImageMediaTypes), and ECR stores multi-architecture
// images as manifest lists (ECR User Guide, "Pushing a multi-architecture
// image to an Amazon ECR private repository").
var acceptedManifestTypes = []string{
	"application/vnd.oci.image.index.v1+json",
	"application/vnd.docker.distribution.manifest.list.v2+json",
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
}

// registry reads (and logs in to) one environment's private registry.
type registry struct {
	client *ecr.Client
	env    platform.Environment
}

func newRegistry(cfg aws.Config, env platform.Environment) *registry {
	return &registry{client: ecr.NewFromConfig(cfg), env: env}
}

// tagState is what ECR holds under an image tag.
type tagState struct {
	exists    bool
	digest    string // the manifest's (or index's) digest
	mediaType string
	pushedAt  time.Time
}

func (s tagState) String() string {
	if !s.exists {
		return "absent"
	}
	out := "present (" + s.digest
	if s.mediaType != "" {
		out += ", " + s.mediaType
	}
	if !s.pushedAt.IsZero() {
		out += ", pushed " + s.pushedAt.UTC().Format(time.RFC3339)
	}
	return out + ")"
}

// tag looks one tag up with DescribeImages. ECR API Reference,
// DescribeImages: with imageIds, an image that is not there is the error
// ImageNotFoundException ("The image requested does not exist in the
// specified repository", HTTP 400); a missing repository is
// RepositoryNotFoundException. The answer's imageDetails carry imageDigest,
// imageManifestMediaType and imagePushedAt (epoch seconds in JSON).
func (r *registry) tag(ctx context.Context, repository, tag string) (tagState, error) {
	out, err := r.client.DescribeImages(ctx, &ecr.DescribeImagesInput{
		RegistryId:     aws.String(r.env.Account),
		RepositoryName: aws.String(repository),
		ImageIds:       []types.ImageIdentifier{{ImageTag: aws.String(tag)}},
	})
	var notFound *types.ImageNotFoundException
	if errors.As(err, &notFound) {
		return tagState{}, nil
	}
	if err != nil {
		return tagState{}, r.explain(repository, "DescribeImages", err)
	}
	for _, d := range out.ImageDetails {
		if !contains(d.ImageTags, tag) && len(d.ImageTags) > 0 {
			continue
		}
		s := tagState{exists: true, digest: aws.ToString(d.ImageDigest), mediaType: aws.ToString(d.ImageManifestMediaType)}
		if d.ImagePushedAt != nil {
			s.pushedAt = *d.ImagePushedAt
		}
		return s, nil
	}
	return tagState{}, fmt.Errorf("ECR DescribeImages for %s:%s answered without that tag (%d image details)", repository, tag, len(out.ImageDetails))
}

// configDigests returns the image config digest of every platform under a
// tag, read from the manifests with BatchGetImage (images[].imageManifest
// is the manifest's JSON text). For an index, each platform's manifest is
// fetched by digest; BuildKit's attestation manifests (platform
// unknown/unknown, annotation vnd.docker.reference.type =
// attestation-manifest: BuildKit docs, "Image attestation storage") are
// not images and are skipped. A lone manifest does not name its platform
// (its config blob does); it is returned under the key "".
func (r *registry) configDigests(ctx context.Context, repository, tag string) (map[string]string, error) {
	top, err := r.manifests(ctx, repository, []types.ImageIdentifier{{ImageTag: aws.String(tag)}})
	if err != nil {
		return nil, err
	}
	m := top[0]
	if len(m.Manifests) == 0 {
		if m.Config == nil || m.Config.Digest == "" {
			return nil, fmt.Errorf("ECR: the manifest of %s:%s has no config digest", repository, tag)
		}
		return map[string]string{"": m.Config.Digest}, nil
	}
	var ids []types.ImageIdentifier
	var platforms []string
	for _, d := range m.Manifests {
		if d.Platform == nil || d.Platform.OS == "unknown" || d.Annotations["vnd.docker.reference.type"] == "attestation-manifest" {
			continue
		}
		p := d.Platform.OS + "/" + d.Platform.Architecture
		if d.Platform.Variant != "" {
			p += "/" + d.Platform.Variant
		}
		ids = append(ids, types.ImageIdentifier{ImageDigest: aws.String(d.Digest)})
		platforms = append(platforms, p)
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("ECR: the index under %s:%s lists no image for any platform", repository, tag)
	}
	children, err := r.manifests(ctx, repository, ids)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for i, c := range children {
		if c.Config == nil || c.Config.Digest == "" {
			return nil, fmt.Errorf("ECR: the %s manifest under %s:%s has no config digest", platforms[i], repository, tag)
		}
		out[platforms[i]] = c.Config.Digest
	}
	return out, nil
}

// manifest is the part of an OCI/Docker manifest or index read here
// (OCI image spec, manifest.md and image-index.md).
type manifest struct {
	MediaType string `json:"mediaType"`
	Config    *struct {
		Digest string `json:"digest"`
	} `json:"config"`
	Manifests []struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
		Platform  *struct {
			Architecture string `json:"architecture"`
			OS           string `json:"os"`
			Variant      string `json:"variant"`
		} `json:"platform"`
		Annotations map[string]string `json:"annotations"`
	} `json:"manifests"`
}

// manifests fetches and parses manifests with BatchGetImage, in the order
// of ids. Images ECR cannot return come back in failures[] (failureCode,
// failureReason), not as an error.
func (r *registry) manifests(ctx context.Context, repository string, ids []types.ImageIdentifier) ([]manifest, error) {
	out, err := r.client.BatchGetImage(ctx, &ecr.BatchGetImageInput{
		RegistryId:         aws.String(r.env.Account),
		RepositoryName:     aws.String(repository),
		ImageIds:           ids,
		AcceptedMediaTypes: acceptedManifestTypes,
	})
	if err != nil {
		return nil, r.explain(repository, "BatchGetImage", err)
	}
	if len(out.Failures) > 0 {
		var msgs []string
		for _, f := range out.Failures {
			msgs = append(msgs, fmt.Sprintf("%s: %s", f.FailureCode, aws.ToString(f.FailureReason)))
		}
		return nil, fmt.Errorf("ECR BatchGetImage on %s: %s", repository, strings.Join(msgs, "; "))
	}
	byID := map[string]types.Image{}
	for _, img := range out.Images {
		if img.ImageId != nil {
			byID[aws.ToString(img.ImageId.ImageDigest)] = img
			byID["tag:"+aws.ToString(img.ImageId.ImageTag)] = img
		}
	}
	res := make([]manifest, len(ids))
	for i, id := range ids {
		key := aws.ToString(id.ImageDigest)
		if id.ImageTag != nil {
			key = "tag:" + aws.ToString(id.ImageTag)
		}
		img, ok := byID[key]
		if !ok {
			return nil, fmt.Errorf("ECR BatchGetImage on %s returned no image for %s", repository, strings.TrimPrefix(key, "tag:"))
		}
		if err := json.Unmarshal([]byte(aws.ToString(img.ImageManifest)), &res[i]); err != nil {
			return nil, fmt.Errorf("ECR BatchGetImage on %s: the manifest of %s: %w", repository, strings.TrimPrefix(key, "tag:"), err)
		}
	}
	return res, nil
}

// loginPassword gets a registry password with GetAuthorizationToken. ECR
// API Reference, GetAuthorizationToken: authorizationData[].authorizationToken
// "is a base64 encoded string that can be decoded and used in a docker
// login command"; ECR User Guide, "Private registry authentication": it
// contains "the username AWS and an encoded password" and "is valid for 12
// hours" (https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry_auth.html).
// The AWS CLI equivalent is
// `aws ecr get-login-password --region <region> | docker login --username AWS --password-stdin <registry>`.
func (r *registry) loginPassword(ctx context.Context) (username, password string, expires time.Time, err error) {
	out, err := r.client.GetAuthorizationToken(ctx, &ecr.GetAuthorizationTokenInput{})
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("ECR GetAuthorizationToken in %s: %w", r.env.Region, err)
	}
	if len(out.AuthorizationData) == 0 || out.AuthorizationData[0].AuthorizationToken == nil {
		return "", "", time.Time{}, errors.New("ECR GetAuthorizationToken returned no authorization data")
	}
	data := out.AuthorizationData[0]
	raw, err := base64.StdEncoding.DecodeString(aws.ToString(data.AuthorizationToken))
	if err != nil {
		return "", "", time.Time{}, fmt.Errorf("ECR GetAuthorizationToken: the token is not base64: %w", err)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" || pass == "" {
		return "", "", time.Time{}, errors.New("ECR GetAuthorizationToken: the decoded token is not user:password")
	}
	if data.ExpiresAt != nil {
		expires = *data.ExpiresAt
	}
	return user, pass, expires, nil
}

// explain turns the errors a user can act on into instructions.
func (r *registry) explain(repository, op string, err error) error {
	var noRepo *types.RepositoryNotFoundException
	if errors.As(err, &noRepo) {
		return fmt.Errorf("ECR repository %s does not exist in account %s, region %s (%s: %s): deploy the registry stack first: npx cdk deploy %s",
			repository, r.env.Account, r.env.Region, op, noRepo.ErrorMessage(), r.env.StackName("edge"))
	}
	return fmt.Errorf("ECR %s on %s (account %s, region %s): %w", op, repository, r.env.Account, r.env.Region, err)
}

// sameContent compares the config digests of the build (per platform) with
// ECR's. A config digest covers the image's whole content: the
// uncompressed layer digests (rootfs.diff_ids), the run configuration and
// the history with its timestamps (OCI image spec, config.md). Unlike the
// manifest digest it does not change with layer compression or with the
// manifest media type a BuildKit version picks (BuildKit docs,
// build-repro.md, "compatibility-version").
func sameContent(built, inECR map[string]string) bool {
	if d, ok := inECR[""]; ok && len(inECR) == 1 {
		if len(built) != 1 {
			return false
		}
		for _, b := range built {
			return b == d
		}
	}
	if len(built) != len(inECR) {
		return false
	}
	for p, d := range built {
		if inECR[p] != d {
			return false
		}
	}
	return true
}

func describeDigests(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		if k == "" {
			parts = append(parts, m[k])
			continue
		}
		parts = append(parts, k+" "+m[k])
	}
	return strings.Join(parts, ", ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
