package monitoring

import (
	"fmt"
	"strings"

	"github.com/aws/constructs-go/constructs/v10"
)

// Props checks shared by the constructs: resolve, then validate early,
// with every problem at once and the construct path in the message.

// newComponent adds the construct of a component under scope, or panics,
// naming the construct path, when props is nil.
func newComponent[P any](scope constructs.Construct, id string, props *P) constructs.Construct {
	if props == nil {
		panic(fmt.Sprintf("%s: %T is nil", constructPath(scope, id), props))
	}
	return constructs.NewConstruct(scope, str(id))
}

// check panics, naming the construct path and the props type, with every
// problem found in props at once.
func check(c constructs.Construct, propsType string, problems []string) {
	if len(problems) > 0 {
		panic(fmt.Sprintf("%s: %s: %s", *c.Node().Path(), propsType, strings.Join(problems, "; ")))
	}
}

// required is the problem of a required field left empty, or nothing.
func required(field, value string) []string {
	if value == "" {
		return []string{field + " is required"}
	}
	return nil
}

// positive is the problem of a field that must be above zero, or nothing.
func positive(field string, value int) []string {
	if value <= 0 {
		return []string{fmt.Sprintf("%s = %d: want > 0", field, value)}
	}
	return nil
}

// nonEmpty is the problem of a required file left empty, or nothing.
func nonEmpty(field string, value []byte) []string {
	if len(value) == 0 {
		return []string{field + " is required"}
	}
	return nil
}

// constructPath is the path the construct id under scope will have.
func constructPath(scope constructs.Construct, id string) string {
	if p := *scope.Node().Path(); p != "" {
		return p + "/" + id
	}
	return id
}

// concat joins the problems of several checks.
func concat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}
