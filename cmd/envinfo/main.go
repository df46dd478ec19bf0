// Command envinfo prints one environment's configuration as JSON, or a
// single value of it, for scripts (scripts/deploy.sh) and for people:
//
//	go run ./cmd/envinfo -env prod                          # the whole environment
//	go run ./cmd/envinfo -env prod Region                   # one top-level field
//	go run ./cmd/envinfo -env prod Cluster.Name             # a nested field
//	go run ./cmd/envinfo -env prod Cluster.AdminRoleARNs.0  # an element of a list
//
// A string prints bare; anything else prints as compact JSON.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/shopstack/shopstack/platform"
)

func main() {
	name := flag.String("env", platform.EnvDev, "environment name")
	flag.Parse()
	env, err := platform.For(*name)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if flag.NArg() == 0 {
		data, _ := json.Marshal(env)
		var pretty map[string]any
		_ = json.Unmarshal(data, &pretty)
		out, _ := json.MarshalIndent(pretty, "", "  ")
		fmt.Println(string(out))
		return
	}
	out, err := lookup(env, flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "envinfo:", err)
		os.Exit(1)
	}
	fmt.Println(out)
}

// lookup returns the value at a dotted path ("Cluster.AdminRoleARNs.0") of
// env's JSON form: a string bare, anything else as compact JSON.
func lookup(env platform.Environment, path string) (string, error) {
	data, err := json.Marshal(env)
	if err != nil {
		return "", err
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return "", err
	}
	for i, part := range strings.Split(path, ".") {
		at := strings.Join(strings.Split(path, ".")[:i+1], ".")
		switch node := v.(type) {
		case map[string]any:
			next, ok := node[part]
			if !ok {
				return "", fmt.Errorf("no field %q", at)
			}
			v = next
		case []any:
			n, err := strconv.Atoi(part)
			if err != nil || n < 0 || n >= len(node) {
				return "", fmt.Errorf("no element %q (the list has %d)", at, len(node))
			}
			v = node[n]
		default:
			return "", fmt.Errorf("no field %q: %s is a plain value", at, strings.Join(strings.Split(path, ".")[:i], "."))
		}
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	out, err := json.Marshal(v)
	return string(out), err
}
