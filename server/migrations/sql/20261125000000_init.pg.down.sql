DROP TABLE IF EXISTS idempotency_keys;
--bun:split
DROP TABLE IF EXISTS payments;
--bun:split
DROP TABLE IF EXISTS order_items;
--bun:split
DROP TABLE IF EXISTS orders;
--bun:split
DROP TABLE IF EXISTS cart_items;
--bun:split
DROP TABLE IF EXISTS carts;
--bun:split
DROP TABLE IF EXISTS addresses;
--bun:split
DROP TABLE IF EXISTS sessions;
--bun:split
DROP TABLE IF EXISTS users;
--bun:split
DROP TABLE IF EXISTS products;
--bun:split
DROP TABLE IF EXISTS categories;
