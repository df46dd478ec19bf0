DROP TRIGGER IF EXISTS categories_catalog_changed ON categories;
--bun:split
DROP TRIGGER IF EXISTS products_catalog_changed ON products;
--bun:split
DROP FUNCTION IF EXISTS shop_catalog_changed();
--bun:split
DROP INDEX IF EXISTS products_active_newest_idx;
--bun:split
DROP INDEX IF EXISTS products_active_price_sort_idx;
--bun:split
DROP INDEX IF EXISTS products_active_name_idx;
--bun:split
DROP INDEX IF EXISTS products_active_category_idx;
--bun:split
DROP INDEX IF EXISTS products_active_featured_idx;
