package migrations

// Catalog read path: the indexes the product list's filters and sorts use
// (partial on active, in the exact order of each ORDER BY), and on
// PostgreSQL the statement triggers that NOTIFY store.CatalogChannel on
// every write to products or categories, so every replica's catalog cache
// is dropped when such a write commits.
func init() {
	const name = "20261130140000_catalog_read"
	Migrations.MustRegister(sqlStep(name, "up"), sqlStep(name, "down"))
}
