package migrations

// Shown stock: the storefront's catalog shows at most
// domain.MaxShownStock units of a product, so a sale that leaves that
// number as it was changes no catalog answer. On PostgreSQL the products
// trigger of 20261130140000_catalog_read, which notified on every UPDATE,
// is split: any UPDATE that sets a column other than stock notifies once
// per statement; one that sets stock notifies only for a row whose shown
// stock changed. SQLite has no triggers to change (the store's query hook
// decides there).
func init() {
	const name = "20261130160000_shown_stock"
	Migrations.MustRegister(sqlStep(name, "up"), sqlStep(name, "down"))
}
