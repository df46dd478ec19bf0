DROP TABLE app_secrets;
--bun:split
DROP TABLE guest_idempotency_keys;
--bun:split
-- Guest orders cannot exist without a user: they go (items and payments cascade).
DELETE FROM orders WHERE user_id IS NULL;
--bun:split
ALTER TABLE orders DROP COLUMN email;
--bun:split
ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL;
