// Command distdiff shows what changed in dist/ against a git revision
// (default HEAD) in resource terms. `go tool task diff` runs it.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/shopstack/shopstack/internal/distdiff"
)

func main() {
	rev := flag.String("rev", "HEAD", "git revision to compare dist/ against")
	dir := flag.String("dist", "dist", "the dist directory in the working tree")
	strict := flag.Bool("strict", false, "exit 2 when a CloudFormation resource would be deleted or replaced")
	flag.Parse()

	oldTree, err := gitTree(*rev, *dir)
	if err == nil {
		var newTree distdiff.Tree
		if newTree, err = fsTree(*dir); err == nil {
			var changes []distdiff.Change
			if changes, err = distdiff.Compare(oldTree, newTree); err == nil {
				fmt.Printf("dist/ changes against %s:\n", *rev)
				if n := distdiff.Report(os.Stdout, changes); n > 0 && *strict {
					os.Exit(2)
				}
				return
			}
		}
	}
	fmt.Fprintln(os.Stderr, "distdiff:", err)
	os.Exit(1)
}

func gitTree(rev, dir string) (distdiff.Tree, error) {
	out, err := exec.Command("git", "ls-tree", "-r", "--name-only", rev, "--", dir).Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-tree %s: %w", rev, err)
	}
	tree := distdiff.Tree{}
	for _, f := range strings.Fields(string(out)) {
		data, err := exec.Command("git", "show", rev+":"+f).Output()
		if err != nil {
			return nil, fmt.Errorf("git show %s:%s: %w", rev, f, err)
		}
		tree[strings.TrimPrefix(f, strings.TrimSuffix(dir, "/")+"/")] = data
	}
	return tree, nil
}

func fsTree(dir string) (distdiff.Tree, error) {
	tree := distdiff.Tree{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		tree[filepath.ToSlash(rel)] = data
		return nil
	})
	return tree, err
}
