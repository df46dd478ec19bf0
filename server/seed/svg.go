package seed

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/shopstack/shopstack/server/domain"
)

// SVG renders a deterministic 600x600 picture of a product: a drawing of
// what the product is (picture, chosen from the words of its name, with the
// category's drawing as the fallback) in the colour its name states
// (Colour), on a light tint of that colour. No text is drawn: the client
// gives every picture its alt text (the product name), and a name or price
// baked into the image would be neither translatable nor readable by a
// screen reader. The same product always gives the same bytes. It has the
// signature of httpapi.ImageFunc.
func SVG(p *domain.Product) []byte {
	main := Colour(p.Name, p.SKU)
	_, draw := picture(p.Name, p.Category.Slug)
	ink := "#2d2a26"
	if luminance(main) < 0.08 {
		// A black or navy product keeps a visible edge against its shadow.
		ink = "#121110"
	}
	r := strings.NewReplacer(
		"{M}", main,
		"{S}", mix(main, "#000000", 0.28),
		"{L}", mix(main, "#ffffff", 0.45),
		"{A}", "#a9afb5", // metal
		"{W}", "#fbfaf7", // white parts (soles, screens, labels)
		"{D}", "#3b3733", // dark parts (rubber, grips)
		"{N}", "#d4a373", // natural wood
		"{Y}", "#ffd95a", // light, sun
		"{K}", ink,
	)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="600" viewBox="0 0 600 600" role="img" aria-label="%s">`, esc(p.Name))
	fmt.Fprintf(&b, `<defs><radialGradient id="bg" cx="0.5" cy="0.42" r="0.75">`+
		`<stop offset="0" stop-color="%s"/><stop offset="1" stop-color="%s"/></radialGradient></defs>`,
		mix(main, "#ffffff", 0.9), mix(main, "#f1eee8", 0.8))
	b.WriteString(`<rect width="600" height="600" fill="url(#bg)"/>`)
	b.WriteString(`<ellipse cx="300" cy="505" rx="200" ry="24" fill="#000000" opacity="0.08"/>`)
	fmt.Fprintf(&b, `<g class="product" fill="%s" stroke="%s" stroke-width="6" stroke-linejoin="round" stroke-linecap="round">`, main, ink)
	b.WriteString(r.Replace(draw))
	b.WriteString(`</g></svg>`)
	return b.Bytes()
}

// Colour is the colour a product's name states (the last colour word of
// the name wins, so "Night Sky Atlas, Red" is red), or, for a name without
// one, a neutral tone picked by the SKU. It returns "#rrggbb".
func Colour(name, sku string) string {
	found := ""
	for _, w := range words(name) {
		if c, ok := colourWords[w]; ok {
			found = c
		}
	}
	if found != "" {
		return found
	}
	h := fnv.New32a()
	h.Write([]byte(sku))
	return NeutralPalette[h.Sum32()%uint32(len(NeutralPalette))]
}

// NeutralPalette are the tones of products whose name states no colour
// (books, beauty): warm greys and earth tones that claim no colour name.
var NeutralPalette = []string{"#8c8579", "#a69b86", "#6f7a80", "#b7a58c", "#7d7368", "#9aa3a0"}

// colourWords maps a colour word, lower case, to its tone: every colour the
// seed catalogue uses, and the common ones an admin might type.
var colourWords = map[string]string{
	// apparel
	"navy": "#1f2f55", "oat": "#d9c9a6", "charcoal": "#3a3d42", "sage": "#9caf8c", "rust": "#b4532a",
	// footwear
	"black": "#1d1d1f", "tan": "#c69a68", "white": "#f7f7f4", "olive": "#6b7436", "brown": "#6e4527",
	// home & kitchen
	"slate": "#5a6872", "cream": "#efe3c4", "terracotta": "#c8623f", "forest": "#2f5d3a", "sand": "#d8c298",
	// electronics
	"graphite": "#43464c", "silver": "#c3c7cc", "midnight": "#1b2444", "coral": "#f17a63",
	// outdoors
	"orange": "#ee7a1f", "moss": "#6a7c39", "sky": "#7db9e8", "stone": "#a29d92", "red": "#c92f2c",
	// toys & games
	"blue": "#2f62c1", "natural": "#d8b688", "yellow": "#f3c22f", "green": "#3e9a4a",
	// others
	"grey": "#8e9296", "gray": "#8e9296", "pink": "#ef8fb0", "purple": "#7a4bb0", "violet": "#7a4bb0",
	"beige": "#dccdb0", "ivory": "#f4efdc", "gold": "#d4a62a", "teal": "#22858a", "burgundy": "#7a1f2e",
	"lavender": "#b9a3d9", "mint": "#a8dcc0", "mustard": "#d1a21c", "khaki": "#b8a874", "indigo": "#34397a",
	"turquoise": "#2fb9b0", "maroon": "#6e1f24", "lilac": "#c6a7d6", "plum": "#6d3560", "ochre": "#c58a1f",
}

// words are the lower-case words of s (letters, digits, '-' and ”' kept
// inside a word).
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '\'')
	})
}

// Picture names the drawing a product gets: the kind its name matches
// (e.g. "skillet" for "Cast Iron Skillet, Slate"), else "category:<slug>"
// for the category's drawing, else "generic".
func Picture(name, category string) string {
	kind, _ := picture(name, category)
	return kind
}

func picture(name, category string) (string, string) {
	text := " " + strings.Join(words(name), " ") + " "
	for _, k := range kinds {
		for _, kw := range k.keywords {
			if strings.Contains(text, " "+kw+" ") {
				return k.name, k.svg
			}
		}
	}
	if k, ok := categoryKinds[category]; ok {
		for _, kk := range kinds {
			if kk.name == k {
				return "category:" + category, kk.svg
			}
		}
	}
	return "generic", genericSVG
}

type kind struct {
	name     string
	keywords []string // whole words or phrases of the name, lower case
	svg      string   // the drawing; {M} main colour, {S} shade, {L} light, others in SVG
}

// categoryKinds draw a product of a category whose name matches no kind.
var categoryKinds = map[string]string{
	"apparel": "tee", "footwear": "sneaker", "home-kitchen": "mugs", "electronics": "headphones",
	"outdoors": "tent", "books": "book", "beauty": "jar", "toys-games": "blocks",
}

// genericSVG is a wrapped parcel.
const genericSVG = `<rect x="170" y="220" width="260" height="240" rx="10"/><rect x="150" y="180" width="300" height="60" rx="8" fill="{L}"/>` +
	`<path d="M300 180 L300 460" stroke="{S}" stroke-width="22"/><path d="M300 180 Q240 110 220 160 Q230 185 300 180 Q370 185 380 160 Q360 110 300 180 Z" fill="{S}"/>`

// kinds are matched in order: more specific phrases come first ("board
// game" before "cutting board", "hiking boot" before "boot").
var kinds = []kind{
	// Apparel.
	{"shirt", []string{"shirt", "blouse"}, `<path d="M232 120 L190 138 L130 260 L178 282 L208 222 L208 470 L392 470 L392 222 L422 282 L470 260 L410 138 L368 120 L300 150 Z"/>` +
		`<path d="M232 120 L262 175 L300 150 L338 175 L368 120" fill="{L}"/><path d="M300 150 L300 470" fill="none"/>` +
		`<circle cx="300" cy="215" r="6" fill="{W}" stroke-width="3"/><circle cx="300" cy="285" r="6" fill="{W}" stroke-width="3"/><circle cx="300" cy="355" r="6" fill="{W}" stroke-width="3"/><circle cx="300" cy="425" r="6" fill="{W}" stroke-width="3"/>` +
		`<rect x="330" y="215" width="42" height="48" rx="4" fill="none" stroke-width="4"/>`},
	{"sweater", []string{"sweater", "jumper", "cardigan"}, `<path d="M240 125 L180 145 Q140 170 130 230 L110 440 L160 450 L195 260 L205 470 L395 470 L405 260 L440 450 L490 440 L470 230 Q460 170 420 145 L360 125 Q300 165 240 125 Z"/>` +
		`<path d="M240 125 Q300 165 360 125" fill="none" stroke="{S}" stroke-width="14"/>` +
		`<path d="M205 445 L395 445 M110 420 L162 428 M490 420 L438 428" fill="none" stroke="{S}" stroke-width="10"/>` +
		`<path d="M240 240 L270 270 L300 240 L330 270 L360 240" fill="none" stroke="{L}" stroke-width="8"/>`},
	{"jacket", []string{"jacket", "blazer"}, `<path d="M235 120 L180 140 L135 250 L120 440 L170 446 L195 260 L200 470 L400 470 L405 260 L430 446 L480 440 L465 250 L420 140 L365 120 L300 160 Z"/>` +
		`<path d="M235 120 L255 205 L300 160 L345 205 L365 120 L300 160 Z" fill="{S}"/><path d="M300 160 L300 470" fill="none"/>` +
		`<rect x="222" y="245" width="55" height="55" rx="4" fill="{L}"/><rect x="323" y="245" width="55" height="55" rx="4" fill="{L}"/>` +
		`<circle cx="300" cy="235" r="7" fill="{A}" stroke-width="3"/><circle cx="300" cy="320" r="7" fill="{A}" stroke-width="3"/><circle cx="300" cy="405" r="7" fill="{A}" stroke-width="3"/>` +
		`<path d="M200 430 L400 430" fill="none" stroke="{S}" stroke-width="8"/>`},
	{"tee", []string{"tee", "t-shirt"}, `<path d="M235 140 L170 165 L120 245 L185 280 L212 245 L212 460 L388 460 L388 245 L415 280 L480 245 L430 165 L365 140 Q300 190 235 140 Z"/>` +
		`<path d="M235 140 Q300 190 365 140" fill="none" stroke="{S}" stroke-width="10"/>`},
	{"trousers", []string{"trousers", "chinos", "pants", "jeans"}, `<path d="M215 110 L385 110 L405 480 L325 480 L300 220 L275 480 L195 480 Z"/>` +
		`<rect x="212" y="110" width="176" height="34" fill="{S}"/><path d="M300 144 L300 220" fill="none"/>` +
		`<path d="M225 150 Q250 190 285 150 M375 150 Q350 190 315 150" fill="none" stroke-width="4"/>`},
	{"parka", []string{"parka", "raincoat", "coat", "anorak"}, `<path d="M245 150 Q240 80 300 75 Q360 80 355 150 L420 170 L470 300 L455 470 L400 470 L395 300 L405 490 L195 490 L205 300 L200 470 L145 470 L130 300 L180 170 Z"/>` +
		`<path d="M258 150 Q262 105 300 102 Q338 105 342 150 Z" fill="{S}"/><path d="M300 150 L300 490" fill="none" stroke="{A}" stroke-width="6"/>` +
		`<rect x="220" y="330" width="55" height="60" rx="6" fill="{L}"/><rect x="325" y="330" width="55" height="60" rx="6" fill="{L}"/>`},
	{"scarf", []string{"scarf", "shawl"}, `<path d="M220 140 Q300 100 380 140 Q400 200 360 230 Q300 255 240 230 Q200 200 220 140 Z" fill="{S}"/>` +
		`<path d="M245 190 Q300 215 355 190 L340 215 Q300 235 260 215 Z"/>` +
		`<path d="M275 225 L330 225 L350 430 L290 430 Z"/><path d="M315 225 L365 225 L395 400 L345 410 Z" fill="{S}"/>` +
		`<path d="M295 432 L295 470 M310 432 L310 470 M325 432 L325 470 M340 432 L340 470 M352 410 L358 448 M368 408 L376 446 M384 404 L394 442" fill="none" stroke-width="5"/>` +
		`<path d="M286 280 L338 280 M290 330 L342 330 M294 380 L346 380" fill="none" stroke="{L}" stroke-width="8"/>`},
	{"hoodie", []string{"hooded", "hoodie", "sweatshirt"}, `<path d="M245 160 Q235 80 300 72 Q365 80 355 160 L420 175 L475 290 L470 450 L420 455 L405 300 L405 470 L195 470 L195 300 L180 455 L130 450 L125 290 L180 175 Z"/>` +
		`<path d="M262 165 Q262 108 300 104 Q338 108 338 165 Q300 185 262 165 Z" fill="{S}"/>` +
		`<path d="M285 180 L282 250 M315 180 L318 250" fill="none" stroke="{W}" stroke-width="5"/>` +
		`<path d="M235 360 L365 360 L385 440 L215 440 Z" fill="{L}"/><path d="M195 450 L405 450" fill="none" stroke="{S}" stroke-width="10"/>`},

	// Footwear.
	{"trail-runner", []string{"trail runner", "trail shoe"}, `<g transform="translate(300 380) scale(1.2) translate(-300 -380)">` + `<path d="M110 380 Q110 300 160 290 L250 250 Q280 230 300 250 Q360 300 440 320 Q495 335 490 385 Z"/>` +
		`<path d="M105 380 L495 380 L490 412 L110 412 Z" fill="{D}"/>` +
		`<path d="M120 412 L135 432 L150 412 L165 432 L180 412 L195 432 L210 412 L225 432 L240 412 L255 432 L270 412 L285 432 L300 412 L315 432 L330 412 L345 432 L360 412 L375 432 L390 412 L405 432 L420 412 L435 432 L450 412 L465 432 L480 412" fill="{D}"/>` +
		`<path d="M250 265 L285 300 M265 252 L300 287 M232 280 L267 315" fill="none" stroke="{Y}" stroke-width="7"/>` +
		`<path d="M330 300 Q400 345 470 340" fill="none" stroke="{L}" stroke-width="10"/>` + `</g>`},
	{"chelsea-boot", []string{"chelsea boot", "chelsea"}, `<g transform="translate(300 380) scale(1.2) translate(-300 -380)">` + `<path d="M180 110 L330 110 L340 330 Q420 335 465 370 Q490 390 480 420 L170 420 Q160 300 180 110 Z"/>` +
		`<path d="M230 190 Q262 260 292 190 L300 320 L222 320 Z" fill="{D}"/>` +
		`<path d="M195 110 L195 80 Q210 70 225 80 L225 110" fill="{S}"/><path d="M165 420 L485 420 L485 450 L165 450 Z" fill="{D}"/>` +
		`<path d="M170 395 L482 395" fill="none" stroke="{L}" stroke-width="5" stroke-dasharray="10 8"/>` + `</g>`},
	{"slip-on", []string{"slip-on", "loafer", "espadrille"}, `<g transform="translate(300 380) scale(1.2) translate(-300 -380)">` + `<path d="M110 385 Q105 330 160 322 Q220 316 260 300 Q300 285 350 300 Q440 325 480 355 Q500 372 490 395 Z"/>` +
		`<path d="M250 302 Q300 338 355 302" fill="{S}"/><path d="M104 385 L494 385 L490 420 L108 420 Z" fill="{W}"/>` +
		`<path d="M108 404 L490 404" fill="none" stroke="{S}" stroke-width="4"/>` + `</g>`},
	{"hiking-boot", []string{"hiking boot", "boot", "boots"}, `<g transform="translate(300 380) scale(1.2) translate(-300 -380)">` + `<path d="M175 120 L320 120 L330 290 Q410 300 455 340 Q485 365 478 400 L160 400 Q150 280 175 120 Z"/>` +
		`<path d="M255 135 L330 290 L300 300 L240 150 Z" fill="{S}"/>` +
		`<path d="M248 160 L292 150 M255 195 L305 185 M262 230 L315 220 M270 265 L322 255" fill="none" stroke="{Y}" stroke-width="5"/>` +
		`<path d="M172 120 Q245 100 322 120 L322 145 Q245 128 172 145 Z" fill="{D}"/>` +
		`<path d="M150 400 L488 400 L488 445 L150 445 Z" fill="{D}"/><path d="M160 445 L175 462 L195 445 L215 462 L235 445 L255 462 L275 445 L295 462 L315 445 L335 462 L355 445 L375 462 L395 445 L415 462 L435 445 L455 462 L475 445" fill="{D}"/>` + `</g>`},
	{"slipper", []string{"slipper", "slippers"}, `<g transform="translate(300 380) scale(1.2) translate(-300 -380)">` + `<path d="M115 390 Q110 330 175 325 L290 320 Q330 260 400 270 Q490 285 490 350 Q490 392 450 395 Z"/>` +
		`<path d="M300 320 Q335 275 400 282 Q465 292 470 345 Q400 330 300 320 Z" fill="{S}"/>` +
		`<path d="M112 392 L452 396 Q470 410 452 420 L118 418 Q100 405 112 392 Z" fill="{W}"/>` +
		`<path d="M330 300 L340 330 M360 292 L366 327 M392 290 L392 330 M424 296 L418 336" fill="none" stroke="{L}" stroke-width="5"/>` + `</g>`},
	{"running-shoe", []string{"running shoe", "runner", "trainer", "trainers"}, `<g transform="translate(300 380) scale(1.2) translate(-300 -380)">` + `<path d="M110 360 Q115 300 170 290 L260 255 Q290 240 310 262 Q370 310 450 318 Q500 325 495 370 Z"/>` +
		`<path d="M105 360 L497 360 Q500 400 460 405 L140 405 Q100 400 105 360 Z" fill="{W}"/>` +
		`<path d="M160 340 Q280 350 330 300 Q300 360 460 350" fill="none" stroke="{L}" stroke-width="12"/>` +
		`<path d="M262 268 L290 296 M278 258 L306 286" fill="none" stroke="{W}" stroke-width="6"/><path d="M140 405 L460 405" fill="none" stroke="{S}" stroke-width="8"/>` + `</g>`},
	{"sandal", []string{"sandal", "sandals", "flip-flop"}, `<g transform="translate(300 380) scale(1.2) translate(-300 -380)">` + `<path d="M120 400 Q110 360 160 352 L430 340 Q495 340 495 375 Q495 410 440 412 L160 418 Q125 418 120 400 Z" fill="{S}"/>` +
		`<path d="M125 392 Q120 372 165 368 L430 356 Q480 356 480 378 Q478 398 440 398 L165 404 Q130 404 125 392 Z" fill="{N}"/>` +
		`<path d="M200 370 Q230 290 275 365" fill="none" stroke="{M}" stroke-width="26"/><path d="M330 362 Q370 270 420 358" fill="none" stroke="{M}" stroke-width="26"/>` +
		`<path d="M185 300 Q240 250 300 280" fill="none" stroke="{M}" stroke-width="20"/>` + `</g>`},
	{"sneaker", []string{"sneaker", "sneakers", "shoe", "shoes", "trainer"}, `<g transform="translate(300 380) scale(1.2) translate(-300 -380)">` + `<path d="M115 370 Q112 305 165 300 L235 285 Q255 240 300 250 L330 300 Q420 310 470 335 Q498 350 490 378 Z"/>` +
		`<path d="M108 370 L494 370 L492 412 L112 412 Z" fill="{W}"/><path d="M112 392 L492 392" fill="none" stroke="{S}" stroke-width="4"/>` +
		`<path d="M255 270 L300 262 M262 290 L310 280 M270 310 L320 300" fill="none" stroke="{W}" stroke-width="7"/>` +
		`<path d="M150 345 Q250 355 330 320" fill="none" stroke="{L}" stroke-width="10"/><path d="M430 340 Q460 352 488 356" fill="none" stroke="{S}" stroke-width="10"/>` + `</g>`},

	// Home & Kitchen.
	{"skillet", []string{"skillet", "frying pan", "pan"}, `<ellipse cx="250" cy="330" rx="165" ry="120" fill="{S}"/><ellipse cx="250" cy="318" rx="135" ry="95"/>` +
		`<ellipse cx="250" cy="318" rx="110" ry="74" fill="{S}" stroke="none"/><path d="M410 300 L540 255 Q565 252 560 280 L418 345 Z"/>` +
		`<circle cx="538" cy="268" r="8" fill="{L}" stroke-width="3"/><path d="M92 305 Q76 300 80 320 Q86 336 102 330" fill="{M}"/>` +
		`<path d="M190 290 Q215 270 250 272" fill="none" stroke="{L}" stroke-width="8"/>`},
	{"mugs", []string{"mug", "mugs", "cup", "cups"}, `<path d="M115 250 L245 250 L238 440 Q180 455 122 440 Z"/><path d="M243 290 Q290 295 285 345 Q280 390 238 395" fill="none" stroke-width="14"/>` +
		`<ellipse cx="180" cy="250" rx="65" ry="14" fill="{S}"/>` +
		`<path d="M300 200 L430 200 L423 390 Q365 405 307 390 Z" fill="{L}"/><path d="M428 240 Q475 245 470 295 Q465 340 423 345" fill="none" stroke-width="14"/>` +
		`<ellipse cx="365" cy="200" rx="65" ry="14" fill="{S}"/>` +
		`<path d="M350 150 Q335 130 350 110 M380 150 Q365 130 380 110" fill="none" stroke="{A}" stroke-width="5"/>`},
	{"tablecloth", []string{"tablecloth", "table cloth", "napkin", "napkins"}, `<path d="M90 220 L510 220 L540 400 Q470 380 420 405 Q360 380 300 405 Q240 380 180 405 Q120 380 60 400 Z"/>` +
		`<path d="M60 400 Q120 380 180 405 Q240 380 300 405 Q360 380 420 405 Q470 380 540 400 L540 415 Q470 395 420 420 Q360 395 300 420 Q240 395 180 420 Q120 395 60 415 Z" fill="{S}"/>` +
		`<path d="M150 220 L130 400 M260 220 L255 400 M340 220 L345 400 M450 220 L470 400" fill="none" stroke="{L}" stroke-width="6"/>` +
		`<path d="M110 420 L110 480 M490 420 L490 480" fill="none" stroke="{N}" stroke-width="18"/>`},
	{"knife", []string{"knife", "knives", "cleaver"}, `<path d="M70 330 L350 290 L360 350 L110 360 Q80 355 70 330 Z" fill="{A}"/>` +
		`<path d="M90 340 L345 318" fill="none" stroke="{W}" stroke-width="5"/><rect x="348" y="282" width="26" height="76" rx="6" fill="{A}"/>` +
		`<path d="M374 295 L520 285 Q545 290 540 320 Q535 345 515 345 L374 345 Z"/>` +
		`<circle cx="420" cy="318" r="6" fill="{A}" stroke-width="3"/><circle cx="470" cy="316" r="6" fill="{A}" stroke-width="3"/>`},
	{"pour-over", []string{"pour-over", "coffee maker", "dripper", "coffee"}, `<path d="M190 140 L410 140 L330 260 L270 260 Z"/><rect x="175" y="125" width="250" height="22" rx="8" fill="{S}"/>` +
		`<path d="M270 260 L330 260 L330 280 L270 280 Z" fill="{S}"/>` +
		`<path d="M262 280 L338 280 Q420 330 420 400 Q420 470 300 475 Q180 470 180 400 Q180 330 262 280 Z" fill="{W}" opacity="0.9"/>` +
		`<path d="M192 400 Q195 455 300 462 Q405 455 408 400 Z" fill="#6b4423"/><rect x="260" y="300" width="80" height="24" rx="6" fill="{N}"/>`},
	{"blanket", []string{"blanket", "throw", "quilt"}, `<rect x="110" y="330" width="380" height="90" rx="22"/><rect x="130" y="250" width="340" height="90" rx="22" fill="{L}"/>` +
		`<rect x="150" y="170" width="300" height="90" rx="22"/>` +
		`<path d="M150 215 L450 215 M130 295 L470 295 M110 375 L490 375" fill="none" stroke="{S}" stroke-width="10"/>` +
		`<path d="M490 350 L515 355 M490 370 L515 375 M490 390 L515 395 M490 410 L512 415" fill="none" stroke-width="5"/>`},
	{"board-game", []string{"board game", "boardgame"}, `<rect x="110" y="150" width="380" height="300" rx="10" fill="{W}"/>` +
		`<path d="M150 190 L450 190 L450 410 L150 410 Z" fill="none" stroke="{M}" stroke-width="26"/>` +
		`<path d="M150 190 L190 190 M230 190 L270 190 M310 190 L350 190 M390 190 L430 190 M150 410 L190 410 M230 410 L270 410 M310 410 L350 410 M390 410 L430 410" fill="none" stroke="{S}" stroke-width="26"/>` +
		`<path d="M240 330 Q240 290 262 290 Q284 290 284 330 Z" fill="{Y}"/><circle cx="262" cy="282" r="14" fill="{Y}"/>` +
		`<rect x="320" y="270" width="60" height="60" rx="10" fill="{W}"/><circle cx="335" cy="285" r="6" fill="{K}" stroke="none"/><circle cx="365" cy="315" r="6" fill="{K}" stroke="none"/><circle cx="350" cy="300" r="6" fill="{K}" stroke="none"/>`},
	{"cutting-board", []string{"cutting board", "chopping board", "board"}, `<path d="M120 190 L440 190 Q470 190 470 220 L470 250 Q540 250 540 300 Q540 350 470 350 L470 390 Q470 420 440 420 L120 420 Q90 420 90 390 L90 220 Q90 190 120 190 Z"/>` +
		`<circle cx="505" cy="300" r="16" fill="#f1eee8"/>` +
		`<path d="M120 245 L440 245 M120 300 L440 300 M120 355 L440 355" fill="none" stroke="{S}" stroke-width="5"/>` +
		`<path d="M170 220 L170 390 M270 220 L270 390 M370 220 L370 390" fill="none" stroke="{L}" stroke-width="5"/>`},
	{"dutch-oven", []string{"dutch oven", "casserole", "pot", "stockpot"}, `<path d="M130 260 L470 260 L455 430 Q450 460 420 460 L180 460 Q150 460 145 430 Z"/>` +
		`<path d="M130 300 Q85 300 85 330 Q85 360 135 355 M470 300 Q515 300 515 330 Q515 360 465 355" fill="none" stroke-width="14"/>` +
		`<path d="M115 262 Q300 170 485 262 Z" fill="{S}"/><rect x="270" y="175" width="60" height="34" rx="14" fill="{A}"/>` +
		`<path d="M160 320 L440 320" fill="none" stroke="{L}" stroke-width="8"/>`},

	// Electronics.
	{"headphones", []string{"headphones", "headphone", "earphones", "headset"}, `<path d="M170 300 Q170 130 300 130 Q430 130 430 300" fill="none" stroke="{S}" stroke-width="26"/>` +
		`<path d="M170 300 Q170 130 300 130 Q430 130 430 300" fill="none" stroke="{M}" stroke-width="12"/>` +
		`<rect x="130" y="270" width="85" height="140" rx="36"/><rect x="385" y="270" width="85" height="140" rx="36"/>` +
		`<rect x="192" y="290" width="30" height="100" rx="14" fill="{D}"/><rect x="378" y="290" width="30" height="100" rx="14" fill="{D}"/>`},
	{"speaker", []string{"speaker", "speakers", "soundbar"}, `<rect x="130" y="200" width="340" height="220" rx="100"/>` +
		`<rect x="160" y="225" width="280" height="170" rx="80" fill="{S}"/>` +
		`<g fill="{L}" stroke="none"><circle cx="220" cy="280" r="9"/><circle cx="260" cy="280" r="9"/><circle cx="300" cy="280" r="9"/><circle cx="340" cy="280" r="9"/><circle cx="380" cy="280" r="9"/>` +
		`<circle cx="220" cy="340" r="9"/><circle cx="260" cy="340" r="9"/><circle cx="300" cy="340" r="9"/><circle cx="340" cy="340" r="9"/><circle cx="380" cy="340" r="9"/></g>` +
		`<rect x="250" y="180" width="100" height="26" rx="12" fill="{D}"/>`},
	{"charger", []string{"charger", "adapter", "usb-c"}, `<rect x="170" y="200" width="190" height="220" rx="34"/>` +
		`<path d="M215 200 L215 140 M315 200 L315 140" fill="none" stroke="{A}" stroke-width="20"/>` +
		`<rect x="240" y="380" width="50" height="16" rx="6" fill="{D}"/><path d="M265 420 L265 450 Q265 490 330 480 Q420 470 440 400 Q455 350 500 345" fill="none" stroke="{M}" stroke-width="14"/>` +
		`<rect x="490" y="330" width="40" height="26" rx="6" fill="{A}"/><path d="M230 250 L300 250" fill="none" stroke="{L}" stroke-width="8"/>`},
	{"keyboard", []string{"keyboard", "keyboards"}, `<rect x="70" y="220" width="460" height="190" rx="18" fill="{S}"/>` +
		`<g fill="{M}" stroke-width="3">` + keyRows + `</g><rect x="190" y="358" width="220" height="34" rx="6" fill="{L}" stroke-width="3"/>`},
	{"e-reader", []string{"e-reader", "ereader", "tablet", "kindle"}, `<rect x="175" y="110" width="250" height="370" rx="26"/>` +
		`<rect x="200" y="140" width="200" height="280" rx="6" fill="#eceae3"/>` +
		`<path d="M225 180 L375 180 M225 210 L375 210 M225 240 L360 240 M225 270 L375 270 M225 300 L340 300 M225 330 L375 330 M225 360 L320 360" fill="none" stroke="#b8b4ab" stroke-width="7"/>` +
		`<rect x="270" y="440" width="60" height="14" rx="7" fill="{S}"/>`},
	{"headlamp", []string{"headlamp", "head torch"}, `<ellipse cx="300" cy="310" rx="190" ry="95" fill="none" stroke="{M}" stroke-width="30"/>` +
		`<ellipse cx="300" cy="310" rx="190" ry="95" fill="none" stroke="{S}" stroke-width="6" stroke-dasharray="14 14"/>` +
		`<rect x="230" y="350" width="140" height="95" rx="22" fill="{D}"/><circle cx="300" cy="397" r="32" fill="{Y}"/>` +
		`<path d="M300 455 L250 530 M300 455 L300 540 M300 455 L350 530" fill="none" stroke="{Y}" stroke-width="8"/>`},
	{"lamp", []string{"lamp", "lamps", "light"}, `<ellipse cx="230" cy="455" rx="95" ry="22"/>` +
		`<path d="M230 450 L300 260 L420 190" fill="none" stroke="{M}" stroke-width="18"/><path d="M230 450 L300 260 L420 190" fill="none" stroke="{S}" stroke-width="4"/>` +
		`<circle cx="300" cy="260" r="16" fill="{A}"/><path d="M380 140 L480 190 L440 250 L355 215 Z"/>` +
		`<path d="M445 245 L500 390 L330 330 Z" fill="{Y}" opacity="0.45" stroke="none"/>`},
	{"power-bank", []string{"power bank", "powerbank", "battery"}, `<rect x="200" y="120" width="200" height="360" rx="36"/>` +
		`<rect x="225" y="150" width="150" height="300" rx="22" fill="{L}"/>` +
		`<circle cx="265" cy="400" r="9" fill="{Y}"/><circle cx="290" cy="400" r="9" fill="{Y}"/><circle cx="315" cy="400" r="9" fill="{Y}"/><circle cx="340" cy="400" r="9" fill="{S}"/>` +
		`<path d="M318 210 L280 285 L310 285 L285 350 L335 265 L303 265 L325 210 Z" fill="{Y}"/><rect x="270" y="108" width="60" height="14" rx="5" fill="{D}"/>`},
	{"mouse", []string{"mouse", "mice", "trackball"}, `<path d="M300 130 Q410 130 415 260 L415 360 Q410 470 300 470 Q190 470 185 360 L185 260 Q190 130 300 130 Z"/>` +
		`<path d="M300 130 L300 255 M185 255 Q300 270 415 255" fill="none"/><rect x="288" y="165" width="24" height="50" rx="12" fill="{D}"/>` +
		`<path d="M215 330 Q225 430 300 445" fill="none" stroke="{L}" stroke-width="10"/>`},

	// Outdoors.
	{"tent", []string{"tent", "tents", "shelter"}, `<path d="M90 450 L300 140 L510 450 Z"/><path d="M300 140 L360 450 L510 450 Z" fill="{S}"/>` +
		`<path d="M240 450 L300 260 L345 450 Z" fill="{D}"/><path d="M300 140 L300 110" fill="none" stroke="{A}" stroke-width="8"/>` +
		`<path d="M90 450 L40 480 M510 450 L560 480" fill="none" stroke="{A}" stroke-width="5"/><path d="M70 450 L530 450" fill="none" stroke="{N}" stroke-width="8"/>`},
	{"sleeping-bag", []string{"sleeping bag", "sleeping"}, `<path d="M210 100 Q300 70 390 100 Q430 200 410 330 Q400 460 300 480 Q200 460 190 330 Q170 200 210 100 Z"/>` +
		`<ellipse cx="300" cy="150" rx="62" ry="48" fill="{S}"/>` +
		`<path d="M200 220 Q300 245 400 220 M192 280 Q300 305 408 280 M193 340 Q300 365 407 340 M205 400 Q300 425 395 400" fill="none" stroke="{S}" stroke-width="8"/>` +
		`<path d="M380 120 L375 420" fill="none" stroke="{A}" stroke-width="6"/>`},
	{"trekking-poles", []string{"trekking poles", "trekking", "poles", "pole"}, `<path d="M200 110 L380 490 M400 110 L220 490" fill="none" stroke="{A}" stroke-width="14"/>` +
		`<rect x="180" y="90" width="36" height="95" rx="14" transform="rotate(-25 198 137)"/><rect x="384" y="90" width="36" height="95" rx="14" transform="rotate(25 402 137)"/>` +
		`<ellipse cx="358" cy="445" rx="34" ry="10" fill="{D}"/><ellipse cx="242" cy="445" rx="34" ry="10" fill="{D}"/>` +
		`<path d="M178 150 Q150 200 190 215 M422 150 Q450 200 410 215" fill="none" stroke="{S}" stroke-width="6"/>`},
	{"bottle", []string{"water bottle", "bottle", "flask", "thermos"}, `<path d="M240 170 L360 170 Q400 190 400 240 L400 460 Q400 490 370 490 L230 490 Q200 490 200 460 L200 240 Q200 190 240 170 Z"/>` +
		`<rect x="250" y="100" width="100" height="75" rx="14" fill="{D}"/><path d="M300 100 Q300 65 335 70" fill="none" stroke="{D}" stroke-width="10"/>` +
		`<path d="M230 240 L230 440" fill="none" stroke="{L}" stroke-width="14"/><path d="M200 260 L400 260 M200 420 L400 420" fill="none" stroke="{S}" stroke-width="6"/>`},
	{"daypack", []string{"daypack", "backpack", "rucksack", "pack"}, `<path d="M190 180 Q190 110 300 110 Q410 110 410 180 L420 450 Q420 480 390 480 L210 480 Q180 480 180 450 Z"/>` +
		`<path d="M220 320 L380 320 L385 440 Q385 455 370 455 L230 455 Q215 455 215 440 Z" fill="{S}"/><path d="M225 350 L375 350" fill="none" stroke="{A}" stroke-width="5"/>` +
		`<path d="M260 110 Q300 70 340 110" fill="none" stroke="{D}" stroke-width="10"/><path d="M200 190 Q300 225 400 190" fill="none" stroke="{A}" stroke-width="5"/>` +
		`<path d="M190 220 Q150 300 180 420 M410 220 Q450 300 420 420" fill="none" stroke="{D}" stroke-width="14"/>`},
	{"stove", []string{"camp stove", "stove", "burner"}, `<path d="M220 330 L380 330 Q420 360 420 410 L420 460 Q420 480 400 480 L200 480 Q180 480 180 460 L180 410 Q180 360 220 330 Z"/>` +
		`<path d="M185 400 L415 400" fill="none" stroke="{L}" stroke-width="10"/><rect x="270" y="280" width="60" height="52" rx="6" fill="{A}"/>` +
		`<ellipse cx="300" cy="270" rx="60" ry="14" fill="{A}"/><path d="M225 260 L200 230 M375 260 L400 230 M300 256 L300 225" fill="none" stroke="{A}" stroke-width="10"/>` +
		`<path d="M275 250 Q265 215 285 195 Q290 220 300 205 Q315 225 300 250 M315 250 Q320 225 330 215 Q340 235 328 250" fill="#f08a24" stroke="#c85a12" stroke-width="4"/>` +
		`<path d="M420 420 L470 420 L470 400" fill="none" stroke="{A}" stroke-width="10"/>`},
	{"chair", []string{"camp chair", "chair", "stool"}, `<path d="M170 470 L400 230 M430 470 L200 230" fill="none" stroke="{A}" stroke-width="14"/>` +
		`<path d="M170 200 L430 200 L410 300 Q300 330 190 300 Z"/><path d="M190 110 L410 110 L430 200 L170 200 Z" fill="{S}"/>` +
		`<path d="M150 270 L200 270 M400 270 L450 270" fill="none" stroke="{D}" stroke-width="18"/><path d="M190 110 L170 200 M410 110 L430 200" fill="none" stroke="{A}" stroke-width="10"/>`},

	// Books.
	{"bird-guide", []string{"birds", "bird", "field guide"}, bookCover + `<path d="M235 300 Q260 240 320 245 Q350 215 380 235 L352 250 Q365 300 320 330 L300 360 L290 332 Q250 330 235 300 Z" fill="{L}"/><circle cx="357" cy="240" r="4" fill="{K}" stroke="none"/>`},
	{"bread-book", []string{"bread", "baking", "loaf"}, bookCover + `<path d="M225 330 Q220 260 300 255 Q380 260 375 330 Z" fill="#d99a4e"/><path d="M255 300 L275 275 M290 300 L310 275 M325 300 L345 275" fill="none" stroke="#a86a2c" stroke-width="6"/>`},
	{"map", []string{"maps", "map", "atlas of fiction"}, `<path d="M110 160 L230 120 L370 160 L490 120 L490 440 L370 480 L230 440 L110 480 Z"/>` +
		`<path d="M230 120 L230 440 M370 160 L370 480" fill="none" stroke="{S}" stroke-width="6"/><path d="M230 120 L370 160 L370 480 L230 440 Z" fill="{L}"/>` +
		`<path d="M150 400 Q200 330 260 360 Q320 390 330 300 Q340 230 440 240" fill="none" stroke="#c0392b" stroke-width="6" stroke-dasharray="14 10"/>` +
		`<path d="M425 220 L455 260 M455 220 L425 260" fill="none" stroke="#c0392b" stroke-width="8"/>`},
	{"woodworking", []string{"woodworking", "workshop", "carpentry"}, bookCover + `<path d="M220 330 L330 250 L360 285 L250 365 Z" fill="{A}"/><path d="M235 345 L245 335 M255 330 L265 320 M275 315 L285 305 M295 300 L305 290" fill="none" stroke="{K}" stroke-width="3"/><rect x="330" y="225" width="50" height="70" rx="10" transform="rotate(38 355 260)" fill="{N}"/>`},
	{"night-sky", []string{"night sky", "astronomy", "stars", "star"}, bookCover + `<path d="M330 230 Q280 245 285 300 Q292 345 345 350 Q310 330 310 290 Q312 250 330 230 Z" fill="{Y}"/>` +
		`<path d="M240 250 L245 262 L258 262 L248 270 L252 283 L240 275 L228 283 L232 270 L222 262 L235 262 Z M360 310 L363 318 L372 318 L365 323 L368 332 L360 327 L352 332 L355 323 L348 318 L357 318 Z" fill="{Y}" stroke="none"/>`},
	{"sea-stories", []string{"sea", "ocean", "sailing", "ships"}, bookCover + `<path d="M230 330 Q255 310 280 330 Q305 350 330 330 Q355 310 380 330 L380 350 L230 350 Z" fill="#3d7fb8"/><path d="M250 318 L350 318 L335 338 L265 338 Z" fill="#7a5230"/><path d="M300 240 L300 318 M300 245 L345 305 L300 305 Z" fill="{W}"/>`},
	{"garden-book", []string{"garden", "gardening", "plants", "seeds"}, bookCover + `<path d="M300 360 L300 280" fill="none" stroke="#3f7d3a" stroke-width="8"/><path d="M300 300 Q240 300 240 245 Q295 245 300 300 Z M300 285 Q360 285 360 230 Q305 230 300 285 Z" fill="#5aa04c" stroke="#3f7d3a" stroke-width="5"/><path d="M250 360 L350 360" fill="none" stroke="#7a5230" stroke-width="8"/>`},
	{"tea-book", []string{"tea", "teas"}, bookCover + `<path d="M240 280 L350 280 Q350 350 295 352 Q240 350 240 280 Z" fill="{W}"/><path d="M350 295 Q380 298 375 320 Q370 338 345 335" fill="none" stroke-width="6"/><path d="M230 360 L360 360" fill="none" stroke-width="6"/><path d="M280 265 Q270 245 285 230 M310 265 Q300 245 315 230" fill="none" stroke="{W}" stroke-width="5"/>`},
	{"book", []string{"book", "guide", "atlas", "stories", "history", "manual", "handbook", "novel", "anthology"}, bookCover + `<rect x="235" y="235" width="130" height="90" rx="6" fill="{L}"/>`},

	// Beauty.
	{"sunscreen", []string{"sunscreen", "sunblock", "spf"}, `<path d="M210 120 L390 120 L365 420 L235 420 Z"/><rect x="225" y="100" width="150" height="28" rx="6" fill="{S}"/>` +
		`<path d="M205 110 L395 110" fill="none" stroke="{S}" stroke-width="10" stroke-dasharray="8 6"/><rect x="245" y="420" width="110" height="60" rx="10" fill="{D}"/>` +
		`<circle cx="300" cy="250" r="38" fill="{Y}"/><path d="M300 190 L300 170 M300 310 L300 330 M240 250 L220 250 M360 250 L380 250 M258 208 L244 194 M342 292 L356 306 M342 208 L356 194 M258 292 L244 306" fill="none" stroke="{Y}" stroke-width="7"/>`},
	{"lip-balm", []string{"lip balm", "lip", "balm", "lipstick"}, `<g><rect x="150" y="250" width="70" height="200" rx="14"/><rect x="160" y="200" width="50" height="55" rx="14" fill="{L}"/></g>` +
		`<g><rect x="265" y="230" width="70" height="220" rx="14" fill="{S}"/><rect x="275" y="180" width="50" height="55" rx="14" fill="{L}"/></g>` +
		`<g><rect x="380" y="250" width="70" height="200" rx="14"/><rect x="390" y="200" width="50" height="55" rx="14" fill="{L}"/></g>` +
		`<path d="M150 290 L220 290 M265 270 L335 270 M380 290 L450 290" fill="none" stroke="{W}" stroke-width="6"/>`},
	{"shampoo-bar", []string{"shampoo bar", "shampoo", "soap", "bar"}, `<ellipse cx="300" cy="420" rx="190" ry="50" fill="{N}"/><path d="M130 410 L470 410" fill="none" stroke="#b07f4f" stroke-width="6"/>` +
		`<path d="M170 380 Q170 260 300 260 Q430 260 430 380 Q430 410 300 410 Q170 410 170 380 Z"/><ellipse cx="300" cy="320" rx="105" ry="38" fill="{L}"/>` +
		`<circle cx="200" cy="220" r="20" fill="{W}" opacity="0.8"/><circle cx="235" cy="180" r="13" fill="{W}" opacity="0.8"/><circle cx="380" cy="205" r="16" fill="{W}" opacity="0.8"/>`},
	{"hand-cream", []string{"hand cream", "lotion", "cream tube"}, `<path d="M150 200 L420 230 L420 370 L150 400 Z"/><path d="M140 195 L140 405" fill="none" stroke="{S}" stroke-width="18"/>` +
		`<path d="M150 205 L150 395" fill="none" stroke="{W}" stroke-width="4" stroke-dasharray="6 6"/><rect x="420" y="250" width="40" height="100" rx="8" fill="{S}"/><rect x="460" y="262" width="50" height="76" rx="10" fill="{D}"/>` +
		`<rect x="220" y="255" width="140" height="90" rx="12" fill="{L}"/>`},
	{"toothbrush", []string{"toothbrush", "toothbrushes"}, `<path d="M110 400 L400 230" fill="none" stroke="{N}" stroke-width="26"/><path d="M160 430 L450 260" fill="none" stroke="{N}" stroke-width="26"/>` +
		`<path d="M360 215 L420 180 M372 230 L432 195 M384 245 L444 210" fill="none" stroke="{M}" stroke-width="12"/>` +
		`<path d="M410 245 L470 210 M422 260 L482 225 M434 275 L494 240" fill="none" stroke="{L}" stroke-width="12"/>`},
	{"body-wash", []string{"body wash", "wash", "shower gel", "gel"}, `<path d="M210 230 Q210 200 240 200 L360 200 Q390 200 390 230 L400 470 Q400 490 380 490 L220 490 Q200 490 200 470 Z"/>` +
		`<rect x="270" y="150" width="60" height="52" rx="6" fill="{D}"/><path d="M280 150 L280 120 L370 120 L370 140" fill="none" stroke="{D}" stroke-width="16"/>` +
		`<rect x="235" y="290" width="130" height="120" rx="12" fill="{L}"/><path d="M260 330 L340 330 M260 360 L320 360" fill="none" stroke="{S}" stroke-width="8"/>`},
	{"beard-oil", []string{"beard oil", "oil", "serum", "dropper"}, `<path d="M230 260 Q230 230 260 230 L340 230 Q370 230 370 260 L370 460 Q370 480 350 480 L250 480 Q230 480 230 460 Z" fill="#8a5a22"/>` +
		`<path d="M236 330 L364 330 L364 460 Q364 474 350 474 L250 474 Q236 474 236 460 Z"/><rect x="262" y="180" width="76" height="52" rx="8" fill="{D}"/>` +
		`<path d="M282 180 Q282 110 300 110 Q318 110 318 180 Z" fill="{D}"/><rect x="255" y="355" width="90" height="80" rx="8" fill="{L}"/>`},
	{"jar", []string{"moisturiser", "moisturizer", "face cream", "jar", "cream"}, `<rect x="160" y="260" width="280" height="200" rx="36"/><rect x="150" y="190" width="300" height="80" rx="20" fill="{S}"/>` +
		`<path d="M150 230 L450 230" fill="none" stroke="{L}" stroke-width="6"/><rect x="210" y="310" width="180" height="100" rx="14" fill="{L}"/>` +
		`<path d="M240 345 L360 345 M260 375 L340 375" fill="none" stroke="{S}" stroke-width="8"/>`},

	// Toys & Games.
	{"blocks", []string{"building blocks", "blocks", "block", "bricks"}, `<rect x="140" y="330" width="140" height="140" rx="10"/><rect x="320" y="330" width="140" height="140" rx="10" fill="{S}"/>` +
		`<rect x="230" y="180" width="140" height="140" rx="10" fill="{L}"/><path d="M185 400 L235 400 M210 375 L210 425" fill="none" stroke="{W}" stroke-width="12"/>` +
		`<circle cx="390" cy="400" r="26" fill="none" stroke="{W}" stroke-width="12"/><path d="M300 215 L335 280 L265 280 Z" fill="{W}" stroke="none"/>`},
	{"chess", []string{"chess", "chessboard"}, `<path d="M170 470 L310 470 L295 430 L185 430 Z"/><path d="M195 430 Q205 340 215 300 L275 300 Q285 340 285 430 Z"/>` +
		`<rect x="200" y="285" width="80" height="20" rx="6"/><path d="M210 285 L200 230 L280 230 L270 285 Z"/><path d="M240 230 L240 180 M222 200 L258 200" fill="none" stroke-width="12"/>` +
		`<path d="M330 470 L450 470 L438 440 L342 440 Z" fill="{W}"/><path d="M355 440 Q365 390 372 360 L408 360 Q415 390 425 440 Z" fill="{W}"/><circle cx="390" cy="335" r="30" fill="{W}"/>`},
	{"puzzle", []string{"jigsaw", "puzzle", "puzzles"}, `<path d="M130 170 L260 170 Q250 130 285 125 Q320 130 310 170 L440 170 L440 290 Q480 280 485 315 Q480 350 440 340 L440 460 L130 460 L130 340 Q170 350 175 315 Q170 280 130 290 Z"/>` +
		`<path d="M285 170 L285 460 M130 315 L440 315" fill="none" stroke="{S}" stroke-width="6"/>` +
		`<path d="M300 330 Q330 300 360 330 Q390 360 420 330" fill="none" stroke="{L}" stroke-width="10"/><circle cx="200" cy="240" r="26" fill="{Y}"/>`},
	{"cards", []string{"card game", "cards", "card", "deck"}, `<rect x="170" y="150" width="170" height="250" rx="16" fill="{W}" transform="rotate(-18 255 275)"/>` +
		`<rect x="230" y="140" width="170" height="250" rx="16" fill="{W}" transform="rotate(4 315 265)"/>` +
		`<rect x="290" y="160" width="170" height="250" rx="16" transform="rotate(22 375 285)"/>` +
		`<path d="M365 250 Q395 215 410 250 Q425 285 365 320 Q305 285 320 250 Q335 215 365 250 Z" fill="{W}" transform="rotate(22 375 285)"/>` +
		`<path d="M315 220 Q335 195 345 220 Q355 245 315 270 Q275 245 285 220 Q295 195 315 220 Z" fill="{M}" transform="rotate(4 315 265)"/>`},
	{"train", []string{"train", "trains", "locomotive", "railway"}, `<rect x="120" y="260" width="250" height="140" rx="12"/><rect x="280" y="180" width="120" height="220" rx="12" fill="{S}"/>` +
		`<rect x="300" y="205" width="80" height="60" rx="6" fill="{Y}"/><rect x="150" y="210" width="50" height="52" rx="6" fill="{D}"/><path d="M135 210 L215 210" fill="none" stroke="{D}" stroke-width="14"/>` +
		`<circle cx="175" cy="420" r="34" fill="{D}"/><circle cx="265" cy="420" r="34" fill="{D}"/><circle cx="350" cy="420" r="34" fill="{D}"/>` +
		`<circle cx="175" cy="420" r="10" fill="{N}"/><circle cx="265" cy="420" r="10" fill="{N}"/><circle cx="350" cy="420" r="10" fill="{N}"/><path d="M400 380 L450 380" fill="none" stroke="{A}" stroke-width="12"/>` +
		`<path d="M80 460 L520 460" fill="none" stroke="{N}" stroke-width="12"/>`},
	{"kite", []string{"kite", "kites"}, `<path d="M300 90 L430 250 L300 400 L170 250 Z"/><path d="M300 90 L300 400 M170 250 L430 250" fill="none" stroke="{S}" stroke-width="8"/>` +
		`<path d="M300 90 L430 250 L300 250 Z M300 250 L300 400 L170 250 Z" fill="{L}"/>` +
		`<path d="M300 400 Q260 450 300 480 Q340 510 300 545" fill="none" stroke="{D}" stroke-width="4"/>` +
		`<path d="M282 450 L318 440 L300 460 Z M290 505 L326 500 L305 518 Z" fill="{M}" stroke-width="3"/>`},
	{"bear", []string{"plush", "bear", "teddy"}, `<circle cx="215" cy="150" r="42"/><circle cx="385" cy="150" r="42"/><circle cx="215" cy="150" r="20" fill="{L}"/><circle cx="385" cy="150" r="20" fill="{L}"/>` +
		`<ellipse cx="300" cy="380" rx="125" ry="110"/><ellipse cx="300" cy="395" rx="70" ry="65" fill="{L}"/>` +
		`<ellipse cx="180" cy="460" rx="55" ry="38"/><ellipse cx="420" cy="460" rx="55" ry="38"/>` +
		`<circle cx="300" cy="210" r="100"/><ellipse cx="300" cy="245" rx="46" ry="34" fill="{L}"/>` +
		`<circle cx="265" cy="195" r="10" fill="{K}" stroke="none"/><circle cx="335" cy="195" r="10" fill="{K}" stroke="none"/><ellipse cx="300" cy="232" rx="14" ry="10" fill="{K}" stroke="none"/>` +
		`<path d="M300 242 L300 258 M282 262 Q300 276 318 262" fill="none" stroke-width="4"/>`},
}

// bookCover is a standing hardback: the cover in the product colour, its
// spine and pages; a book's emblem is drawn on it.
const bookCover = `<path d="M190 120 L410 120 Q420 120 420 130 L420 460 Q420 470 410 470 L190 470 Z" fill="{W}"/>` +
	`<path d="M400 120 L400 470" fill="none" stroke="#d8d3c8" stroke-width="4"/>` +
	`<rect x="160" y="110" width="240" height="350" rx="10"/><rect x="160" y="110" width="30" height="350" rx="8" fill="{S}"/>` +
	`<rect x="215" y="190" width="170" height="190" rx="8" fill="{S}"/>`

// keyRows are a keyboard's key caps, three rows (the space bar is drawn apart).
var keyRows = func() string {
	var b strings.Builder
	for row := 0; row < 3; row++ {
		n := 12 - row%2
		x0 := 92 + row%2*18
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="30" height="30" rx="5"/>`, x0+i*36, 240+row*40)
		}
	}
	return b.String()
}()

// mix blends two "#rrggbb" colours: t=0 is a, t=1 is b.
func mix(a, b string, t float64) string {
	ar, ag, ab := rgb(a)
	br, bg, bb := rgb(b)
	f := func(x, y uint8) uint8 { return uint8(float64(x)*(1-t) + float64(y)*t + 0.5) }
	return fmt.Sprintf("#%02x%02x%02x", f(ar, br), f(ag, bg), f(ab, bb))
}

// luminance is the relative luminance of "#rrggbb", 0 (black) to 1 (white),
// without gamma: enough to tell dark products apart.
func luminance(c string) float64 {
	r, g, b := rgb(c)
	return (0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)) / 255
}

func rgb(c string) (r, g, b uint8) {
	fmt.Sscanf(c, "#%02x%02x%02x", &r, &g, &b) //nolint:errcheck // every colour here is "#rrggbb"
	return
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) //nolint:errcheck // strings.Builder never fails
	return b.String()
}
