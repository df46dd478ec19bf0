package seed_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/seed"
)

func TestCatalogShape(t *testing.T) {
	cats, products := seed.Catalog()
	if len(cats) < 6 || len(products) < 60 {
		t.Fatalf("%d categories, %d products; want at least 6 and 60", len(cats), len(products))
	}
	catSlugs := map[string]bool{}
	for _, c := range cats {
		catSlugs[c.Slug] = true
	}
	skus, slugs, perCat := map[string]bool{}, map[string]bool{}, map[string]int{}
	for _, p := range products {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.SKU, err)
		}
		if skus[p.SKU] || slugs[*p.Slug] {
			t.Errorf("duplicate sku or slug %s %s", p.SKU, *p.Slug)
		}
		skus[p.SKU], slugs[*p.Slug] = true, true
		if !catSlugs[p.CategorySlug] {
			t.Errorf("%s: unknown category %s", p.SKU, p.CategorySlug)
		}
		perCat[p.CategorySlug]++
		if len(p.Images) != 1 || p.Images[0] != "/api/v1/images/"+p.SKU+".svg" {
			t.Errorf("%s: images %v", p.SKU, p.Images)
		}
		if p.Price <= 0 || p.Description == "" || len(p.Attributes) == 0 {
			t.Errorf("%s: price %d, description %q, attributes %v", p.SKU, p.Price, p.Description, p.Attributes)
		}
	}
	for _, c := range cats {
		if perCat[c.Slug] == 0 {
			t.Errorf("category %s has no products", c.Slug)
		}
	}
}

func TestCatalogDeterministic(t *testing.T) {
	_, a := seed.Catalog()
	_, b := seed.Catalog()
	for i := range a {
		if a[i].SKU != b[i].SKU || a[i].Name != b[i].Name || a[i].Price != b[i].Price || a[i].Stock != b[i].Stock {
			t.Fatalf("product %d differs between runs: %+v vs %+v", i, a[i], b[i])
		}
	}
}

func TestSVG(t *testing.T) {
	p := &domain.Product{SKU: "APP-001", Name: `Linen <Shirt> & "Friends", Navy Blue Edition`, Price: domain.NewMoney(5999, "USD"),
		Category: domain.CategoryRef{Slug: "apparel"}}
	a, b := seed.SVG(p), seed.SVG(p)
	if !bytes.Equal(a, b) {
		t.Fatal("SVG is not deterministic")
	}
	checkPicture(t, p.Name, a)
	if !bytes.HasPrefix(a, []byte("<svg ")) {
		t.Fatalf("SVG misses the root: %s", a)
	}
	if bytes.Contains(a, []byte("59.99")) {
		t.Errorf("the price is baked into the picture: %s", a)
	}
}

// svgDoc is what a picture is made of: its elements and the product
// group's fill (the colour the product is drawn in).
type svgDoc struct {
	elements []string
	fill     string
}

// checkPicture parses an SVG strictly and fails on anything that is not a
// text-free picture.
func checkPicture(t *testing.T, what string, svg []byte) svgDoc {
	t.Helper()
	var doc svgDoc
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("%s: SVG is not well-formed XML: %v\n%s", what, err, svg)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			doc.elements = append(doc.elements, el.Name.Local)
			switch el.Name.Local {
			case "text", "tspan", "textPath", "foreignObject":
				t.Errorf("%s: the picture has a <%s> element: no text belongs in it (the client's alt text names the product)", what, el.Name.Local)
			}
			for _, a := range el.Attr {
				if el.Name.Local == "g" && a.Name.Local == "class" && a.Value == "product" {
					for _, f := range el.Attr {
						if f.Name.Local == "fill" {
							doc.fill = f.Value
						}
					}
				}
			}
		case xml.CharData:
			if depth > 0 && strings.TrimSpace(string(el)) != "" {
				t.Errorf("%s: character data %q in the picture", what, el)
			}
		case xml.EndElement:
			depth--
		}
	}
	if len(doc.elements) == 0 || doc.elements[0] != "svg" {
		t.Fatalf("%s: root %v, want svg", what, doc.elements)
	}
	if doc.fill == "" {
		t.Fatalf("%s: no <g class=\"product\" fill=...>: %s", what, svg)
	}
	return doc
}

