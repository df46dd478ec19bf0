package migrations

// A checkout writes its order once, already paid: nothing outside the
// checkout's transaction sees the order before it commits, and a failed
// charge rolls the order back with everything else, so the pending row
// that was updated to paid a few statements later was never observable.
// The insert trigger of the order history (20261130120000_fulfilment)
// records an order inserted in a later status as placed and then that
// status, as the insert and the update recorded it before.
func init() {
	const name = "20261130170000_order_written_once"
	Migrations.MustRegister(sqlStep(name, "up"), sqlStep(name, "down"))
}
