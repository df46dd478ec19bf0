// The admin area, loaded on demand as one chunk (App.tsx imports this
// index); one page per file. The server enforces the role; these checks only
// keep customers from a page that cannot work.
export { AdminHome } from './AdminShell';
export { AdminProductsPage } from './AdminProductsPage';
export { AdminProductNewPage } from './AdminProductNewPage';
export { AdminProductEditPage } from './AdminProductEditPage';
export { AdminOrdersPage } from './AdminOrdersPage';
export { AdminOrderPage } from './AdminOrderPage';
export { AdminCustomersPage } from './AdminCustomersPage';
