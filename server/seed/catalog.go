// Package seed generates the demo catalog: deterministic categories and
// products (names, descriptions, prices, attributes, stock) and an SVG
// picture per product, so a fresh storefront looks alive without any
// download. Loading is idempotent: existing categories (by slug) and
// products (by SKU) are left alone.
package seed

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/shopstack/shopstack/server/domain"
)

// Category is a demo category.
type Category struct {
	Slug        string
	Name        string
	Description string
}

// Target is where the catalog is loaded (*store.Store implements it).
type Target interface {
	// EnsureCategory creates the category unless its slug exists.
	EnsureCategory(ctx context.Context, slug, name, description string, position int) error
	// EnsureProduct creates the product unless its SKU exists.
	EnsureProduct(ctx context.Context, in domain.ProductCreate) (created bool, err error)
}

// Result counts what a load created.
type Result struct {
	Categories int // categories in the catalog
	Products   int // products in the catalog
	Created    int // products created by this run
}

// Demo loads the demo catalog into t.
func Demo(ctx context.Context, t Target) error {
	_, err := Load(ctx, t)
	return err
}

// Load loads the demo catalog into t and reports what it did.
func Load(ctx context.Context, t Target) (Result, error) {
	cats, products := Catalog()
	res := Result{Categories: len(cats), Products: len(products)}
	for i, c := range cats {
		if err := t.EnsureCategory(ctx, c.Slug, c.Name, c.Description, i); err != nil {
			return res, fmt.Errorf("seed: category %s: %w", c.Slug, err)
		}
	}
	for _, p := range products {
		// The store trusts its input: the seed checks its own products
		// by the rules the admin API's service layer applies.
		p.Name = strings.TrimSpace(p.Name)
		if err := p.Validate(); err != nil {
			return res, fmt.Errorf("seed: product %s: %w", p.SKU, err)
		}
		created, err := t.EnsureProduct(ctx, p)
		if err != nil {
			return res, fmt.Errorf("seed: product %s: %w", p.SKU, err)
		}
		if created {
			res.Created++
		}
	}
	return res, nil
}

type item struct {
	name     string
	price    int64 // minor units
	material string
	noun     string // what it is, for the description
	benefit  string
}

type categorySpec struct {
	Category
	prefix string
	adjs   []string
	colors []string
	items  []item
}

