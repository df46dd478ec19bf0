package migrations

// The rate-limit counters every replica shares (issue 13): one row per
// (route, client) key holding the current fixed window's count.
func init() {
	const name = "20261130150000_rate_limits"
	Migrations.MustRegister(sqlStep(name, "up"), sqlStep(name, "down"))
}
