// The backend's container contract: what the storefront server binary
// answers to.

package contract

// HTTP serving.
const (
	// Port is the port the server listens on inside its container.
	Port = 8080
	// PortName is the name of that port on the container and the Service.
	PortName = "http"

	// PathHealthz answers 200 while the process is alive (liveness, startup).
	PathHealthz = "/healthz"
	// PathReadyz answers 200 when the database is reachable and the server
	// is not draining, else 503 (readiness).
	PathReadyz = "/readyz"
	// PathMetrics serves Prometheus metrics.
	PathMetrics = "/metrics"
	// APIPrefix is the prefix of the JSON API. The ingress routes it to the backend.
	APIPrefix = "/api"
	// APIBase is the versioned base of every JSON route.
	APIBase = "/api/v1"
	// PathOpenAPI serves the OpenAPI 3 document.
	PathOpenAPI = APIBase + "/openapi.json"
)

// Subcommands of the server binary.
const (
	CmdServe   = "serve"
	CmdMigrate = "migrate"
	CmdSeed    = "seed"
	// CmdPurge deletes what the shop no longer needs (old guest carts,
	// expired sessions, old Idempotency-Keys, mail and reset tokens, ended
	// rate-limit windows) and exits; the purge CronJob runs it.
	CmdPurge = "purge"
)

// Environment variables the server reads. All share one prefix.
const (
	EnvPrefix = "SHOP_"
	// EnvListenAddr overrides the listen address (default ":8080").
	EnvListenAddr = "SHOP_LISTEN_ADDR"
	// EnvDatabaseURL is a PostgreSQL URL (postgres://...).
	EnvDatabaseURL = "SHOP_DATABASE_URL"
	// EnvDatabaseSecretID is a Secrets Manager secret id or ARN holding the
	// RDS-generated JSON (host, port, username, password, dbname).
	EnvDatabaseSecretID = "SHOP_DATABASE_SECRET_ID"
	// EnvAWSRegion is the region of that secret (falls back to AWS_REGION).
	EnvAWSRegion = "SHOP_AWS_REGION"
	// EnvDatabaseHostParameter names an SSM Parameter Store parameter whose
	// value replaces the secret's host: the RDS Proxy endpoint, which the
	// database stack writes there (platform Names.DatabaseProxyEndpointParameter).
	// Only with EnvDatabaseSecretID.
	EnvDatabaseHostParameter = "SHOP_DATABASE_HOST_PARAMETER"
	// EnvDatabaseCAFile is the PEM bundle that verifies the database's
	// certificate when the URL is built from the secret (sslmode=verify-full).
	// Default: DefaultDatabaseCAFile.
	EnvDatabaseCAFile = "SHOP_DATABASE_CA_FILE"
	// EnvDatabasePoolMaxConns caps the connection pool per process.
	EnvDatabasePoolMaxConns = "SHOP_DATABASE_POOL_MAX_CONNS"
	// EnvSQLitePath is the embedded SQLite file used when no PostgreSQL is configured.
	EnvSQLitePath = "SHOP_SQLITE_PATH"
	// EnvShutdownTimeout bounds the graceful drain on SIGTERM (Go duration).
	EnvShutdownTimeout = "SHOP_SHUTDOWN_TIMEOUT"
	// EnvStaticDir, when set, makes the server also serve the built client
	// (the single-process local storefront of `task up`).
	EnvStaticDir = "SHOP_STATIC_DIR"
	// EnvDrainDelay is how long readiness answers 503 after SIGTERM before
	// the listener closes, so load balancers stop routing first (Go duration).
	EnvDrainDelay = "SHOP_DRAIN_DELAY"
	// EnvAdminEmail and EnvAdminPassword, when both set, create (or promote)
	// that admin at start. There is no default password.
	EnvAdminEmail    = "SHOP_ADMIN_EMAIL"
	EnvAdminPassword = "SHOP_ADMIN_PASSWORD"
	// EnvCookieSecure sets the Secure attribute of the session and cart
	// cookies (default true; browsers accept Secure cookies on http://localhost).
	EnvCookieSecure = "SHOP_COOKIE_SECURE"
	// EnvCurrency is the shop's ISO 4217 currency (default USD).
	EnvCurrency = "SHOP_CURRENCY"
	// EnvProxyHeader names the header holding the client IP behind a load
	// balancer, e.g. X-Forwarded-For (default: none, the TCP peer).
	EnvProxyHeader = "SHOP_PROXY_HEADER"
	// EnvLogLevel is debug, info (default), warn or error.
	EnvLogLevel = "SHOP_LOG_LEVEL"

	// EnvPublicURL is the storefront's public base URL (https://shop.example.com),
	// used to build the links in e-mails and the sitemap.
	EnvPublicURL = "SHOP_PUBLIC_URL"

	// Outgoing mail (order e-mails, password reset). With no EnvSMTPHost
	// the server writes every message to its dev outbox instead (never drops it).
	EnvSMTPHost     = "SHOP_SMTP_HOST"
	EnvSMTPPort     = "SHOP_SMTP_PORT" // default 587 (STARTTLS)
	EnvSMTPUsername = "SHOP_SMTP_USERNAME"
	EnvSMTPPassword = "SHOP_SMTP_PASSWORD"
	// EnvSMTPSecretID names a Secrets Manager secret holding an IAM access key
	// for Amazon SES as JSON {"access_key_id": ..., "secret_access_key": ...};
	// the server derives the SES SMTP password from it for EnvAWSRegion
	// (the algorithm of the SES Developer Guide). Replaces username/password.
	EnvSMTPSecretID = "SHOP_SMTP_SECRET_ID"
	// The JSON keys of the EnvSMTPSecretID secret (the CDK writes them, the
	// server reads them).
	SMTPSecretAccessKeyID     = "access_key_id"
	SMTPSecretSecretAccessKey = "secret_access_key"
	// EnvSMTPFrom is the From address of every message (e.g. "Shop <shop@example.com>").
	EnvSMTPFrom = "SHOP_SMTP_FROM"

	// Retention of `server purge` (CmdPurge), whole days from 1 to 3650.
	// EnvPurgeGuestCartDays: guest carts untouched this long (default 30).
	EnvPurgeGuestCartDays = "SHOP_PURGE_GUEST_CART_DAYS"
	// EnvPurgeIdempotencyKeyDays: checkout Idempotency-Keys older than
	// this (default 7).
	EnvPurgeIdempotencyKeyDays = "SHOP_PURGE_IDEMPOTENCY_KEY_DAYS"
	// EnvPurgeMailDays: outbox messages sent or given up on this long ago
	// (default 30).
	EnvPurgeMailDays = "SHOP_PURGE_MAIL_DAYS"
	// EnvPurgePasswordResetDays: reset tokens used or expired this long
	// ago (default 7).
	EnvPurgePasswordResetDays = "SHOP_PURGE_PASSWORD_RESET_DAYS"
	// EnvPurgeBatchSize: most rows one DELETE removes, 1 to 100000
	// (default 1000).
	EnvPurgeBatchSize = "SHOP_PURGE_BATCH_SIZE"
)

