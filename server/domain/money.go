package domain

// DefaultCurrency is the shop's currency unless configured otherwise.
const DefaultCurrency = "USD"

// Money is an amount in minor units (cents) of one ISO 4217 currency.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// NewMoney returns amount minor units of currency.
func NewMoney(amount int64, currency string) Money {
	return Money{Amount: amount, Currency: currency}
}

// Times returns m multiplied by n.
func (m Money) Times(n int) Money { return Money{Amount: m.Amount * int64(n), Currency: m.Currency} }

// Plus returns m + o (same currency; the shop has one).
func (m Money) Plus(o Money) Money { return Money{Amount: m.Amount + o.Amount, Currency: m.Currency} }

// Pagination is the page/per_page pair of every list.
type Pagination struct {
	Page    int
	PerPage int
}

// Pagination limits (docs/api.md).
const (
	DefaultPerPage = 24
	MaxPerPage     = 100
	MaxPage        = 1_000_000 // keeps offsets far from overflow
)

// PageRequest is the Pagination that optional query values ask for, with
// the defaults (page 1, per_page 24) for absent ones and the others as
// given: the service layer checks them (Validate).
func PageRequest(page, perPage *int) Pagination {
	p := Pagination{Page: 1, PerPage: DefaultPerPage}
	if page != nil {
		p.Page = *page
	}
	if perPage != nil {
		p.PerPage = *perPage
	}
	return p
}

// Validate checks the ranges: page 1-1000000, per_page 1-100.
func (p Pagination) Validate() error {
	fe := fieldErrors{}
	if p.Page < 1 || p.Page > MaxPage {
		fe.add("page", "must be between 1 and 1000000")
	}
	if p.PerPage < 1 || p.PerPage > MaxPerPage {
		fe.add("per_page", "must be between 1 and 100")
	}
	return fe.err()
}

// Normalized returns p with zero values replaced by the defaults and
// out-of-range values clamped. Stores call it so a zero Pagination works.
func (p Pagination) Normalized() Pagination {
	if p.Page < 1 {
		p.Page = 1
	}
	if p.PerPage < 1 {
		p.PerPage = DefaultPerPage
	}
	if p.PerPage > MaxPerPage {
		p.PerPage = MaxPerPage
	}
	if p.Page > MaxPage {
		p.Page = MaxPage
	}
	return p
}

// Offset is the number of rows before the page.
func (p Pagination) Offset() int { p = p.Normalized(); return (p.Page - 1) * p.PerPage }

// Page is one page of a list: the JSON shape of every list answer.
type Page[T any] struct {
	Items   []T `json:"items"`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Total   int `json:"total"`
}

// NewPage returns a page of items (never a nil slice, so JSON says []).
func NewPage[T any](items []T, p Pagination, total int) *Page[T] {
	p = p.Normalized()
	if items == nil {
		items = []T{}
	}
	return &Page[T]{Items: items, Page: p.Page, PerPage: p.PerPage, Total: total}
}