var specs = []categorySpec{
	{Category{"apparel", "Apparel", "Everyday clothing cut from honest fabrics."}, "APP",
		[]string{"relaxed", "tailored", "lightweight", "cosy"}, []string{"Navy", "Oat", "Charcoal", "Sage", "Rust"},
		[]item{
			{"Linen Shirt", 5900, "washed European linen", "button-down shirt", "It breathes on hot days and softens with every wash."},
			{"Merino Sweater", 8900, "extra-fine merino wool", "crew-neck sweater", "Warm without bulk and naturally odour resistant."},
			{"Denim Jacket", 11900, "12 oz selvedge denim", "trucker jacket", "It fades into a record of where you have been."},
			{"Organic Cotton Tee", 2400, "organic cotton jersey", "t-shirt", "A heavyweight tee that keeps its shape."},
			{"Chino Trousers", 6900, "stretch cotton twill", "pair of chinos", "Smart enough for the office, easy enough for the weekend."},
			{"Rain Parka", 16900, "recycled waterproof nylon", "hooded parka", "Taped seams keep the weather out."},
			{"Wool Scarf", 3900, "lambswool", "long scarf", "Brushed for softness and woven in a small mill."},
			{"Hooded Sweatshirt", 5400, "loopback cotton fleece", "hoodie", "Roomy pockets and a hood that stays put."},
		}},
	{Category{"footwear", "Footwear", "Shoes and boots built to be resoled, not replaced."}, "FTW",
		[]string{"classic", "rugged", "minimal", "cushioned"}, []string{"Black", "Tan", "White", "Olive", "Brown"},
		[]item{
			{"Leather Sneaker", 12900, "full-grain leather", "low-top sneaker", "A cupsole sneaker that goes with everything."},
			{"Trail Runner", 13900, "engineered mesh", "trail running shoe", "Grippy lugs for loose ground and a rock plate underfoot."},
			{"Chelsea Boot", 18900, "oiled suede", "Chelsea boot", "Elastic sides slip on in a second; the Goodyear welt lasts for years."},
			{"Canvas Slip-On", 4900, "cotton canvas", "slip-on shoe", "Light, packable and ready for summer."},
			{"Hiking Boot", 21900, "waterproof nubuck", "mid-cut hiking boot", "Ankle support and a waterproof membrane for long days out."},
			{"Wool Slipper", 5900, "boiled wool", "house slipper", "Warm feet on cold floors."},
			{"Running Shoe", 11900, "knit upper and foam midsole", "road running shoe", "Responsive cushioning for daily miles."},
			{"Sandal", 6900, "vegetable-tanned leather", "strap sandal", "Moulds to your foot over the first week."},
		}},
	{Category{"home-kitchen", "Home & Kitchen", "Tools and textiles for a well-used home."}, "HOM",
		[]string{"hand-finished", "sturdy", "simple", "heirloom"}, []string{"Slate", "Cream", "Terracotta", "Forest", "Sand"},
		[]item{
			{"Cast Iron Skillet", 4900, "pre-seasoned cast iron", "10-inch skillet", "Sears, bakes and lasts for generations."},
			{"Stoneware Mug Set", 3600, "glazed stoneware", "set of four mugs", "Thick walls keep coffee hot."},
			{"Linen Tablecloth", 5900, "stonewashed linen", "tablecloth", "Relaxed wrinkles, no ironing needed."},
			{"Chef's Knife", 8900, "high-carbon stainless steel", "8-inch chef's knife", "Balanced, sharp and easy to hone."},
			{"Pour-Over Coffee Maker", 3900, "borosilicate glass", "pour-over brewer", "Clean, bright coffee one cup at a time."},
			{"Wool Throw Blanket", 9900, "merino and cashmere blend", "throw blanket", "Sofa-sized warmth for winter evenings."},
			{"Bamboo Cutting Board", 2900, "end-grain bamboo", "cutting board", "Gentle on knife edges."},
			{"Dutch Oven", 14900, "enamelled cast iron", "5-quart Dutch oven", "Braises, stews and bread from one pot."},
		}},
	{Category{"electronics", "Electronics", "Useful gadgets without the clutter."}, "ELE",
		[]string{"compact", "wireless", "fast-charging", "portable"}, []string{"Graphite", "Silver", "White", "Midnight", "Coral"},
		[]item{
			{"Wireless Headphones", 19900, "aluminium and memory foam", "pair of over-ear headphones", "Active noise cancelling and a 30-hour battery."},
			{"Bluetooth Speaker", 7900, "water-resistant fabric", "portable speaker", "Room-filling sound that survives a splash."},
			{"USB-C Charger", 3900, "gallium nitride", "65 W wall charger", "Charges a laptop and a phone at once."},
			{"Mechanical Keyboard", 12900, "aluminium case with hot-swap switches", "mechanical keyboard", "Tactile typing that you can tune."},
			{"E-Reader", 13900, "glare-free e-ink display", "e-reader", "Weeks of reading on one charge."},
			{"Smart Desk Lamp", 6900, "anodised aluminium", "LED desk lamp", "Adjustable colour temperature for late work."},
			{"Power Bank", 4900, "lithium polymer cells", "20,000 mAh power bank", "Keeps a phone topped up for days."},
			{"Wireless Mouse", 4400, "recycled plastic", "ergonomic mouse", "Quiet clicks and a shape that fits the hand."},
		}},
	{Category{"outdoors", "Outdoors", "Gear for trails, camps and long weekends."}, "OUT",
		[]string{"ultralight", "packable", "weatherproof", "trail-tested"}, []string{"Orange", "Moss", "Sky", "Stone", "Red"},
		[]item{
			{"Two-Person Tent", 29900, "ripstop nylon", "two-person tent", "Sets up in five minutes and shrugs off wind."},
			{"Down Sleeping Bag", 24900, "responsibly sourced down", "three-season sleeping bag", "Warm to freezing and packs to the size of a melon."},
			{"Trekking Poles", 8900, "carbon fibre", "pair of trekking poles", "Save your knees on the descent."},
			{"Insulated Water Bottle", 3400, "double-wall stainless steel", "1-litre bottle", "Cold for a day, hot for half of one."},
			{"Daypack", 9900, "recycled nylon", "24-litre daypack", "A ventilated back panel for summer climbs."},
			{"Camp Stove", 6900, "stainless steel and brass", "canister stove", "Boils a litre in four minutes."},
			{"Headlamp", 3900, "weather-sealed polycarbonate", "rechargeable headlamp", "400 lumens and a red night mode."},
			{"Camp Chair", 7900, "aluminium frame and ripstop seat", "folding camp chair", "Packs small and sits comfortably by the fire."},
		}},
	{Category{"books", "Books", "Paperbacks and hardcovers worth rereading."}, "BOK",
		[]string{"illustrated", "annotated", "collected", "new"}, []string{"Hardcover", "Paperback"},
		[]item{
			{"Field Guide to Birds", 2900, "illustrated plates", "field guide", "Identify six hundred species at a glance."},
			{"The Bread Book", 3400, "step-by-step photographs", "baking book", "From a first loaf to naturally leavened sourdough."},
			{"Maps of Imaginary Places", 4500, "full-colour maps", "atlas of fiction", "A tour of the worlds that novelists drew."},
			{"Practical Woodworking", 3900, "detailed diagrams", "workshop manual", "Joinery, finishing and tool care explained."},
			{"Night Sky Atlas", 2700, "star charts", "astronomy atlas", "Find the constellations month by month."},
			{"Short Stories of the Sea", 1900, "a collected anthology", "story collection", "Twenty tales of storms, ships and distant shores."},
			{"Garden Through the Year", 3200, "seasonal planting plans", "gardening handbook", "What to sow, prune and harvest every month."},
			{"A History of Tea", 2500, "archival photographs", "history book", "How one leaf travelled around the world."},
		}},
	{Category{"beauty", "Beauty", "Simple skincare and grooming, gently made."}, "BEA",
		[]string{"fragrance-free", "gentle", "daily", "restoring"}, []string{"Travel size", "Full size"},
		[]item{
			{"Face Moisturiser", 2800, "squalane and ceramides", "daily moisturiser", "Light hydration that sits well under sunscreen."},
			{"Mineral Sunscreen", 2200, "non-nano zinc oxide", "SPF 50 sunscreen", "Broad-spectrum protection without a white cast."},
			{"Lip Balm Trio", 1200, "beeswax and shea butter", "set of lip balms", "Soothes chapped lips in cold weather."},
			{"Shampoo Bar", 1400, "coconut-derived cleansers", "solid shampoo", "Plastic-free and lasts for eighty washes."},
			{"Hand Cream", 1600, "oat extract and glycerin", "hand cream", "Absorbs quickly and never feels greasy."},
			{"Bamboo Toothbrush Set", 900, "bamboo handles", "set of toothbrushes", "Soft bristles and compostable handles."},
			{"Body Wash", 1800, "aloe and chamomile", "body wash", "A mild wash for sensitive skin."},
			{"Beard Oil", 2400, "jojoba and argan oils", "beard oil", "Tames and softens without shine."},
		}},
	{Category{"toys-games", "Toys & Games", "Games for the table and toys that last."}, "TOY",
		[]string{"wooden", "classic", "family", "strategy"}, []string{"Red", "Blue", "Natural", "Yellow", "Green"},
		[]item{
			{"Wooden Building Blocks", 3900, "sustainably harvested beech", "set of building blocks", "Sixty pieces for towers, bridges and castles."},
			{"Chess Set", 5900, "walnut and maple", "tournament chess set", "Weighted pieces and a folding board."},
			{"Jigsaw Puzzle", 2400, "recycled card", "1000-piece jigsaw puzzle", "A landscape to linger over on rainy days."},
			{"Card Game", 1500, "linen-finish cards", "card game", "Quick rounds for two to six players."},
			{"Wooden Train Set", 6900, "beech wood and magnets", "train set", "Tracks, bridges and a tunnel that click together."},
			{"Kite", 2900, "ripstop polyester", "delta kite", "Flies in light winds; easy for beginners."},
			{"Board Game", 4400, "illustrated board and wooden tokens", "strategy board game", "Trade, build and race across the map."},
			{"Plush Bear", 2600, "organic cotton plush", "teddy bear", "Soft, washable and stitched to last."},
		}},
}