// Storefront pages the server links to from e-mails (prefixed with
// EnvPublicURL); the client's route table (client/src/routes.ts) has the same
// paths.
const (
	// PageResetPassword is "Choose a new password"; the token follows in
	// the fragment (#token=...), which browsers never send to a server.
	PageResetPassword = "/account/reset-password"
	// PageOrder is one order of the customer, followed by its id.
	PageOrder = "/account/orders/"
)

// Crawler files the backend serves at the site root (the ingress and the
// local server route them to it).
const (
	PathRobots  = "/robots.txt"
	PathSitemap = "/sitemap.xml"
)

// DefaultDatabaseCAFile is where the backend image (server/Dockerfile)
// puts the CA bundle that verifies RDS: the RDS global bundle (DB instance
// endpoints) followed by the Amazon Trust Services root CAs (RDS Proxy
// endpoints present ACM certificates). The server reads it unless
// EnvDatabaseCAFile says otherwise.
const DefaultDatabaseCAFile = "/etc/ssl/certs/shop-database-ca.pem"

// Prometheus metric names and labels the server exports. Alert rules and
// dashboards are written against these.
const (
	MetricHTTPRequests        = "shop_http_requests_total"            // counter; labels method, route, status
	MetricHTTPRequestDuration = "shop_http_request_duration_seconds"  // histogram; labels method, route, status
	MetricHTTPInFlight        = "shop_http_requests_in_flight"        // gauge
	MetricCheckouts           = "shop_checkouts_total"                // counter; label result
	MetricOrdersPlaced        = "shop_orders_placed_total"            // counter
	MetricDBOpenConnections   = "shop_db_open_connections"            // gauge
	MetricDBInUseConnections  = "shop_db_in_use_connections"          // gauge
	MetricDBIdleConnections   = "shop_db_idle_connections"            // gauge
	MetricDBMaxOpenConns      = "shop_db_max_open_connections"        // gauge
	MetricDBWaitCount         = "shop_db_wait_count_total"            // counter
	MetricDBWaitDuration      = "shop_db_wait_duration_seconds_total" // counter
	// MetricCatalogCacheLookups counts the catalog read cache's lookups
	// (label result: CacheHit, CacheMiss); a miss reads the database.
	MetricCatalogCacheLookups = "shop_catalog_cache_lookups_total" // counter; label result
	MetricCatalogCacheBytes   = "shop_catalog_cache_bytes"         // gauge: encoded bytes held

	LabelMethod = "method"
	LabelRoute  = "route"
	LabelStatus = "status"
	LabelResult = "result"
)

// Values of LabelResult on MetricCheckouts.
const (
	CheckoutSucceeded  = "succeeded"
	CheckoutDeclined   = "declined"
	CheckoutFailed     = "failed"       // payment provider error
	CheckoutOutOfStock = "out_of_stock" // insufficient stock
	CheckoutInvalid    = "invalid"      // bad input
	CheckoutError      = "error"        // internal error
	// CheckoutCartChanged: the cart costs something else than the total the
	// customer was shown (409 cart_changed); nothing was charged and the
	// customer is asked again. A customer outcome, not a failure.
	CheckoutCartChanged = "cart_changed"
)

// Values of LabelResult on MetricCatalogCacheLookups.
const (
	CacheHit  = "hit"
	CacheMiss = "miss" // not cached, not cacheable, or the catalog not tracked (no LISTEN)
)

// RouteUnmatched is the route label of requests that matched no route, so
// that unknown paths cannot blow up the label cardinality.
const RouteUnmatched = "unmatched"
