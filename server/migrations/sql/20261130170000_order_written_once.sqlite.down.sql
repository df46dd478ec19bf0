-- The insert trigger as 20261130120000_fulfilment made it.
DROP TRIGGER order_events_placed;
--bun:split
CREATE TRIGGER order_events_placed AFTER INSERT ON orders
BEGIN
    INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
    VALUES (NEW.id, 'placed', NEW.user_id, 'customer', NEW.created_at);
END;