// hsl of "#rrggbb": hue in degrees, saturation and lightness 0-1.
func hsl(t *testing.T, c string) (h, s, l float64) {
	t.Helper()
	var r8, g8, b8 uint8
	if _, err := fmt.Sscanf(c, "#%02x%02x%02x", &r8, &g8, &b8); err != nil {
		t.Fatalf("colour %q: %v", c, err)
	}
	r, g, b := float64(r8)/255, float64(g8)/255, float64(b8)/255
	mx, mn := math.Max(r, math.Max(g, b)), math.Min(r, math.Min(g, b))
	l = (mx + mn) / 2
	if mx == mn {
		return 0, 0, l
	}
	dl := mx - mn
	if l > 0.5 {
		s = dl / (2 - mx - mn)
	} else {
		s = dl / (mx + mn)
	}
	switch mx {
	case r:
		h = math.Mod((g-b)/dl+6, 6)
	case g:
		h = (b-r)/dl + 2
	default:
		h = (r-g)/dl + 4
	}
	return h * 60, s, l
}

// looks says what a colour word must look like, in HSL: a hue window
// (degrees, lo > hi wraps past 360; lo = hi = -1: any hue), saturation and
// lightness bounds. Written from what the words mean, not from the code's
// table.
type looks struct {
	hueLo, hueHi float64
	satMin       float64
	satMax       float64
	lightLo      float64
	lightHi      float64
}

var colourLooks = map[string]looks{
	"red":        {345, 10, 0.5, 1, 0.3, 0.6},
	"blue":       {205, 235, 0.5, 1, 0.3, 0.6},
	"yellow":     {40, 60, 0.6, 1, 0.45, 0.75},
	"green":      {100, 150, 0.35, 1, 0.25, 0.55},
	"orange":     {20, 35, 0.6, 1, 0.4, 0.65},
	"navy":       {210, 240, 0.3, 1, 0.1, 0.3},
	"midnight":   {210, 240, 0.3, 1, 0.05, 0.25},
	"black":      {-1, -1, 0, 0.2, 0, 0.15},
	"white":      {-1, -1, 0, 0.3, 0.92, 1},
	"charcoal":   {-1, -1, 0, 0.15, 0.15, 0.3},
	"graphite":   {-1, -1, 0, 0.15, 0.2, 0.35},
	"silver":     {-1, -1, 0, 0.15, 0.7, 0.85},
	"slate":      {190, 220, 0.05, 0.3, 0.3, 0.5},
	"stone":      {30, 60, 0, 0.15, 0.55, 0.7},
	"tan":        {25, 40, 0.3, 0.6, 0.55, 0.7},
	"brown":      {15, 35, 0.3, 0.7, 0.2, 0.35},
	"sand":       {35, 50, 0.35, 0.65, 0.65, 0.8},
	"oat":        {35, 50, 0.3, 0.6, 0.7, 0.85},
	"cream":      {35, 55, 0.5, 0.9, 0.8, 0.93},
	"natural":    {30, 45, 0.4, 0.7, 0.6, 0.75},
	"rust":       {10, 25, 0.5, 0.75, 0.35, 0.5},
	"terracotta": {10, 25, 0.45, 0.7, 0.45, 0.6},
	"coral":      {5, 15, 0.8, 1, 0.6, 0.75},
	"sage":       {80, 110, 0.1, 0.3, 0.55, 0.7},
	"olive":      {60, 75, 0.3, 0.5, 0.25, 0.4},
	"moss":       {70, 85, 0.3, 0.5, 0.25, 0.45},
	"forest":     {120, 150, 0.25, 0.5, 0.2, 0.35},
	"sky":        {195, 215, 0.6, 0.9, 0.6, 0.75},
}

func (w looks) match(h, s, l float64) bool {
	hueOK := w.hueLo < 0 || (w.hueLo <= w.hueHi && h >= w.hueLo && h <= w.hueHi) || (w.hueLo > w.hueHi && (h >= w.hueLo || h <= w.hueHi))
	return hueOK && s >= w.satMin && s <= w.satMax && l >= w.lightLo && l <= w.lightHi
}

// colourWord is the last word of name that colourLooks knows, "" if none.
func colourWord(name string) string {
	found := ""
	for _, w := range strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return r == ' ' || r == ',' }) {
		if _, ok := colourLooks[w]; ok {
			found = w
		}
	}
	return found
}

