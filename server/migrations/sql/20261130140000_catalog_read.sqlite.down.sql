DROP INDEX IF EXISTS products_active_newest_idx;
--bun:split
DROP INDEX IF EXISTS products_active_price_sort_idx;
--bun:split
DROP INDEX IF EXISTS products_active_name_idx;
--bun:split
DROP INDEX IF EXISTS products_active_category_idx;
--bun:split
DROP INDEX IF EXISTS products_active_featured_idx;
