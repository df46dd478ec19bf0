package migrations

// Password reset tokens and the outgoing mail outbox (issue 12).
func init() {
	const name = "20261130110000_mail"
	Migrations.MustRegister(sqlStep(name, "up"), sqlStep(name, "down"))
}
