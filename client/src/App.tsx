import { lazy, Suspense, useState, type FormEvent, type ReactNode } from 'react';
import { LIMITS } from './api/limits';
import { SessionProvider, useSession } from './account/SessionProvider';
import { CartLink } from './cart/CartLink';
import { CartPage } from './cart/CartPage';
import { CartProvider } from './cart/CartProvider';
import { CatalogPage } from './catalog/CatalogPage';
import { HomePage } from './catalog/HomePage';
import { ProductPage } from './catalog/ProductPage';
import { SearchPage } from './catalog/SearchPage';
import { searchHref } from './catalog/filters';
import { SHOP_NAME } from './constants';
import { NotFoundPage } from './NotFoundPage';
import { Link, navigate, Routes, useFocusOnNavigate, useLocation, type Route } from './lib/router';
import { useRouteDescription } from './lib/head';
import { matchPath } from './lib/match';
import { NOT_FOUND_DESCRIPTION, PAGE_DESCRIPTIONS } from './pageMeta';
import { ROUTE_PATTERNS, ROUTES, type RouteName } from './routes';
import { ErrorBoundary } from './ui/ErrorBoundary';
import { Loading } from './ui/Status';

// Checkout, account and admin are separate chunks: most visits never need them.
const CheckoutPage = lazy(() => import('./checkout/CheckoutPage'));
const ConfirmationPage = lazy(() => import('./checkout/ConfirmationPage'));
const OrderLinkPage = lazy(() => import('./checkout/OrderLinkPage'));
const auth = () => import('./account/authPages');
const account = () => import('./account/pages');
const LoginPage = lazy(() => auth().then((m) => ({ default: m.LoginPage })));
const RegisterPage = lazy(() => auth().then((m) => ({ default: m.RegisterPage })));
const AccountPage = lazy(() => account().then((m) => ({ default: m.AccountPage })));
const OrderPage = lazy(() => account().then((m) => ({ default: m.OrderPage })));
const ForgotPasswordPage = lazy(() => auth().then((m) => ({ default: m.ForgotPasswordPage })));
const ResetPasswordPage = lazy(() => auth().then((m) => ({ default: m.ResetPasswordPage })));
const AccountSettingsPage = lazy(() => account().then((m) => ({ default: m.AccountSettingsPage })));
const AddressBookPage = lazy(() => account().then((m) => ({ default: m.AddressBookPage })));
const admin = () => import('./admin/pages');
const AdminHome = lazy(() => admin().then((m) => ({ default: m.AdminHome })));
const AdminProductsPage = lazy(() => admin().then((m) => ({ default: m.AdminProductsPage })));
const AdminProductNewPage = lazy(() => admin().then((m) => ({ default: m.AdminProductNewPage })));
const AdminProductEditPage = lazy(() => admin().then((m) => ({ default: m.AdminProductEditPage })));
const AdminOrdersPage = lazy(() => admin().then((m) => ({ default: m.AdminOrdersPage })));
const AdminOrderPage = lazy(() => admin().then((m) => ({ default: m.AdminOrderPage })));
const AdminCustomersPage = lazy(() => admin().then((m) => ({ default: m.AdminCustomersPage })));

// What each route of the one route table (routes.ts) renders.
const pages: Record<RouteName, () => ReactNode> = {
  home: () => <HomePage />,
  catalog: () => <CatalogPage />,
  search: () => <SearchPage />,
  product: () => <ProductPage />,
  cart: () => <CartPage />,
  checkout: () => <CheckoutPage />,
  confirmation: () => <ConfirmationPage />,
  orderLink: () => <OrderLinkPage />,
  login: () => <LoginPage />,
  register: () => <RegisterPage />,
  account: () => <AccountPage />,
  order: () => <OrderPage />,
  forgotPassword: () => <ForgotPasswordPage />,
  resetPassword: () => <ResetPasswordPage />,
  accountSettings: () => <AccountSettingsPage />,
  accountAddresses: () => <AddressBookPage />,
  admin: () => <AdminHome />,
  adminProducts: () => <AdminProductsPage />,
  adminNewProduct: () => <AdminProductNewPage />,
  adminProduct: () => <AdminProductEditPage />,
  adminOrders: () => <AdminOrdersPage />,
  adminOrder: () => <AdminOrderPage />,
  adminCustomers: () => <AdminCustomersPage />,
};

