DROP TRIGGER IF EXISTS order_events_changed;
--bun:split
DROP TRIGGER IF EXISTS order_events_placed;
--bun:split
DROP TABLE IF EXISTS order_events;
--bun:split
ALTER TABLE payments DROP COLUMN brand;
--bun:split
ALTER TABLE orders DROP COLUMN status_actor_role;
--bun:split
ALTER TABLE orders DROP COLUMN status_actor_id;
--bun:split
ALTER TABLE orders DROP COLUMN shipped_at;
--bun:split
ALTER TABLE orders DROP COLUMN tracking_number;
--bun:split
ALTER TABLE orders DROP COLUMN carrier;
