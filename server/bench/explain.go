package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/uptrace/bun"

	"github.com/shopstack/shopstack/server/domain"
	"github.com/shopstack/shopstack/server/payment"
	"github.com/shopstack/shopstack/server/store"
)

// queryRecorder is a Bun hook that keeps the SELECTs the services run.
type queryRecorder struct {
	mu      sync.Mutex
	queries []string
}

func (r *queryRecorder) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (r *queryRecorder) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	if strings.HasPrefix(strings.TrimSpace(strings.ToUpper(e.Query)), "SELECT") {
		r.mu.Lock()
		r.queries = append(r.queries, e.Query)
		r.mu.Unlock()
	}
}

// explain prints EXPLAIN ANALYZE of every query the catalog reads run
// (list with each sort and a category filter, categories, search) on the
// scaled catalog: go run ./server/bench -explain.
func explain(ctx context.Context, w io.Writer, db *bun.DB, searchWord string) error {
	rec := &queryRecorder{}
	svc := store.New(db.WithQueryHook(rec), store.Options{Payments: payment.NewTestProvider()}).Services()
	cats, err := svc.Catalog.ListCategories(ctx)
	if err != nil {
		return err
	}
	for _, s := range []domain.ProductSort{domain.SortFeatured, domain.SortName, domain.SortPriceAsc, domain.SortNewest} {
		if _, err := svc.Catalog.ListProducts(ctx, domain.ProductFilter{Sort: &s}); err != nil {
			return err
		}
	}
	if len(cats) > 0 {
		if _, err := svc.Catalog.ListProducts(ctx, domain.ProductFilter{CategorySlug: &cats[0].Slug}); err != nil {
			return err
		}
	}
	if _, err := svc.Search.Search(ctx, domain.SearchQuery{Query: searchWord}); err != nil {
		return err
	}
	rec.mu.Lock()
	queries := append([]string(nil), rec.queries...)
	rec.mu.Unlock()
	for _, q := range queries {
		var plan []string
		if err := db.NewRaw("EXPLAIN ANALYZE "+q).Scan(ctx, &plan); err != nil {
			return fmt.Errorf("explaining %s: %w", q, err)
		}
		fmt.Fprintf(w, "\n%s\n", q)
		for _, line := range plan {
			fmt.Fprintf(w, "    %s\n", line)
		}
	}
	return nil
}
