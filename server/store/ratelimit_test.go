package store_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/shopstack/shopstack/server/domain"
)

// TestRateLimitWindows: hits count per key within a fixed window aligned to
// the window length; the next window starts again at 1.
func TestRateLimitWindows(t *testing.T) {
	eachBackend(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		rl := e.svc.RateLimits
		// The fake clock ticks a second per reading from 10:00:00: align
		// to the start of a minute.
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
			if reset.Truncate(time.Hour) != reset {
				t.Fatalf("window end %s is not aligned to the hour", reset)
			}
		}
		if n := must[int](t)(hitFor(rl, "login|192.0.2.2")); n != 1 {
			t.Fatalf("another key counted %d", n)
		}
		e.clock.Advance(time.Hour)
		if n := must[int](t)(hitFor(rl, "login|192.0.2.1")); n != 1 {
			t.Fatalf("the next window counted %d", n)
		}
		_, _, err := rl.Hit(ctx, "k", 0)
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
