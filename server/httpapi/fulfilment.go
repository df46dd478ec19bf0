package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

// Fulfilment: the admin's order detail and customer list. Status changes
// (ship, cancel) go through PATCH /admin/orders/:id in admin.go.

// adminActor is the admin making a change, for the order history.
func adminActor(c *fiber.Ctx) domain.Actor {
	u := currentUser(c)
	return domain.Actor{UserID: u.ID, Role: domain.RoleAdmin}
}

func (s *Server) adminGetOrder(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.deps.Services.Admin.Order(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) adminListCustomers(c *fiber.Ctx) error {
	q := newQuery(c)
	f := domain.CustomerFilter{Query: q.str("q"), Page: q.int("page"), PerPage: q.int("per_page")}
	if err := q.err(); err != nil {
		return err
	}
	list, err := s.deps.Services.Admin.ListCustomers(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// fulfilmentRoutes are the order-detail and customer rows of the route table.
func (s *Server) fulfilmentRoutes() []route {
	const b = contract.APIBase
	return []route{
		{method: "GET", path: b + "/admin/orders/:id", tag: "admin", summary: "One order with its customer, charge, refund and status history", access: adminOnly,
			response: domain.OrderDetail{}, status: 200, errors: []int{401, 403, 404}, handler: s.adminGetOrder},
		{method: "GET", path: b + "/admin/customers", tag: "admin", summary: "Customers with their order counts", access: adminOnly,
			query: pageParams(param{name: "q", typ: "string", desc: "e-mail or name contains"}), response: customerPage{}, status: 200, errors: []int{401, 403, 422}, handler: s.adminListCustomers},
	}
}
