DROP INDEX guest_idempotency_keys_created_idx;
--bun:split
DROP INDEX idempotency_keys_created_idx;
--bun:split
DROP INDEX sessions_expires_idx;
--bun:split
DROP INDEX carts_guest_updated_idx;
--bun:split
DROP TABLE rate_limits;
