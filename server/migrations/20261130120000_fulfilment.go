package migrations

// Fulfilment: order history (order_events), shipments (carrier and
// tracking number on orders) and the card brand of a charge.
func init() {
	const name = "20261130120000_fulfilment"
	Migrations.MustRegister(sqlStep(name, "up"), sqlStep(name, "down"))
}
