package httpapi

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/shopstack/shopstack/contract"
)

// The catalog cache's lookups and size are on /metrics: a first read is a
// miss, the same read again a hit, and the cache then holds bytes; on both
// databases (on PostgreSQL only while the listener runs, as in production).
func TestCatalogCacheMetrics(t *testing.T) {
	forEachBackend(t, func(t *testing.T, e *testEnv) {
		c := e.client(t)
		before := scrapeCache(t, c)
		getHit(t, e, "/api/v1/categories")
		after := scrapeCache(t, c)
		if after.hit < before.hit+1 || after.miss < before.miss+1 {
			t.Errorf("lookups went from %+v to %+v: want at least one more miss (the first read) and one more hit", before, after)
		}
		if after.bytes <= 0 {
			t.Errorf("%s = %v after a cached read, want > 0", contract.MetricCatalogCacheBytes, after.bytes)
		}
	})
}

type cacheCounts struct{ hit, miss, bytes float64 }

func scrapeCache(t *testing.T, c *client) cacheCounts {
	t.Helper()
	text := string(want(t, c.do("GET", "/metrics", nil), 200).Body)
	value := func(series string) float64 {
		m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
		if m == nil {
			t.Fatalf("metrics lack %s", series)
		}
		v, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	lookup := func(r string) string {
		return fmt.Sprintf(`%s{%s="%s"}`, contract.MetricCatalogCacheLookups, contract.LabelResult, r)
	}
	return cacheCounts{hit: value(lookup(contract.CacheHit)), miss: value(lookup(contract.CacheMiss)), bytes: value(contract.MetricCatalogCacheBytes)}
}
