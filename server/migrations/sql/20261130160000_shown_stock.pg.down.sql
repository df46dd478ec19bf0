DROP TRIGGER IF EXISTS products_shown_stock_changed ON products;
--bun:split
DROP TRIGGER IF EXISTS products_catalog_edited ON products;
--bun:split
DROP TRIGGER IF EXISTS products_catalog_changed ON products;
--bun:split
CREATE TRIGGER products_catalog_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION shop_catalog_changed();
