// Command deployplan answers the questions scripts/deploy.sh asks about
// what it is about to deploy (internal/deploy does the work):
//
//	deployplan stacks -assembly cdk.out -dist dist/prod/cloudformation
//	    the stacks in deploy order, one "<phase> <stack> <template>" line
//	    each; phase is "registry" (holds the ECR repositories, deploys
//	    before the images are pushed) or "rest"
//	deployplan changeset -changes cs.json -template t.json [-deployed d.json]
//	    prints a change set for a person and says whether it is destructive
//	deployplan kinds FILE...
//	    one "<apiVersion> <discovery path> <kind>,<kind>" line per apiVersion
//	deployplan missing -kinds NodePool,... < APIResourceList
//	    the kinds the API server does not serve yet
//	deployplan namespaces FILE...
//	    the Namespace documents of the files, as one YAML stream
//	deployplan objects -kinds Job,Deployment FILE...
//	    one "<namespace> <kind>/<name>" line per object of those kinds
//
// Exit codes: 0 yes/ok; 1 an error (message on stderr); 2 usage; changeset:
// 3 destructive (needs confirmation), 4 empty (nothing to execute);
// missing: 3 some kinds are not served.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/shopstack/shopstack/internal/deploy"
)

const (
	exitError       = 1
	exitUsage       = 2
	exitDestructive = 3
	exitEmpty       = 4
	exitMissing     = 3
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	cmd, args := os.Args[1], os.Args[2:]
	fs := flag.NewFlagSet("deployplan "+cmd, flag.ExitOnError)
	var err error
	code := 0
	switch cmd {
	case "stacks":
		assembly := fs.String("assembly", "", "cloud assembly directory (cdk synth --output)")
		dist := fs.String("dist", "", "dist/<env>/cloudformation")
		_ = fs.Parse(args)
		if *assembly == "" || *dist == "" {
			usage()
		}
		var stacks []deploy.Stack
		stacks, err = deploy.PlanStacks(*assembly, *dist)
		for _, s := range stacks {
			phase := "rest"
			if s.Registry {
				phase = "registry"
			}
			fmt.Println(phase, s.Name, s.Template)
		}
	case "changeset":
		changes := fs.String("changes", "", "describe-change-set --output json")
		template := fs.String("template", "", "the proposed template (dist/)")
		deployed := fs.String("deployed", "", "get-template --output json of the deployed stack (omit for a new stack)")
		_ = fs.Parse(args)
		if *changes == "" || *template == "" {
			usage()
		}
		code, err = reviewChangeSet(os.Stdout, *changes, *template, *deployed)
	case "kinds":
		_ = fs.Parse(args)
		var objects []deploy.Object
		objects, err = deploy.ReadManifests(fs.Args()...)
		kinds := deploy.Kinds(objects)
		versions := make([]string, 0, len(kinds))
		for v := range kinds {
			versions = append(versions, v)
		}
		sort.Strings(versions)
		for _, v := range versions {
			fmt.Println(v, deploy.DiscoveryPath(v), strings.Join(kinds[v], ","))
		}
	case "missing":
		kinds := fs.String("kinds", "", "comma-separated kinds")
		_ = fs.Parse(args)
		var data []byte
		if data, err = io.ReadAll(os.Stdin); err == nil {
			var missing []string
			missing, err = deploy.MissingKinds(data, strings.Split(*kinds, ","))
			if len(missing) > 0 {
				fmt.Println(strings.Join(missing, " "))
				code = exitMissing
			}
		}
	case "namespaces":
		_ = fs.Parse(args)
		var objects []deploy.Object
		if objects, err = deploy.ReadManifests(fs.Args()...); err == nil {
			err = deploy.WriteDocuments(os.Stdout, deploy.Select(objects, "Namespace"))
		}
	case "objects":
		kinds := fs.String("kinds", "", "comma-separated kinds")
		_ = fs.Parse(args)
		var objects []deploy.Object
		objects, err = deploy.ReadManifests(fs.Args()...)
		for _, o := range deploy.Select(objects, strings.Split(*kinds, ",")...) {
			ns := o.Namespace
			if ns == "" {
				ns = "-"
			}
			fmt.Printf("%s %s/%s\n", ns, strings.ToLower(o.Kind), o.Name)
		}
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "deployplan "+cmd+":", err)
		os.Exit(exitError)
	}
	os.Exit(code)
}

func reviewChangeSet(w io.Writer, changesFile, templateFile, deployedFile string) (int, error) {
	data, err := os.ReadFile(changesFile)
	if err != nil {
		return exitError, err
	}
	cs, err := deploy.ParseChangeSet(data)
	if err != nil {
		return exitError, err
	}
	data, err = os.ReadFile(templateFile)
	if err != nil {
		return exitError, err
	}
	proposed, err := deploy.ParseTemplate(data)
	if err != nil {
		return exitError, fmt.Errorf("%s: %w", templateFile, err)
	}
	var deployed *deploy.Template
	if deployedFile != "" {
		data, err := os.ReadFile(deployedFile)
		if err != nil {
			return exitError, err
		}
		t, err := deploy.ParseDeployedTemplate(data)
		if err != nil {
			return exitError, fmt.Errorf("%s: %w", deployedFile, err)
		}
		deployed = &t
	}
	r, err := deploy.ReviewChangeSet(cs, deployed, &proposed)
	if err != nil {
		return exitError, err
	}
	r.Print(w)
	switch {
	case r.Empty:
		return exitEmpty, nil
	case len(r.Destructive) > 0:
		return exitDestructive, nil
	}
	return 0, nil
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: deployplan stacks|changeset|kinds|missing|namespaces|objects ... (see go doc ./cmd/deployplan)")
	os.Exit(exitUsage)
}
