package httpapi

import (
	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/contract"
	"github.com/shopstack/shopstack/server/domain"
)

func (s *Server) adminListProducts(c *fiber.Ctx) error {
	q := newQuery(c)
	all := true
	f := domain.ProductFilter{Query: q.str("q"), Page: q.int("page"), PerPage: q.int("per_page"), IncludeInactive: &all}
	if err := q.err(); err != nil {
		return err
	}
	page, err := s.deps.Services.Admin.ListProducts(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *Server) adminCreateProduct(c *fiber.Ctx) error {
	var in domain.ProductCreate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.deps.Services.Admin.CreateProduct(c.UserContext(), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(p)
}

func (s *Server) adminUpdateProduct(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in domain.ProductUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.deps.Services.Admin.UpdateProduct(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) adminDeactivateProduct(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	p, err := s.deps.Services.Admin.DeactivateProduct(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) adminAdjustStock(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in domain.StockAdjust
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	p, err := s.deps.Services.Admin.AdjustStock(c.UserContext(), id, in)
	if err != nil {
		return err
	}
	return c.JSON(p)
}

func (s *Server) adminListOrders(c *fiber.Ctx) error {
	q := newQuery(c)
	f := domain.OrderFilter{Page: q.int("page"), PerPage: q.int("per_page")}
	if v := q.str("status"); v != nil {
		st := domain.OrderStatus(*v)
		f.Status = &st
	}
	if err := q.err(); err != nil {
		return err
	}
	page, err := s.deps.Services.Admin.ListOrders(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(page)
}

func (s *Server) adminUpdateOrder(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var in domain.OrderStatusUpdate
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	o, err := s.deps.Services.Admin.UpdateOrderStatus(c.UserContext(), id, adminActor(c), in)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

// adminRoutes are the admin rows of the route table.
func (s *Server) adminRoutes() []route {
	const b = contract.APIBase
	return []route{
		{method: "GET", path: b + "/admin/products", tag: "admin", summary: "Every product, inactive included", access: adminOnly,
			query: pageParams(param{name: "q", typ: "string", desc: "name or SKU contains"}), response: productPage{}, status: 200, errors: []int{401, 403}, handler: s.adminListProducts},
		{method: "POST", path: b + "/admin/products", tag: "admin", summary: "Create a product", access: adminOnly,
			request: domain.ProductCreate{}, response: domain.Product{}, status: 201, errors: []int{400, 401, 403, 409, 422}, handler: s.adminCreateProduct},
		{method: "PATCH", path: b + "/admin/products/:id", tag: "admin", summary: "Edit a product (any subset of fields)", access: adminOnly,
			request: domain.ProductUpdate{}, response: domain.Product{}, status: 200, errors: []int{400, 401, 403, 404, 409, 422}, handler: s.adminUpdateProduct},
		{method: "DELETE", path: b + "/admin/products/:id", tag: "admin", summary: "Deactivate a product (never deleted)", access: adminOnly, response: domain.Product{}, status: 200, errors: []int{401, 403, 404}, handler: s.adminDeactivateProduct},
		{method: "POST", path: b + "/admin/products/:id/stock", tag: "admin", summary: "Adjust stock by delta or set it", access: adminOnly,
			request: domain.StockAdjust{}, response: domain.Product{}, status: 200, errors: []int{400, 401, 403, 404, 409, 422}, handler: s.adminAdjustStock},
		{method: "GET", path: b + "/admin/orders", tag: "admin", summary: "Every order, with its customer", access: adminOnly,
			query: pageParams(param{name: "status", typ: "string", desc: "pending, paid, shipped, delivered or cancelled"}), response: orderPage{}, status: 200, errors: []int{401, 403, 422}, handler: s.adminListOrders},
		{method: "PATCH", path: b + "/admin/orders/:id", tag: "admin", summary: "Move an order to another status (shipped needs carrier and tracking number; cancelled refunds)", access: adminOnly,
			request: domain.OrderStatusUpdate{}, response: domain.Order{}, status: 200, errors: []int{400, 401, 403, 404, 409, 422, 502}, handler: s.adminUpdateOrder},
	}
}
