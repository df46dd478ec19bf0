-- The storefront list: active products, featured first, then by name
-- (ListProducts' default sort), alone and within a category (the
-- category pages, and the per-category counts of ListCategories).
CREATE INDEX products_active_featured_idx ON products (featured DESC, lower(name), id) WHERE active;
--bun:split
CREATE INDEX products_active_category_idx ON products (category_id, featured DESC, lower(name), id) WHERE active;
--bun:split
-- The other sorts of the list.
CREATE INDEX products_active_name_idx ON products (lower(name), id) WHERE active;
--bun:split
CREATE INDEX products_active_price_sort_idx ON products (price, id) WHERE active;
--bun:split
CREATE INDEX products_active_newest_idx ON products (created_at DESC, id DESC) WHERE active;
--bun:split
-- Catalog change notification (store.CatalogChannel): once per writing
-- statement, delivered at commit (NOTIFY is transactional), to every
-- replica that LISTENs. The payload is empty: a replica drops its whole
-- catalog cache.
CREATE FUNCTION shop_catalog_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('shop_catalog', '');
    RETURN NULL;
END
$$;
--bun:split
CREATE TRIGGER products_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION shop_catalog_changed();
--bun:split
CREATE TRIGGER categories_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON categories
    FOR EACH STATEMENT EXECUTE FUNCTION shop_catalog_changed();
