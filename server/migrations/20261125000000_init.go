package migrations

// bun takes the migration id from this file's name; the SQL files share it.
func init() {
	const name = "20261125000000_init"
	Migrations.MustRegister(sqlStep(name, "up"), sqlStep(name, "down"))
}
