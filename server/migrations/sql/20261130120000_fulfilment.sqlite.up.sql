-- Same schema as the PostgreSQL file; see the comments there.
ALTER TABLE orders ADD COLUMN carrier TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE orders ADD COLUMN tracking_number TEXT NOT NULL DEFAULT '';
--bun:split
ALTER TABLE orders ADD COLUMN shipped_at TIMESTAMP;
--bun:split
ALTER TABLE orders ADD COLUMN status_actor_id BIGINT;
--bun:split
ALTER TABLE orders ADD COLUMN status_actor_role TEXT CHECK (status_actor_role IN ('customer', 'admin'));
--bun:split
ALTER TABLE payments ADD COLUMN brand TEXT NOT NULL DEFAULT '';
--bun:split
CREATE TABLE order_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id   BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('placed', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
    actor_id   BIGINT,
    actor_role TEXT NOT NULL CHECK (actor_role IN ('customer', 'admin', 'system')),
    created_at TIMESTAMP NOT NULL
);
--bun:split
CREATE INDEX order_events_order_idx ON order_events (order_id, created_at, id);
--bun:split
CREATE TRIGGER order_events_placed AFTER INSERT ON orders
BEGIN
    INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
    VALUES (NEW.id, 'placed', NEW.user_id, 'customer', NEW.created_at);
END;
--bun:split
-- One trigger with two statements, so a cancellation with a refund is
-- recorded in that order (cancelled, then refunded).
CREATE TRIGGER order_events_changed AFTER UPDATE OF status, payment_status ON orders
BEGIN
    INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
    SELECT NEW.id, NEW.status, COALESCE(NEW.status_actor_id, NEW.user_id),
           COALESCE(NEW.status_actor_role, 'customer'), NEW.updated_at
    WHERE NEW.status IS NOT OLD.status;
    INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
    SELECT NEW.id, 'refunded', COALESCE(NEW.status_actor_id, NEW.user_id),
           COALESCE(NEW.status_actor_role, 'customer'), NEW.updated_at
    WHERE NEW.payment_status = 'refunded' AND OLD.payment_status IS NOT 'refunded';
END;
--bun:split
INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
SELECT id, 'placed', user_id, 'customer', created_at FROM orders;
--bun:split
INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
SELECT o.id, 'paid', o.user_id, 'customer', p.created_at
FROM orders AS o JOIN payments AS p ON p.order_id = o.id AND p.kind = 'charge';
--bun:split
INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
SELECT id, status, NULL, 'system', updated_at FROM orders WHERE status IN ('shipped', 'delivered', 'cancelled');
--bun:split
INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
SELECT order_id, 'refunded', NULL, 'system', created_at FROM payments WHERE kind = 'refund';
