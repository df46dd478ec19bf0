package infra_test

import (
	"strings"
	"testing"
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
