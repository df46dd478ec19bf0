package httpapi

import (
	"database/sql"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/shopstack/shopstack/contract"
)

// metrics are the server's Prometheus collectors, in a registry of its own
// (never the global one, so two servers in one test process do not clash).
type metrics struct {
	registry     *prometheus.Registry
	requests     *prometheus.CounterVec
	duration     *prometheus.HistogramVec
	inFlight     prometheus.Gauge
	checkouts    *prometheus.CounterVec
	ordersPlaced prometheus.Counter
}

func newMetrics(stats func() sql.DBStats) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: contract.MetricHTTPRequests,
			Help: "HTTP requests by method, route template and status.",
		}, []string{contract.LabelMethod, contract.LabelRoute, contract.LabelStatus}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    contract.MetricHTTPRequestDuration,
			Help:    "HTTP request duration by method, route template and status.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{contract.LabelMethod, contract.LabelRoute, contract.LabelStatus}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: contract.MetricHTTPInFlight,
			Help: "HTTP requests being served.",
		}),
		checkouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: contract.MetricCheckouts,
			Help: "Checkout attempts (POST orders) by result.",
		}, []string{contract.LabelResult}),
		ordersPlaced: prometheus.NewCounter(prometheus.CounterOpts{
			Name: contract.MetricOrdersPlaced,
			Help: "Orders placed (paid checkouts; idempotent replays not counted).",
		}),
	}
	m.registry.MustRegister(m.requests, m.duration, m.inFlight, m.checkouts, m.ordersPlaced,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	// Every result value exists from the start, so rate() and alerts see 0
	// rather than no series.
	for _, r := range []string{contract.CheckoutSucceeded, contract.CheckoutDeclined, contract.CheckoutFailed,
		contract.CheckoutOutOfStock, contract.CheckoutInvalid, contract.CheckoutError, contract.CheckoutCartChanged} {
		m.checkouts.WithLabelValues(r)
	}
	if stats != nil {
		m.registry.MustRegister(&dbStatsCollector{stats: stats})
	}
	return m
}

func (m *metrics) observeRequest(method, route string, status int, d time.Duration) {
	s := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, s).Inc()
	m.duration.WithLabelValues(method, route, s).Observe(d.Seconds())
}

// dbStatsCollector exports sql.DBStats under the contract's names at scrape
// time (the standard collector uses other names that the alert rules do
// not know).
type dbStatsCollector struct {
	stats func() sql.DBStats
}

var (
	descDBOpen     = prometheus.NewDesc(contract.MetricDBOpenConnections, "Open database connections (in use + idle).", nil, nil)
	descDBInUse    = prometheus.NewDesc(contract.MetricDBInUseConnections, "Database connections in use.", nil, nil)
	descDBIdle     = prometheus.NewDesc(contract.MetricDBIdleConnections, "Idle database connections.", nil, nil)
	descDBMaxOpen  = prometheus.NewDesc(contract.MetricDBMaxOpenConns, "Maximum open database connections (0 = unlimited).", nil, nil)
	descDBWait     = prometheus.NewDesc(contract.MetricDBWaitCount, "Connections waited for because the pool was exhausted.", nil, nil)
	descDBWaitTime = prometheus.NewDesc(contract.MetricDBWaitDuration, "Total time spent waiting for a connection.", nil, nil)
)

func (d *dbStatsCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, desc := range []*prometheus.Desc{descDBOpen, descDBInUse, descDBIdle, descDBMaxOpen, descDBWait, descDBWaitTime} {
		ch <- desc
	}
}

func (d *dbStatsCollector) Collect(ch chan<- prometheus.Metric) {
	s := d.stats()
	ch <- prometheus.MustNewConstMetric(descDBOpen, prometheus.GaugeValue, float64(s.OpenConnections))
	ch <- prometheus.MustNewConstMetric(descDBInUse, prometheus.GaugeValue, float64(s.InUse))
	ch <- prometheus.MustNewConstMetric(descDBIdle, prometheus.GaugeValue, float64(s.Idle))
	ch <- prometheus.MustNewConstMetric(descDBMaxOpen, prometheus.GaugeValue, float64(s.MaxOpenConnections))
	ch <- prometheus.MustNewConstMetric(descDBWait, prometheus.CounterValue, float64(s.WaitCount))
	ch <- prometheus.MustNewConstMetric(descDBWaitTime, prometheus.CounterValue, s.WaitDuration.Seconds())
}
