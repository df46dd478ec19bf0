package distdiff

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// What the renderers share: grouping by env and layer, counting, ordering
// findings and shortening values.

// group is the resources of one env and layer, in Review order.
type group struct {
	Env, Layer string
	Resources  []ResourceDiff
}

func (g group) name() string { return g.Env + " / " + g.Layer }

// sorted returns the review with its resources in the order every renderer
// prints them (SortResources), whoever built it; r is left as it is.
func sorted(r Review) Review {
	r.Resources = slices.Clone(r.Resources)
	if r.Resources == nil {
		r.Resources = []ResourceDiff{}
	}
	SortResources(r.Resources)
	return r
}

// groups splits sorted resources into env/layer groups.
func groups(res []ResourceDiff) []group {
	var out []group
	for _, r := range res {
		if n := len(out); n == 0 || out[n-1].Env != r.Env || out[n-1].Layer != r.Layer {
			out = append(out, group{Env: r.Env, Layer: r.Layer})
		}
		out[len(out)-1].Resources = append(out[len(out)-1].Resources, r)
	}
	return out
}

// counts tallies actions and findings.
type counts struct {
	Added, Removed, Changed  int
	Dangers, Warnings, Infos int
}

func count(res []ResourceDiff) counts {
	var c counts
	for _, r := range res {
		switch r.Action {
		case Added:
			c.Added++
		case Removed:
			c.Removed++
		default:
			c.Changed++
		}
		for _, f := range r.Findings {
			switch f.Severity {
			case Danger:
				c.Dangers++
			case Warning:
				c.Warnings++
			default:
				c.Infos++
			}
		}
	}
	return c
}

func (c counts) actions() string {
	return fmt.Sprintf("%d added, %d removed, %d changed", c.Added, c.Removed, c.Changed)
}

func (c counts) findings() string {
	return plural(c.Dangers, "danger") + ", " + plural(c.Warnings, "warning")
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// sortedFindings returns the findings dangers first, then warnings, then
// infos, each kind in its original order.
func sortedFindings(fs []Finding) []Finding {
	out := slices.Clone(fs)
	slices.SortStableFunc(out, func(a, b Finding) int { return cmp.Compare(rank(a.Severity), rank(b.Severity)) })
	return out
}

func rank(s Severity) int {
	switch s {
	case Danger:
		return 0
	case Warning:
		return 1
	}
	return 2
}

func sign(a Action) string {
	switch a {
	case Added:
		return "+"
	case Removed:
		return "-"
	}
	return "~"
}

// shorten cuts s to at most max runes, keeping its head and its tail (an
// image tag, the end of an ARN) around an ellipsis.
func shorten(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	head := (max - 1) / 2
	tail := max - 1 - head
	return string(r[:head]) + "…" + string(r[len(r)-tail:])
}

// lineDiff compares two multi-line values line by line (longest common
// subsequence) and returns the changed lines prefixed "- " and "+ ", with
// up to context unchanged lines around each change ("  ") and "…" where
// unchanged lines were skipped; at most maxLines lines, each cut to width
// runes. Values longer than diffMaxLines lines are compared as a whole.
func lineDiff(oldV, newV string, context, maxLines, width int) []string {
	a := splitLines(oldV)
	b := splitLines(newV)
	type op struct {
		kind byte // ' ', '-', '+'
		line string
	}
	var ops []op
	if len(a) > diffMaxLines || len(b) > diffMaxLines {
		for _, l := range a {
			ops = append(ops, op{'-', l})
		}
		for _, l := range b {
			ops = append(ops, op{'+', l})
		}
	} else {
		// lcs[i][j]: length of the LCS of a[i:] and b[j:].
		lcs := make([][]int, len(a)+1)
		for i := range lcs {
			lcs[i] = make([]int, len(b)+1)
		}
		for i := len(a) - 1; i >= 0; i-- {
			for j := len(b) - 1; j >= 0; j-- {
				if a[i] == b[j] {
					lcs[i][j] = lcs[i+1][j+1] + 1
				} else {
					lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
				}
			}
		}
		i, j := 0, 0
		for i < len(a) || j < len(b) {
			switch {
			case i < len(a) && j < len(b) && a[i] == b[j]:
				ops = append(ops, op{' ', a[i]})
				i++
				j++
			case i < len(a) && (j == len(b) || lcs[i+1][j] >= lcs[i][j+1]):
				ops = append(ops, op{'-', a[i]})
				i++
			default:
				ops = append(ops, op{'+', b[j]})
				j++
			}
		}
	}
	// Keep the changes and their context.
	keep := make([]bool, len(ops))
	for k, o := range ops {
		if o.kind == ' ' {
			continue
		}
		for c := max(0, k-context); c <= min(len(ops)-1, k+context); c++ {
			keep[c] = true
		}
	}
	var out []string
	skipped := false
	for k, o := range ops {
		if !keep[k] {
			skipped = true
			continue
		}
		if skipped && len(out) > 0 {
			out = append(out, "…")
		}
		skipped = false
		out = append(out, string(o.kind)+" "+shorten(o.line, width))
	}
	if len(out) > maxLines {
		rest := len(out) - maxLines
		out = append(out[:maxLines], fmt.Sprintf("… (%d more lines)", rest))
	}
	return out
}

// diffMaxLines bounds the quadratic line diff.
const diffMaxLines = 2000

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}