// TestSeedPictures: every product of the demo catalogue gets a valid,
// text-free picture of its own type, drawn in the colour its name states
// (a neutral tone when it states none), and products of different types
// never share a drawing.
func TestSeedPictures(t *testing.T) {
	_, products := seed.Catalog()
	kindOf := map[string]string{}  // base name -> picture kind
	baseOf := map[string]string{}  // picture kind -> base name
	drawing := map[string]string{} // drawing bytes in one colour -> base name
	for _, pc := range products {
		p := &domain.Product{SKU: pc.SKU, Name: pc.Name, Category: domain.CategoryRef{Slug: pc.CategorySlug}, Price: domain.NewMoney(pc.Price, "USD")}
		svg := seed.SVG(p)
		doc := checkPicture(t, pc.Name, svg)
		if bytes.Contains(svg, []byte(fmt.Sprintf("%d.%02d", pc.Price/100, pc.Price%100))) {
			t.Errorf("%s: the price is baked into the picture", pc.Name)
		}

		word := colourWord(pc.Name)
		h, s, l := hsl(t, doc.fill)
		switch {
		case word != "":
			if !colourLooks[word].match(h, s, l) {
				t.Errorf("%s: drawn in %s (hue %.0f, saturation %.2f, lightness %.2f), which does not look %s", pc.Name, doc.fill, h, s, l, word)
			}
		case !slices.Contains(seed.NeutralPalette, doc.fill) || s > 0.25:
			t.Errorf("%s states no colour but is drawn in %s (saturation %.2f), not a neutral tone", pc.Name, doc.fill, s)
		}

		base, _, _ := strings.Cut(pc.Name, ", ")
		kind := seed.Picture(pc.Name, pc.CategorySlug)
		if kind == "generic" || strings.HasPrefix(kind, "category:") {
			t.Errorf("%s: picture %q; want a drawing of what it is", pc.Name, kind)
		}
		if other, ok := baseOf[kind]; ok && other != base {
			t.Errorf("%s and %s share the picture %q", base, other, kind)
		}
		baseOf[kind], kindOf[base] = kind, base
		same := string(seed.SVG(&domain.Product{SKU: "X", Name: base + ", Red", Category: p.Category}))
		if other, ok := drawing[same]; ok && other != base {
			t.Errorf("%s and %s render the same drawing", base, other)
		}
		drawing[same] = base
	}
	if len(kindOf) != len(products) {
		t.Errorf("%d product types for %d products", len(kindOf), len(products))
	}
}

// The kind comes from the words of the name, the most specific first; the
// colour from its last colour word wherever it stands.
func TestPictureOfName(t *testing.T) {
	for _, c := range []struct{ name, category, kind, colour string }{
		{"Cast Iron Skillet, Slate", "home-kitchen", "skillet", "slate"},
		{"Hiking Boot, Black", "footwear", "hiking-boot", "black"},
		{"Chelsea Boot, Brown", "footwear", "chelsea-boot", "brown"},
		{"Board Game, Blue", "toys-games", "board-game", "blue"},
		{"Bamboo Cutting Board, Forest", "home-kitchen", "cutting-board", "forest"},
		{"Red Kite", "toys-games", "kite", "red"},
		{"Kite, Red", "toys-games", "kite", "red"},
		{"Night Sky Atlas, Red", "books", "night-sky", "red"},
		{"Headlamp, Orange", "outdoors", "headlamp", "orange"},
		{"Smart Desk Lamp, Midnight", "electronics", "lamp", "midnight"},
		{"Gift Voucher", "electronics", "category:electronics", ""},
		{"Gift Voucher", "", "generic", ""},
	} {
		if got := seed.Picture(c.name, c.category); got != c.kind {
			t.Errorf("Picture(%q, %q) = %q, want %q", c.name, c.category, got, c.kind)
		}
		doc := checkPicture(t, c.name, seed.SVG(&domain.Product{SKU: "T-1", Name: c.name, Category: domain.CategoryRef{Slug: c.category}}))
		h, s, l := hsl(t, doc.fill)
		if c.colour != "" && !colourLooks[c.colour].match(h, s, l) {
			t.Errorf("%s: drawn in %s, which does not look %s", c.name, doc.fill, c.colour)
		}
		if c.colour == "" && !slices.Contains(seed.NeutralPalette, doc.fill) {
			t.Errorf("%s: drawn in %s, want a neutral tone", c.name, doc.fill)
		}
	}
}
