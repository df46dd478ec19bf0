package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

func (s *Server) shippingMethods(c *fiber.Ctx) error {
	list, err := s.deps.Services.Orders.ShippingMethods(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(itemsBody[domain.ShippingMethod]{Items: list})
}

// checkoutResult is the contract.MetricCheckouts label of a checkout outcome.
func checkoutResult(err error) string {
	switch domain.ErrorCode(err) {
	case "":
		return contract.CheckoutSucceeded
	case domain.EPAYMENTDECLINED:
		return contract.CheckoutDeclined
	case domain.EPAYMENTFAILED:
		return contract.CheckoutFailed
	case domain.EINSUFFICIENTSTOCK:
		return contract.CheckoutOutOfStock
	case domain.ECARTCHANGED:
		return contract.CheckoutCartChanged
	case domain.EINTERNAL:
		return contract.CheckoutError
	default:
		return contract.CheckoutInvalid
	}
}

func (s *Server) placeOrder(c *fiber.Ctx) error {
	order, created, err := s.doPlaceOrder(c)
	if err != nil {
		s.metrics.checkouts.WithLabelValues(checkoutResult(err)).Inc()
		return err
	}
	if err := s.addOrderLink(c, order); err != nil {
		return err
	}
	if !created {
		// An idempotent replay: the same order again, 200. The checkout
		// was counted when it happened.
		return c.JSON(order)
	}
	s.metrics.checkouts.WithLabelValues(contract.CheckoutSucceeded).Inc()
	s.metrics.ordersPlaced.Inc()
	return c.Status(fiber.StatusCreated).JSON(order)
}

func (s *Server) doPlaceOrder(c *fiber.Ctx) (*domain.Order, bool, error) {
	key := c.Get(HeaderIdempotencyKey)
	if key == "" {
		return nil, false, domain.Invalid("the Idempotency-Key header is required")
	}
	var in domain.PlaceOrderInput
	if err := decodeJSON(c, &in); err != nil {
		return nil, false, err
	}
	in.IdempotencyKey = key
	in.ShippingAddress.ID = 0
	userID := s.checkoutBuyer(c, &in)
	return s.deps.Services.Orders.PlaceOrder(c.UserContext(), userID, in)
}

func (s *Server) listOrders(c *fiber.Ctx) error {
	q := newQuery(c)
	page, perPage := q.int("page"), q.int("per_page")
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.deps.Services.Orders.ListOrders(c.UserContext(), currentUser(c).ID, domain.PageRequest(page, perPage))
	if err != nil {
		return err
	}
	return c.JSON(list)
}

func (s *Server) getOrder(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.deps.Services.Orders.Order(c.UserContext(), currentUser(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

func (s *Server) cancelOrder(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	o, err := s.deps.Services.Orders.CancelOrder(c.UserContext(), currentUser(c).ID, id)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

// ordersRoutes are the checkout and orders rows of the route table.
func (s *Server) ordersRoutes() []route {
	const b = contract.APIBase
	return []route{
		{method: "GET", path: b + "/shipping-methods", tag: "orders", summary: "Shipping methods", response: itemsBody[domain.ShippingMethod]{}, status: 200, handler: s.shippingMethods},
		{method: "POST", path: b + "/orders", tag: "orders", summary: "Place an order from the cart (pay by card; a guest gives an e-mail)", access: guestOK,
			headers: []param{{name: HeaderIdempotencyKey, typ: "string", desc: "unique per checkout attempt (a UUID); a retry with the same key returns the same order", required: true}},
			request: domain.PlaceOrderInput{}, response: domain.Order{}, status: 201, also: map[int]any{200: domain.Order{}}, errors: []int{400, 401, 402, 409, 422, 502}, handler: s.placeOrder},
		{method: "GET", path: b + "/orders", tag: "orders", summary: "The customer's orders, newest first", access: loggedIn, query: pageParams(), response: orderPage{}, status: 200, errors: []int{401}, handler: s.listOrders},
		{method: "GET", path: b + "/orders/:id", tag: "orders", summary: "One of the customer's orders", access: loggedIn, response: domain.Order{}, status: 200, errors: []int{401, 404}, handler: s.getOrder},
		{method: "POST", path: b + "/orders/:id/cancel", tag: "orders", summary: "Cancel a pending or paid order (refunds, restores stock)", access: loggedIn, response: domain.Order{}, status: 200, errors: []int{401, 404, 409, 502}, handler: s.cancelOrder},
	}
}
