-- Shared rate-limit counters: one row per key (route and client address)
-- holding the count of its current fixed window. Every replica counts with
-- one atomic upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING count),
-- so N replicas allow the limit once, not N times. `server purge` deletes
-- rows whose window has ended.
CREATE TABLE rate_limits (
    key          TEXT PRIMARY KEY,
    window_start TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    count        INTEGER NOT NULL CHECK (count > 0)
);
--bun:split
CREATE INDEX rate_limits_expires_idx ON rate_limits (expires_at);
--bun:split
-- `server purge` deletes in batches of "rows older than X LIMIT n": these
-- indexes let each batch find its rows without scanning the whole table.
CREATE INDEX carts_guest_updated_idx ON carts (updated_at) WHERE user_id IS NULL;
--bun:split
CREATE INDEX sessions_expires_idx ON sessions (expires_at);
--bun:split
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
--bun:split
CREATE INDEX guest_idempotency_keys_created_idx ON guest_idempotency_keys (created_at);
