-- The order history records an order inserted paid as placed, then paid.
CREATE OR REPLACE FUNCTION order_events_record() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        -- Placed, and then the status it was inserted in (a checkout
        -- inserts its order paid), in that order.
        INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
        SELECT NEW.id, e.kind, NEW.user_id, 'customer', NEW.created_at
        FROM (VALUES (1, 'placed'), (2, NEW.status)) AS e (n, kind)
        WHERE e.n = 1 OR NEW.status <> 'pending'
        ORDER BY e.n;
        RETURN NULL;
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
        VALUES (NEW.id, NEW.status, COALESCE(NEW.status_actor_id, NEW.user_id),
                COALESCE(NEW.status_actor_role, 'customer'), NEW.updated_at);
    END IF;
    IF NEW.payment_status = 'refunded' AND OLD.payment_status IS DISTINCT FROM 'refunded' THEN
        INSERT INTO order_events (order_id, kind, actor_id, actor_role, created_at)
        VALUES (NEW.id, 'refunded', COALESCE(NEW.status_actor_id, NEW.user_id),
                COALESCE(NEW.status_actor_role, 'customer'), NEW.updated_at);
    END IF;
    RETURN NULL;
END
$$;
