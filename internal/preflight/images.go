package preflight

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"

	"github.com/shopstack/shopstack/cdk/infra"
)

// checkImages: the backend and frontend images the manifests name
// (Environment.BackendImage, FrontendImage: the environment's registry,
// Images.*Repository, Images.Tag) are in ECR.
//
// ECR DescribeImages with imageIds [{imageTag}] answers imageDetails, or
// ImageNotFoundException / RepositoryNotFoundException
// (https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html).
func (c *Checker) checkImages(ctx context.Context) []Result {
	e := c.Env
	var out []Result
	for _, img := range []struct{ name, repo, field string }{
		{e.Names.Backend, e.Images.BackendRepository, "Images.BackendRepository"},
		{e.Names.Frontend, e.Images.FrontendRepository, "Images.FrontendRepository"},
	} {
		check := "image " + img.name
		ref := e.Registry() + "/" + img.repo + ":" + e.Images.Tag
		push := fmt.Sprintf("`go tool task images ENV=%s` (builds and pushes Images.Tag %q)", e.Name, e.Images.Tag)
		res, err := c.AWS.ECR.DescribeImages(ctx, &ecr.DescribeImagesInput{
			RegistryId:     aws.String(e.Account),
			RepositoryName: aws.String(img.repo),
			ImageIds:       []ecrtypes.ImageIdentifier{{ImageTag: aws.String(e.Images.Tag)}},
		})
		switch {
		case errorCode(err) == "RepositoryNotFoundException":
			out = append(out, fail(check, fmt.Sprintf("no repository %s in %s/%s", img.repo, e.Account, e.Region),
				fmt.Sprintf("deploy the edge stack first (`npx cdk deploy %s`), then %s", e.StackName(infra.EdgeStack), push)))
		case errorCode(err) == "ImageNotFoundException" || (err == nil && len(res.ImageDetails) == 0):
			out = append(out, fail(check, fmt.Sprintf("%s is not pushed", ref), push+", or set Images.Tag in platform/defaults.go to a pushed tag"))
		case err != nil:
			out = append(out, c.callFailed(check, "ecr:DescribeImages", err))
		default:
			d := res.ImageDetails[0]
			pushed := ""
			if d.ImagePushedAt != nil {
				pushed = ", pushed " + d.ImagePushedAt.UTC().Format(time.RFC3339)
			}
			out = append(out, pass(check, "%s (%s%s)", ref, aws.ToString(d.ImageDigest), pushed))
		}
	}
	return out
}
