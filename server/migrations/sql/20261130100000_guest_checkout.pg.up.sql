-- A guest order has no user; every order has the e-mail its mail goes to.
ALTER TABLE orders ALTER COLUMN user_id DROP NOT NULL;
--bun:split
ALTER TABLE orders ADD COLUMN email TEXT NOT NULL DEFAULT '';
--bun:split
UPDATE orders AS o SET email = u.email FROM users AS u WHERE u.id = o.user_id;
--bun:split
-- A guest's Idempotency-Key is scoped by the hash of their cart token.
CREATE TABLE guest_idempotency_keys (
    cart_token_hash TEXT NOT NULL,
    key             TEXT NOT NULL,
    fingerprint     TEXT NOT NULL,
    order_id        BIGINT REFERENCES orders (id),
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (cart_token_hash, key)
);
--bun:split
-- Keys the shop generates once and every replica shares (never in config).
CREATE TABLE app_secrets (
    name       TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
