-- Catalog change notifications for products, narrowed to what the
-- catalog shows (store.CatalogChannel; see migration
-- 20261130140000_catalog_read for the rest).
DROP TRIGGER products_catalog_changed ON products;
--bun:split
CREATE TRIGGER products_catalog_changed AFTER INSERT OR DELETE OR TRUNCATE ON products
    FOR EACH STATEMENT EXECUTE FUNCTION shop_catalog_changed();
--bun:split
-- Every column but stock (and the generated search column, which follows
-- name and description). UPDATE OF fires when the statement sets one of
-- them, whether or not the value changed. A column added to products must
-- be added here: TestProductTriggersCoverEveryColumn fails until it is.
CREATE TRIGGER products_catalog_edited
    AFTER UPDATE OF id, sku, slug, name, description, price, currency, category_id, images, attributes,
        active, featured, created_at, updated_at
    ON products
    FOR EACH STATEMENT EXECUTE FUNCTION shop_catalog_changed();
--bun:split
-- A sale or a cancellation sets stock alone: notify only when the stock
-- the catalog shows, LEAST(stock, 99), changed (99 is
-- domain.MaxShownStock; TestShownStockTriggerMatchesTheDomain pins it).
-- NOTIFY folds identical notifications of one transaction into one.
CREATE TRIGGER products_shown_stock_changed
    AFTER UPDATE OF stock ON products
    FOR EACH ROW WHEN (LEAST(OLD.stock, 99) IS DISTINCT FROM LEAST(NEW.stock, 99))
    EXECUTE FUNCTION shop_catalog_changed();