// In the table's order: the first match wins.
const routes: (Route & { name: RouteName })[] = (Object.keys(ROUTE_PATTERNS) as RouteName[]).map((name) => ({
  name,
  path: ROUTE_PATTERNS[name],
  render: pages[name],
}));

export function App() {
  return (
    <CartProvider>
      <SessionProvider>
        <Shell>
          <Page />
        </Shell>
      </SessionProvider>
    </CartProvider>
  );
}

function Page() {
  const { pathname } = useLocation();
  const route = routes.find((r) => matchPath(r.path, pathname));
  useRouteDescription(route ? PAGE_DESCRIPTIONS[route.name] : NOT_FOUND_DESCRIPTION);
  return (
    <ErrorBoundary resetKey={pathname}>
      <Suspense fallback={<Loading />}>
        <Routes routes={routes} fallback={() => <NotFoundPage />} />
      </Suspense>
    </ErrorBoundary>
  );
}

function Shell({ children }: { children: ReactNode }) {
  useFocusOnNavigate();
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Header />
      <main id="main" className="container main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <div className="container footer__inner">
          <p>
            © {SHOP_NAME}. A demo storefront: no real payments are taken.
          </p>
          <nav aria-label="Footer">
            <ul className="footer__links">
              <li>
                <Link to={ROUTES.catalog}>Catalog</Link>
              </li>
              <li>
                <Link to={ROUTES.account}>Account</Link>
              </li>
              <li>
                <Link to={ROUTES.cart}>Cart</Link>
              </li>
            </ul>
          </nav>
        </div>
      </footer>
    </>
  );
}

function Header() {
  const { user } = useSession();
  const { pathname } = useLocation();
  const onSearchPage = pathname === ROUTES.search;
  const [q, setQ] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (q.trim()) navigate(searchHref(q));
  };
  const current = (path: string) => (pathname === path || pathname.startsWith(`${path}/`) ? 'page' : undefined);
  return (
    <header className="header">
      <div className="container header__inner">
        <Link to={ROUTES.home} className="header__logo">
          <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="7" fill="currentColor" />
            <path d="M9 12h14l-1.6 11H10.6z" fill="#fff" />
          </svg>
          <span>{SHOP_NAME}</span>
        </Link>
        {!onSearchPage && (
          <form className="search-form header__search" role="search" aria-label="Site search" onSubmit={submit}>
            <label htmlFor="header-search" className="visually-hidden">
              Search products
            </label>
            <input id="header-search" type="search" placeholder="Search products" value={q} onChange={(e) => setQ(e.target.value)} maxLength={LIMITS.getSearch.q.maxLength} autoComplete="off" enterKeyHint="search" />
            <button type="submit" className="button button--primary">
              Search
            </button>
          </form>
        )}
        <nav className="header__nav" aria-label="Main">
          <ul>
            <li>
              <Link to={ROUTES.catalog} aria-current={current(ROUTES.catalog)}>
                Catalog
              </Link>
            </li>
            {user?.role === 'admin' && (
              <li>
                <Link to={ROUTES.admin} aria-current={current(ROUTES.admin)}>
                  Admin
                </Link>
              </li>
            )}
            <li>
              {user ? (
                <Link to={ROUTES.account} aria-current={current(ROUTES.account)}>
                  Account
                </Link>
              ) : (
                <Link to={ROUTES.login} aria-current={current(ROUTES.login)}>
                  Log in
                </Link>
              )}
            </li>
            <li>
              <CartLink />
            </li>
          </ul>
        </nav>
      </div>
    </header>
  );
}
