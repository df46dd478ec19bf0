DROP TABLE app_secrets;
--bun:split
DROP TABLE guest_idempotency_keys;
--bun:split
-- Guest orders cannot exist without a user: they go, with their rows
-- (foreign keys are off here, so nothing cascades by itself).
DELETE FROM order_items WHERE order_id IN (SELECT id FROM orders WHERE user_id IS NULL);
--bun:split
DELETE FROM payments WHERE order_id IN (SELECT id FROM orders WHERE user_id IS NULL);
--bun:split
DELETE FROM orders WHERE user_id IS NULL;
--bun:split
CREATE TABLE orders_old (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id           BIGINT NOT NULL REFERENCES users (id),
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
INSERT INTO orders_old (id, user_id, status, currency, subtotal, shipping, total, shipping_method,
    ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, ship_country, ship_phone,
    payment_last4, payment_status, created_at, updated_at)
SELECT id, user_id, status, currency, subtotal, shipping, total, shipping_method,
    ship_name, ship_line1, ship_line2, ship_city, ship_region, ship_postal_code, ship_country, ship_phone,
    payment_last4, payment_status, created_at, updated_at
FROM orders;
--bun:split
DROP TABLE orders;
--bun:split
ALTER TABLE orders_old RENAME TO orders;
--bun:split
CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC);
--bun:split
CREATE INDEX orders_status_idx ON orders (status);
