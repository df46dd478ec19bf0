-- The order history records an order inserted paid as placed, then paid.
DROP TRIGGER order_events_placed;
--bun:split
CREATE TRIGGER order_events_placed AFTER INSERT ON orders
BEGIN
    INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
    VALUES (NEW.id, 'placed', NEW.user_id, 'customer', NEW.created_at);
    INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
    SELECT NEW.id, NEW.status, NEW.user_id, 'customer', NEW.created_at
    WHERE NEW.status <> 'pending';
END;
