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
