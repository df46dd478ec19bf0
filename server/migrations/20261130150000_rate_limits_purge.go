package migrations

// The rate-limit counters every replica shares, and the indexes `server
// purge` finds old rows by (issue 13).
func init() {
	const name = "20261130150000_rate_limits_purge"
	Migrations.MustRegister(sqlStep(name, "up"), sqlStep(name, "down"))
}
