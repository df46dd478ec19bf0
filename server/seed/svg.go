package seed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/shopstack/shopstack/server/domain"
)

// SVG renders a deterministic 600x600 picture of a product: a soft
// gradient in colours derived from the SKU, a motif chosen by category, the
// product name and its price. The same product always gives the same bytes.
// It has the signature of httpapi.ImageFunc.
func SVG(p *domain.Product) []byte {
	h := fnv.New32a()
	h.Write([]byte(p.SKU))
	sum := h.Sum32()
	hue := int(sum % 360)
	hue2 := (hue + 30 + int(sum>>9%60)) % 360

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600" role="img" aria-label="%s">`, esc(p.Name))
	fmt.Fprintf(&b, `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">`+
		`<stop offset="0" stop-color="hsl(%d,55%%,88%%)"/><stop offset="1" stop-color="hsl(%d,50%%,72%%)"/></linearGradient></defs>`, hue, hue2)
	b.WriteString(`<rect width="600" height="600" fill="url(#bg)"/>`)
	// Soft background circles, placed by the hash.
	for i := 0; i < 3; i++ {
		x := 80 + int(sum>>(i*5))%440
		y := 60 + int(sum>>(i*7+3))%300
		r := 40 + int(sum>>(i*3+1))%90
		fmt.Fprintf(&b, `<circle cx="%d" cy="%d" r="%d" fill="hsl(%d,60%%,96%%)" opacity="0.35"/>`, x, y, r, hue2)
	}
	fmt.Fprintf(&b, `<g fill="hsl(%d,45%%,35%%)" stroke="hsl(%d,45%%,25%%)" stroke-width="6" stroke-linejoin="round">%s</g>`,
		hue, hue, motif(p.Category.Slug))
	lines := wrap(p.Name, 24, 2)
	for i, l := range lines {
		fmt.Fprintf(&b, `<text x="300" y="%d" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="34" font-weight="700" fill="hsl(%d,40%%,18%%)">%s</text>`,
			440+i*42, hue, esc(l))
	}
	if p.Price.Currency != "" {
		fmt.Fprintf(&b, `<text x="300" y="%d" text-anchor="middle" font-family="Helvetica, Arial, sans-serif" font-size="26" fill="hsl(%d,35%%,28%%)">%s</text>`,
			440+len(lines)*42+8, hue, esc(formatMoney(p.Price)))
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

// motif draws a simple shape for the category around (300, 230).
func motif(category string) string {
	switch category {
	case "apparel": // a t-shirt
		return `<path d="M230 130 L190 150 L150 210 L195 235 L215 205 L215 340 L385 340 L385 205 L405 235 L450 210 L410 150 L370 130 Q300 175 230 130 Z"/>`
	case "footwear": // a shoe
		return `<path d="M160 300 L160 220 Q200 215 230 180 L290 250 Q360 260 430 280 Q460 290 455 320 L160 320 Z"/>`
	case "home-kitchen": // a mug
		return `<path d="M200 170 L360 170 L350 330 L210 330 Z"/><path d="M360 200 Q430 210 420 260 Q410 300 355 295" fill="none"/>`
	case "electronics": // headphones
		return `<path d="M190 280 Q190 140 300 140 Q410 140 410 280" fill="none" stroke-width="18"/><rect x="165" y="250" width="60" height="90" rx="20"/><rect x="375" y="250" width="60" height="90" rx="20"/>`
	case "outdoors": // a tent under a sun
		return `<circle cx="420" cy="150" r="34"/><path d="M160 330 L300 150 L440 330 Z"/><path d="M300 150 L300 330" fill="none"/>`
	case "books": // a closed book
		return `<rect x="215" y="140" width="170" height="210" rx="10"/><path d="M240 140 L240 350" fill="none"/>`
	case "beauty": // a bottle
		return `<rect x="265" y="130" width="70" height="40" rx="8"/><rect x="230" y="170" width="140" height="180" rx="28"/>`
	case "toys-games": // stacked blocks
		return `<rect x="200" y="250" width="90" height="90" rx="8"/><rect x="310" y="250" width="90" height="90" rx="8"/><rect x="255" y="150" width="90" height="90" rx="8"/>`
	}
	return `<circle cx="300" cy="240" r="100"/>`
}

func wrap(s string, width, maxLines int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(s) {
		switch {
		case cur == "":
			cur = w
		case len(cur)+1+len(w) <= width:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] = strings.TrimRight(lines[maxLines-1], ",") + "…"
	}
	return lines
}

func formatMoney(m domain.Money) string {
	sym := m.Currency + " "
	if m.Currency == "USD" {
		sym = "$"
	}
	return fmt.Sprintf("%s%d.%02d", sym, m.Amount/100, m.Amount%100)
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) //nolint:errcheck // strings.Builder never fails
	return b.String()
}
