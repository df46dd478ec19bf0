package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// TestRateLimitWindows: hits count per key within a fixed window that
// starts at the key's first hit; the next window starts again at 1.
func TestRateLimitWindows(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rl := e.svc.RateLimits
		var first time.Time
		for i := 1; i <= 3; i++ {
			n, reset, err := rl.Hit(ctx, "login|192.0.2.1", time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			if n != i {
				t.Fatalf("hit %d counted %d", i, n)
			}
			if first.IsZero() {
				first = reset
			} else if !reset.Equal(first) {
				t.Fatalf("window end moved: %s then %s", first, reset)
			}
		}
		if n := must[int](t)(hitFor(rl, "login|192.0.2.2")); n != 1 {
			t.Fatalf("another key counted %d", n)
		}
		// The window ends an hour after its first hit, not an hour after
		// the last one.
		e.clock.Advance(time.Hour - 10*time.Second)
		if n := must[int](t)(hitFor(rl, "login|192.0.2.1")); n != 4 {
			t.Fatalf("late in the window counted %d, want 4", n)
		}
		e.clock.Advance(10 * time.Second)
		n, reset, err := rl.Hit(ctx, "login|192.0.2.1", time.Hour)
		if err != nil || n != 1 || !reset.After(first) {
			t.Fatalf("the next window: count %d, ends %s (the first ended %s), %v", n, reset, first, err)
		}
		_, _, err = rl.Hit(ctx, "k", 0)
		wantCode(t, err, domain.EINVALID)
	})
}

// TestRateLimitConcurrentHits: concurrent hits on one key are all counted
// once (the upsert is atomic), on PostgreSQL through a pool of connections.
func TestRateLimitConcurrentHits(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		const workers, each = 8, 10
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			seen = map[int]bool{}
		)
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < each; i++ {
					n, _, err := e.svc.RateLimits.Hit(context.Background(), "k", 24*time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					if seen[n] {
						t.Errorf("count %d returned twice", n)
					}
					seen[n] = true
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if len(seen) != workers*each {
			t.Fatalf("%d distinct counts, want %d", len(seen), workers*each)
		}
	})
}

func hitFor(rl domain.RateLimitService, key string) (int, error) {
	n, _, err := rl.Hit(context.Background(), key, time.Hour)
	return n, err
}
