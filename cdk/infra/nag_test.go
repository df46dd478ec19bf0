package infra_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/jsii-runtime-go"
)

// Every stack of every environment passes cdk-nag's AwsSolutions pack: each
// finding is either fixed or suppressed with its reason (nag.go).
func TestAwsSolutionsChecks(t *testing.T) {
	for _, env := range environments(t) {
		t.Run(env.Name, func(t *testing.T) {
			b := build(t, env)
			for _, st := range b.stacks.All() {
				if errs := nagErrors(st); len(errs) > 0 {
					t.Errorf("%s: %d unsuppressed cdk-nag errors:\n  %s", *st.StackName(), len(errs), strings.Join(errs, "\n  "))
				}
			}
		})
	}
}

// The optional database parts (read replica, RDS Proxy) pass too.
func TestAwsSolutionsChecksWithOptions(t *testing.T) {
	for _, env := range environments(t) {
		env.Database.ReadReplica = true
		env.Database.RDSProxy = true
		t.Run(env.Name, func(t *testing.T) {
			b := build(t, env)
			for _, st := range b.stacks.All() {
				if errs := nagErrors(st); len(errs) > 0 {
					t.Errorf("%s: %d unsuppressed cdk-nag errors:\n  %s", *st.StackName(), len(errs), strings.Join(errs, "\n  "))
				}
			}
		})
	}
}

// No stack carries a warning either (cdk-nag's or the CDK's own): `npx cdk
// synth` prints none, so a new one stands out.
func TestNoWarnings(t *testing.T) {
	for _, env := range environments(t) {
		for _, options := range []bool{false, true} {
			env.Database.ReadReplica, env.Database.RDSProxy = options, options
			t.Run(fmt.Sprintf("%s/options=%v", env.Name, options), func(t *testing.T) {
				b := build(t, env)
				for _, st := range b.stacks.All() {
					msgs := assertions.Annotations_FromStack(st).FindWarning(jsii.String("*"), assertions.Match_AnyValue())
					for _, m := range *msgs {
						t.Errorf("%s: warning at %s: %v", *st.StackName(), *m.Id, m.Entry.Data)
					}
				}
			})
		}
	}
}
