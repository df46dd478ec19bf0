// Command envinfo prints one environment's configuration as JSON, or a
// single value of it, for scripts (scripts/deploy.sh) and for people:
//
//	go run ./cmd/envinfo -env prod            # the whole environment
//	go run ./cmd/envinfo -env prod Region     # one top-level field
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

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
	data, _ := json.Marshal(env)
	if flag.NArg() == 0 {
		var pretty map[string]any
		_ = json.Unmarshal(data, &pretty)
		out, _ := json.MarshalIndent(pretty, "", "  ")
		fmt.Println(string(out))
		return
	}
	var fields map[string]json.RawMessage
	_ = json.Unmarshal(data, &fields)
	v, ok := fields[flag.Arg(0)]
	if !ok {
		fmt.Fprintf(os.Stderr, "envinfo: no field %q\n", flag.Arg(0))
		os.Exit(1)
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		fmt.Println(s)
		return
	}
	fmt.Println(string(v))
}