// Categories returns the demo categories in display order.
func Categories() []Category {
	out := make([]Category, len(specs))
	for i, s := range specs {
		out[i] = s.Category
	}
	return out
}

// Catalog returns the demo categories and products. The output is the same
// on every call (a fixed-seed generator picks colours, prices and stock).
func Catalog() ([]Category, []domain.ProductCreate) {
	rng := rand.New(rand.NewPCG(2026, 11))
	var products []domain.ProductCreate
	for _, spec := range specs {
		for i, it := range spec.items {
			color := spec.colors[rng.IntN(len(spec.colors))]
			adj := spec.adjs[rng.IntN(len(spec.adjs))]
			sku := fmt.Sprintf("%s-%03d", spec.prefix, i+1)
			name := it.name
			if spec.Slug != "books" && spec.Slug != "beauty" {
				name = it.name + ", " + color
			}
			// Prices move by up to +/-15% around the base, rounded to .x9.
			price := it.price + it.price*int64(rng.IntN(31)-15)/100
			price = price/100*100 + 99
			if price > it.price*2 {
				price = it.price
			}
			stock := 5 + rng.IntN(60)
			if rng.IntN(16) == 0 {
				stock = 0 // a few sold-out products show the out-of-stock state
			}
			desc := fmt.Sprintf("A %s %s made of %s. %s", adj, it.noun, it.material, it.benefit)
			attrs := map[string]string{"material": it.material}
			switch spec.Slug {
			case "books":
				attrs["format"] = color
				attrs["pages"] = fmt.Sprint(160 + rng.IntN(320))
			case "beauty":
				attrs["size"] = color
			default:
				attrs["color"] = strings.ToLower(color)
			}
			featured := i == 0 || i == 4
			slug := domain.Slugify(name)
			products = append(products, domain.ProductCreate{
				SKU: sku, Name: name, Slug: &slug, Description: desc, Price: price, CategorySlug: spec.Slug,
				Images: []string{domain.ProductImagePath(sku)}, Attributes: attrs, Stock: stock, Featured: &featured,
			})
		}
	}
	return Categories(), products
}
