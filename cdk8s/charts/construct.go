package charts

import (
	"fmt"

	"github.com/aws/constructs-go/constructs/v10"
)

// The constructs of this package follow cdk8s-plus and the AWS CDK design
// guidelines: NewThing(scope, id, props *ThingProps); props are flat and
// typed (names, namespace, image, resources, ...: never a whole
// platform.Environment, which only Build maps into props); required fields
// are checked and defaults resolved before anything is added; callers read
// what a construct exposes through methods, never its props. Every panic
// (nil props, an invalid field) starts with the path of the construct being
// added, so that a failed synthesis says where to look.

// constructPath is the path the construct id gets under scope.
func constructPath(scope constructs.Construct, id string) string {
	if p := *scope.Node().Path(); p != "" {
		return p + "/" + id
	}
	return id
}

// failAt panics with err, prefixed by the path of the construct id under
// scope.
func failAt(scope constructs.Construct, id string, err error) {
	panic(fmt.Errorf("%s: %w", constructPath(scope, id), err))
}

// propsOf returns a copy of *props (which the constructor may then resolve
// defaults into without touching the caller's value); nil props panic with
// the construct path and the props type.
func propsOf[T any](scope constructs.Construct, id string, props *T) T {
	if props == nil {
		failAt(scope, id, fmt.Errorf("%T is required, got nil", props))
	}
	return *props
}

// field is one required field of a props type: its name and whether the
// props lack it.
type field struct {
	name    string
	missing bool
}

// required names the first missing field of fields, a field of the props
// type called props: "BackendProps.Image is required".
func required(props string, fields ...field) error {
	for _, f := range fields {
		if f.missing {
			return fmt.Errorf("%s.%s is required", props, f.name)
		}
	}
	return nil
}

// defaultTo sets *field to def when it holds its zero value (the caller
// left it out): how every constructor resolves a "Default:" of its props.
func defaultTo[T comparable](field *T, def T) {
	var zero T
	if *field == zero {
		*field = def
	}
}
