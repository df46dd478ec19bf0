package distdiff

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Terminal writes the review for a person at a terminal: a section per env
// and layer, a line per resource with its findings (dangers loud), field
// changes and tables, a summary per section and a final verdict. color adds
// ANSI colours; the caller decides (a terminal, NO_COLOR unset).
func Terminal(w io.Writer, r Review, color bool) error {
	r = sorted(r)
	p := &termPrinter{color: color}
	p.printf("dist/ changes against %s\n", orDash(r.Base))
	gs := groups(r.Resources)
	if len(gs) == 0 {
		p.printf("\nno changes\n")
		return p.flush(w)
	}
	for _, g := range gs {
		p.printf("\n%s\n", p.paint(bold+cyan, "== "+g.name()))
		for _, res := range g.Resources {
			p.resource(res)
		}
		c := count(g.Resources)
		p.printf("  -- %s: %s; %s\n", g.name(), c.actions(), p.findingCounts(c))
	}
	c := count(r.Resources)
	p.printf("\nin all: %s; %s\n", c.actions(), p.findingCounts(c))
	if c.Dangers > 0 {
		p.printf("%s\n", p.paint(bold+red, fmt.Sprintf("!!! %s: something is deleted, replaced or refused. Read every !!! line before deploying.", plural(c.Dangers, "danger"))))
	}
	return p.flush(w)
}

const (
	reset  = "\x1b[0m"
	bold   = "\x1b[1m"
	red    = "\x1b[31m"
	green  = "\x1b[32m"
	yellow = "\x1b[33m"
	cyan   = "\x1b[36m"
	dim    = "\x1b[2m"
)

type termPrinter struct {
	color bool
	b     strings.Builder
}

func (p *termPrinter) printf(format string, args ...any) { fmt.Fprintf(&p.b, format, args...) }

func (p *termPrinter) flush(w io.Writer) error {
	_, err := io.WriteString(w, p.b.String())
	return err
}

func (p *termPrinter) paint(style, s string) string {
	if !p.color {
		return s
	}
	return style + s + reset
}

func (p *termPrinter) findingCounts(c counts) string {
	s := c.findings()
	switch {
	case c.Dangers > 0:
		return p.paint(bold+red, s)
	case c.Warnings > 0:
		return p.paint(yellow, s)
	}
	return s
}

const (
	termValueWidth = 80  // runes of a one-line value
	termLineWidth  = 120 // runes of a line of a multi-line value
	termMaxLines   = 24  // lines of the diff of a multi-line value
)

func (p *termPrinter) resource(r ResourceDiff) {
	style := map[Action]string{Added: green, Removed: red}[r.Action]
	if style == "" {
		style = yellow
	}
	p.printf("  %s  %s  %s\n", p.paint(style, sign(r.Action)+" "+r.ID), r.Type, p.paint(dim, "("+r.File+")"))
	for _, f := range sortedFindings(r.Findings) {
		switch f.Severity {
		case Danger:
			p.printf("      %s\n", p.paint(bold+red, "!!! DANGER ["+f.Code+"] "+f.Message))
		case Warning:
			p.printf("      %s\n", p.paint(yellow, "! warning ["+f.Code+"] "+f.Message))
		default:
			p.printf("      %s\n", p.paint(cyan, "i ["+f.Code+"] "+f.Message))
		}
	}
	for _, fc := range r.Fields {
		p.field(fc)
	}
	for _, t := range r.Tables {
		p.table(t)
	}
}

func (p *termPrinter) field(fc FieldChange) {
	if fc.Old == "" && fc.New == "" {
		p.printf("      %s\n", fc.Path)
		return
	}
	if !strings.Contains(fc.Old, "\n") && !strings.Contains(fc.New, "\n") {
		p.printf("      %s: %s -> %s\n", fc.Path, p.paint(red, termValue(fc.Old)), p.paint(green, termValue(fc.New)))
		return
	}
	p.printf("      %s:\n", fc.Path)
	for _, l := range lineDiff(fc.Old, fc.New, 2, termMaxLines, termLineWidth) {
		style := map[byte]string{'-': red, '+': green}[l[0]]
		if style == "" {
			p.printf("        %s\n", l)
		} else {
			p.printf("        %s\n", p.paint(style, l))
		}
	}
}

func termValue(v string) string {
	if v == "" {
		return "(none)"
	}
	return shorten(v, termValueWidth)
}

func (p *termPrinter) table(t Table) {
	p.printf("      %s\n", t.Title)
	rows := append([][]string{t.Header}, t.Rows...)
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			n := utf8.RuneCountInString(termCell(cell))
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], n)
		}
	}
	line := func(row []string) {
		var b strings.Builder
		for i, cell := range row {
			cell = termCell(cell)
			b.WriteString("  ")
			b.WriteString(cell)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)))
			}
		}
		p.printf("      %s\n", strings.TrimRight(b.String(), " "))
	}
	line(t.Header)
	var sep []string
	for _, w := range widths {
		sep = append(sep, strings.Repeat("─", w))
	}
	line(sep)
	for _, row := range t.Rows {
		line(row)
	}
}

// termCell keeps a table cell on one line and reasonably narrow.
func termCell(s string) string {
	return shorten(strings.ReplaceAll(s, "\n", " "), 60)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
