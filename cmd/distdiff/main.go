// Command distdiff reviews what changed in dist/ against a git revision
// (default HEAD), in resource terms: per environment and layer, the
// CloudFormation resources and Kubernetes objects added, removed and
// changed, field by field, with the findings a reviewer must not miss.
// `go tool task diff` runs it; CI posts its Markdown on every pull request.
//
// Exit status: 0 when it printed the review, 1 on errors, 2 on usage
// errors, 3 with -strict when the review holds a danger (after printing it).
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"golang.org/x/term"

	"github.com/shopstack/shopstack/internal/distdiff"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const (
	exitError     = 1
	exitUsage     = 2
	exitDangerous = 3
)

func run(args []string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("distdiff", flag.ContinueOnError)
	flags.SetOutput(stderr)
	rev := flags.String("rev", "HEAD", "git revision to compare dist/ against")
	dir := flags.String("dist", "dist", "the dist directory in the working tree")
	format := flags.String("format", "terminal", "output: terminal, markdown (a pull request comment) or json")
	strict := flags.Bool("strict", false, "exit 3 when the review holds a danger (a deletion, a replacement, a change that cannot deploy)")
	if err := flags.Parse(args); err != nil {
		return exitUsage
	}
	var render func(io.Writer, distdiff.Review) error
	switch *format {
	case "terminal":
		color := colorWanted(stdout, os.Getenv)
		render = func(w io.Writer, r distdiff.Review) error { return distdiff.Terminal(w, r, color) }
	case "markdown":
		render = distdiff.Markdown
	case "json":
		render = distdiff.JSON
	default:
		fmt.Fprintf(stderr, "distdiff: -format %q: want terminal, markdown or json\n", *format)
		return exitUsage
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "distdiff: unexpected arguments %q\n", flags.Args())
		return exitUsage
	}

	review, err := diff(*rev, *dir)
	if err == nil {
		err = render(stdout, review)
	}
	if err != nil {
		fmt.Fprintln(stderr, "distdiff:", err)
		return exitError
	}
	if dangers := review.Dangerous(); *strict && len(dangers) > 0 {
		fmt.Fprintf(stderr, "distdiff: -strict: %d danger(s):\n", len(dangers))
		for _, d := range dangers {
			fmt.Fprintln(stderr, "  "+d)
		}
		return exitDangerous
	}
	return 0
}

func diff(rev, dir string) (distdiff.Review, error) {
	oldTree, err := gitTree(rev, dir)
	if err != nil {
		return distdiff.Review{}, err
	}
	newTree, err := fsTree(dir)
	if err != nil {
		return distdiff.Review{}, err
	}
	return distdiff.Diff(oldTree, newTree, rev)
}

// colorWanted: colours only for a terminal, and never when NO_COLOR is set
// (https://no-color.org).
func colorWanted(w io.Writer, getenv func(string) string) bool {
	f, ok := w.(*os.File)
	return ok && getenv("NO_COLOR") == "" && term.IsTerminal(int(f.Fd()))
}

// gitTree reads dir as committed at rev. git runs inside dir, so paths come
// out relative to it wherever the command runs from.
func gitTree(rev, dir string) (distdiff.Tree, error) {
	out, err := git(dir, "ls-tree", "-r", "-z", "--name-only", rev, "--", ".")
	if err != nil {
		return nil, err
	}
	tree := distdiff.Tree{}
	for _, f := range strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		if f == "" {
			continue
		}
		data, err := git(dir, "show", rev+":./"+f)
		if err != nil {
			return nil, err
		}
		tree[f] = data
	}
	return tree, nil
}

func git(dir string, args ...string) ([]byte, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git %s (in %s): %w: %s", strings.Join(args, " "), dir, err, strings.TrimSpace(stderr.String()))
	}
	return out, nil
}

// fsTree reads dir as it is in the working tree.
func fsTree(dir string) (distdiff.Tree, error) {
	tree := distdiff.Tree{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		tree[filepath.ToSlash(rel)] = data
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such directory (run from the repository root, or pass -dist)", dir)
	}
	return tree, err
}
