package distdiff

import (
	"fmt"
	"html"
	"io"
	"strings"
)

// MarkdownMarker opens every Markdown review, invisible once rendered, so a
// CI job can find its own earlier comment on a pull request and update it.
const MarkdownMarker = "<!-- shopstack:distdiff -->"

// MarkdownLimit is the most a Markdown review may hold: GitHub refuses a
// comment body over 65536 characters. It is counted in bytes, which is never
// less than GitHub's count, with room left for a line a CI job may add.
const MarkdownLimit = 65536 - 1024

// Markdown writes the review for a pull request comment: a heading, a
// summary table, every danger (never collapsed), then a collapsible section
// per env and layer, open when it holds a danger. A review longer than
// MarkdownLimit loses its last resources, and says so.
func Markdown(w io.Writer, r Review) error {
	_, err := io.WriteString(w, markdown(r, MarkdownLimit))
	return err
}

const (
	mdValueWidth = 300 // runes of a one-line value
	mdLineWidth  = 200 // runes of a line of a multi-line value
	mdMaxLines   = 40  // lines of the diff of a multi-line value
)

func markdown(r Review, limit int) string {
	r = sorted(r)
	var head strings.Builder
	fmt.Fprintf(&head, "%s\n## dist/ review against %s\n\n", MarkdownMarker, mdCode(orDash(r.Base)))
	gs := groups(r.Resources)
	if len(gs) == 0 {
		head.WriteString("No resource changes in dist/.\n")
		return head.String()
	}
	total := count(r.Resources)
	switch {
	case total.Dangers > 0:
		fmt.Fprintf(&head, "> [!CAUTION]\n> **%s**: something is deleted, replaced or refused. Read them before merging.\n\n", plural(total.Dangers, "danger"))
	case total.Warnings > 0:
		fmt.Fprintf(&head, "> [!WARNING]\n> **%s** to read.\n\n", plural(total.Warnings, "warning"))
	}
	head.WriteString("| env | layer | added | removed | changed | dangers | warnings |\n|---|---|--:|--:|--:|--:|--:|\n")
	for _, g := range gs {
		c := count(g.Resources)
		fmt.Fprintf(&head, "| %s | %s | %d | %d | %d | %s | %d |\n", mdEscape(g.Env), mdEscape(g.Layer), c.Added, c.Removed, c.Changed, mdDangerCount(c.Dangers), c.Warnings)
	}
	if total.Dangers > 0 {
		head.WriteString("\n### Dangers\n\n")
		for _, res := range r.Resources {
			for _, f := range res.Findings {
				if f.Severity == Danger {
					fmt.Fprintf(&head, "- :stop_sign: **%s/%s %s** (%s, %s) %s: %s\n", mdEscape(res.Env), mdEscape(res.Layer), mdCode(res.ID), mdEscape(res.Type), mdEscape(res.File), mdCode(f.Code), mdEscape(f.Message))
				}
			}
		}
	}

	// The head always goes out (cut if it alone is too long); then the
	// sections, resource by resource, while they fit.
	const note = "\n> [!NOTE]\n> This review was cut to fit a GitHub comment: %d of %d resources are not shown. `go tool task diff` (or `-format json`) shows all of them.\n"
	reserve := len(note) + 40
	out := head.String()
	if len(out) > limit-reserve {
		out = cutUTF8(out, limit-reserve) + "\n"
	}
	shown := 0
	full := false
	for _, g := range gs {
		if full {
			break
		}
		c := count(g.Resources)
		open := ""
		if c.Dangers > 0 {
			open = " open"
		}
		section := fmt.Sprintf("\n<details%s>\n<summary><b>%s</b>: %s; %s</summary>\n\n", open, html.EscapeString(g.name()), c.actions(), c.findings())
		const closing = "\n</details>\n"
		if len(out)+len(section)+len(closing) > limit-reserve {
			break
		}
		out += section
		for _, res := range g.Resources {
			block := mdResource(res)
			if len(out)+len(block)+len(closing) > limit-reserve {
				full = true
				break
			}
			out += block
			shown++
		}
		out += closing
	}
	if shown < len(r.Resources) {
		out += fmt.Sprintf(note, len(r.Resources)-shown, len(r.Resources))
	}
	return out
}

