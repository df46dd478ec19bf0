package httpapi

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/shopstack/shopstack/server/domain"
)

// pathID reads a positive integer path parameter; anything else names no
// resource (404).
func pathID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id < 1 {
		return 0, domain.NotFound("not found")
	}
	return id, nil
}

// queryParser reads optional typed query parameters and collects every
// malformed one into a single 422.
type queryParser struct {
	c      *fiber.Ctx
	fields map[string]string
}

func newQuery(c *fiber.Ctx) *queryParser { return &queryParser{c: c} }

func (q *queryParser) fail(name, msg string) {
	if q.fields == nil {
		q.fields = map[string]string{}
	}
	q.fields[name] = msg
}

func (q *queryParser) str(name string) *string {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	return &v
}

func (q *queryParser) int(name string) *int {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n > 1<<30 || n < -(1<<30) {
		q.fail(name, "must be an integer")
		return nil
	}
	return &n
}

func (q *queryParser) int64(name string) *int64 {
	v := q.c.Query(name)
	if v == "" {
		return nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		q.fail(name, "must be an integer")
		return nil
	}
	return &n
}

func (q *queryParser) err() error {
	if len(q.fields) == 0 {
		return nil
	}
	return domain.InvalidFields(q.fields)
}
