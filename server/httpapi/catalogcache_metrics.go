package httpapi

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/shopstack/shopstack/contract"
)

// catalogCacheCollector exports the catalog read cache's counts, read at
// scrape time from the counters the cache keeps anyway.
type catalogCacheCollector struct{ cache *catalogCache }

var (
	descCacheLookups = prometheus.NewDesc(contract.MetricCatalogCacheLookups,
		"Catalog read cache lookups by result (hit, or miss: a database read).", []string{contract.LabelResult}, nil)
	descCacheBytes = prometheus.NewDesc(contract.MetricCatalogCacheBytes,
		"Bytes of encoded catalog answers (with their gzip and brotli variants) the cache holds.", nil, nil)
)

func (c catalogCacheCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descCacheLookups
	ch <- descCacheBytes
}

func (c catalogCacheCollector) Collect(ch chan<- prometheus.Metric) {
	hits, misses, bytes := c.cache.stats()
	ch <- prometheus.MustNewConstMetric(descCacheLookups, prometheus.CounterValue, float64(hits), contract.CacheHit)
	ch <- prometheus.MustNewConstMetric(descCacheLookups, prometheus.CounterValue, float64(misses), contract.CacheMiss)
	ch <- prometheus.MustNewConstMetric(descCacheBytes, prometheus.GaugeValue, float64(bytes))
}

// stats returns the lookups so far and the bytes held now.
func (c *catalogCache) stats() (hits, misses uint64, bytes int) {
	c.mu.Lock()
	bytes = c.bytes
	c.mu.Unlock()
	return c.hits.Load(), c.misses.Load(), bytes
}
