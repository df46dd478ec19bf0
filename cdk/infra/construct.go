package infra

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
)

// Every construct of this package follows one convention, after aws-cdk's
// DESIGN_GUIDELINES and aws-rds' DatabaseInstance: NewThing(scope, id,
// props *ThingProps); the props are flat and typed (never a whole
// platform.Environment: infra.go's Build maps the environment to each
// construct's props, once); every optional field documents its default;
// NewThing resolves the defaults and validates before it creates anything,
// and every panic starts with the construct's node path, so a failed
// synthesis names the construct that refused its props.

// constructProps are the props of a construct: withDefaults fills the
// documented defaults, validate reports the first invalid field (its name,
// the value received and what is allowed).
type constructProps[P any] interface {
	withDefaults() P
	validate() error
}

// resolveProps returns the props of the construct scope/id with their
// defaults, or panics with "<path>: props are required" (nil props) or
// "<path>: <the invalid field>".
func resolveProps[P constructProps[P]](scope constructs.Construct, id string, props *P) P {
	path := constructPath(scope, id)
	if props == nil {
		panic(fmt.Errorf("%s: props are required", path))
	}
	p := (*props).withDefaults()
	if err := p.validate(); err != nil {
		panic(fmt.Errorf("%s: %w", path, err))
	}
	return p
}

// constructPath is the node path the construct scope/id gets
// (scope.Node().Path() + "/" + id; a stack's path is its id).
func constructPath(scope constructs.IConstruct, id string) string {
	if scope == nil {
		return id
	}
	if p := *scope.Node().Path(); p != "" {
		return p + "/" + id
	}
	return id
}
