-- Rebuild orders with a nullable user_id and the e-mail column (foreign
-- keys are off around this transaction; see the Go file).
CREATE TABLE orders_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           BIGINT REFERENCES users (id),
    email             TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL CHECK (status IN ('pending', 'paid', 'shipped', 'delivered', 'cancelled')),
    currency          TEXT NOT NULL,
    subtotal          BIGINT NOT NULL CHECK (subtotal >= 0),
    shipping          BIGINT NOT NULL CHECK (shipping >= 0),
    total             BIGINT NOT NULL CHECK (total >= 0),
    shipping_method   TEXT NOT NULL,
    ship_name         TEXT NOT NULL,
    ship_line1        TEXT NOT NULL,
    ship_line2        TEXT NOT NULL DEFAULT '',
    ship_city         TEXT NOT NULL,
    ship_region       TEXT NOT NULL DEFAULT '',
    ship_postal_code  TEXT NOT NULL,
    ship_country      TEXT NOT NULL,
    ship_phone        TEXT NOT NULL DEFAULT '',
    payment_last4     TEXT NOT NULL DEFAULT '',
    payment_status    TEXT NOT NULL DEFAULT '',
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);
--bun:split
INSERT INTO orders_new (id, user_id, email, status, currency, subtotal, shipping, total, shipping_method,
    ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, ship_country, ship_phone,
    payment_last4, payment_status, created_at, updated_at)
SELECT o.id, o.user_id, COALESCE((SELECT u.email FROM users AS u WHERE u.id = o.user_id), ''), o.status, o.currency,
    o.subtotal, o.shipping, o.total, o.shipping_method, o.ship_name, o.ship_line1, o.ship_line2, o.ship_city,
    o.ship_region, o.ship_postal_code, o.ship_country, o.ship_phone, o.payment_last4, o.payment_status,
    o.created_at, o.updated_at
FROM orders AS o;
--bun:split
DROP TABLE orders;
--bun:split
ALTER TABLE orders_new RENAME TO orders;
--bun:split
CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC);
--bun:split
CREATE INDEX orders_status_idx ON orders (status);
--bun:split
CREATE TABLE guest_idempotency_keys (
    cart_token_hash TEXT NOT NULL,
    key             TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    order_id        BIGINT REFERENCES orders (id),
    created_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (cart_token_hash, key)
);
--bun:split
CREATE TABLE app_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