func mdDangerCount(n int) string {
	if n > 0 {
		return fmt.Sprintf("**%d** :stop_sign:", n)
	}
	return "0"
}

func mdResource(r ResourceDiff) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#### %s %s %s\n\n%s", sign(r.Action), mdCode(r.ID), mdEscape(r.Type), mdEscape(r.File))
	if r.Stack != "" {
		fmt.Fprintf(&b, " (stack %s)", mdCode(r.Stack))
	}
	b.WriteString("\n\n")
	for _, f := range sortedFindings(r.Findings) {
		icon := map[Severity]string{Danger: ":stop_sign: **danger**", Warning: ":warning: warning"}[f.Severity]
		if icon == "" {
			icon = ":information_source: info"
		}
		fmt.Fprintf(&b, "- %s %s: %s\n", icon, mdCode(f.Code), mdEscape(f.Message))
	}
	if len(r.Findings) > 0 {
		b.WriteString("\n")
	}
	var blocks []FieldChange
	if len(r.Fields) > 0 {
		b.WriteString("| field | old | new |\n|---|---|---|\n")
		for _, fc := range r.Fields {
			if strings.Contains(fc.Old, "\n") || strings.Contains(fc.New, "\n") {
				blocks = append(blocks, fc)
				fmt.Fprintf(&b, "| %s | *(%s)* | *(%s, diff below)* |\n", mdCodeCell(fc.Path), plural(len(splitLines(fc.Old)), "line"), plural(len(splitLines(fc.New)), "line"))
				continue
			}
			fmt.Fprintf(&b, "| %s | %s | %s |\n", mdCodeCell(fc.Path), mdValue(fc.Old), mdValue(fc.New))
		}
		b.WriteString("\n")
	}
	for _, fc := range blocks {
		lines := lineDiff(fc.Old, fc.New, 2, mdMaxLines, mdLineWidth)
		fence := codeFence(strings.Join(lines, "\n"))
		fmt.Fprintf(&b, "%s\n\n%sdiff\n%s\n%s\n\n", mdCode(fc.Path), fence, strings.Join(lines, "\n"), fence)
	}
	for _, t := range r.Tables {
		fmt.Fprintf(&b, "**%s**\n\n", mdEscape(t.Title))
		b.WriteString(mdRow(t.Header))
		b.WriteString("|" + strings.Repeat("---|", len(t.Header)) + "\n")
		for _, row := range t.Rows {
			b.WriteString(mdRow(row))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func mdRow(cells []string) string {
	var b strings.Builder
	b.WriteString("|")
	for _, c := range cells {
		b.WriteString(" " + mdCell(c) + " |")
	}
	return b.String() + "\n"
}

// mdValue renders a one-line field value for a table cell.
func mdValue(v string) string {
	if v == "" {
		return "*(none)*"
	}
	return mdEscape(shorten(v, mdValueWidth))
}

// codeFence returns a backtick fence longer than any run of backticks that
// starts a line of s.
func codeFence(s string) string {
	n := 3
	for _, l := range strings.Split(s, "\n") {
		l = strings.TrimLeft(l, " ")
		if k := len(l) - len(strings.TrimLeft(l, "`")); k >= n {
			n = k + 1
		}
	}
	return strings.Repeat("`", n)
}

// mdCell keeps a multi-line text inside one table cell.
func mdCell(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		trimmed := strings.TrimLeft(l, " ")
		lines[i] = strings.Repeat("&nbsp;", len(l)-len(trimmed)) + mdEscape(trimmed)
	}
	return strings.Join(lines, "<br>")
}

// mdEscape makes text literal in Markdown (and in a table cell): every
// character Markdown or HTML could read as syntax is escaped.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '|', '~', '#', '!':
			b.WriteRune('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\n':
			b.WriteString(" ")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCodeCell is mdCode inside a table, where a | ends the cell even in code
// unless escaped (GitHub then shows it unescaped).
func mdCodeCell(s string) string {
	return mdCode(strings.ReplaceAll(s, "|", `\|`))
}

// mdCode writes s as inline code, with a fence longer than any run of
// backticks inside it.
func mdCode(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	pad := ""
	if longest > 0 {
		pad = " "
	}
	return fence + pad + strings.ReplaceAll(s, "\n", " ") + pad + fence
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
