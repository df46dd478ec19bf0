// The client's one route table: every page's name and path pattern, in the
// order the router tries them (the first match wins, so a fixed path comes
// before a parameterised one it would shadow: /admin/products/new before
// /admin/products/:id). Links are built from these patterns by ROUTES below,
// so renaming a path here changes every link to it; ESLint
// (scripts/app-paths-rule.mjs) refuses a path typed by hand anywhere else
// in src/.
//
// routes.json is this table's patterns for the readers that are not
// TypeScript: the build copies it for the Go static handler,
// scripts/nginx-routes.mjs turns it into the nginx locations, Go and browser
// tests read it. routes.test.ts fails when it is stale; after changing the
// table, rewrite it and the nginx locations with
//   npx vitest run src/routes.test.ts -u
export const ROUTE_PATTERNS = {
  home: '/',
  catalog: '/catalog',
  search: '/search',
  product: '/products/:slug',
  cart: '/cart',
  checkout: '/checkout',
  confirmation: '/checkout/confirmation/:id',
  /** A signed order link (server/domain OrderLinkPath): shows an order without a login. */
  orderLink: '/orders/link/:token',
  login: '/account/login',
  register: '/account/register',
  account: '/account',
  // The server links to order and resetPassword from e-mails (contract PageOrder, PageResetPassword).
  order: '/account/orders/:id',
  forgotPassword: '/account/forgot-password',
  resetPassword: '/account/reset-password',
  accountSettings: '/account/settings',
  accountAddresses: '/account/addresses',
  admin: '/admin',
  adminProducts: '/admin/products',
  adminNewProduct: '/admin/products/new',
  adminProduct: '/admin/products/:id',
  adminOrders: '/admin/orders',
  adminOrder: '/admin/orders/:id',
  adminCustomers: '/admin/customers',
} as const;

export type RouteName = keyof typeof ROUTE_PATTERNS;

// The parameters of a pattern, read like lib/match.ts does: a segment
// ":name" is the parameter "name".
type Segment<P extends string> = P extends `${infer Head}/${infer Rest}` ? Head | Segment<Rest> : P;
type ParamOf<S> = S extends `:${infer Name}` ? Name : never;
type ParamName<P extends string> = ParamOf<Segment<P>>;
type RouteParams<P extends string> = { readonly [K in ParamName<P>]: string | number };

/** A fixed path is its pattern; a parameterised one is a function of its parameters. */
type PathBuilder<P extends string> = [ParamName<P>] extends [never] ? P : (params: RouteParams<P>) => string;

/** The path of a pattern with its parameters filled in (each one URI-encoded, as lib/match.ts decodes it). */
export function fillPattern(pattern: string, params: Readonly<Record<string, string | number>>): string {
  return pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment;
      const value = params[segment.slice(1)];
      if (value === undefined) throw new Error(`route ${pattern}: no value for ${segment}`);
      return encodeURIComponent(String(value));
    })
    .join('/');
}

function builder(pattern: string): string | ((params: Readonly<Record<string, string | number>>) => string) {
  return pattern.includes('/:') ? (params) => fillPattern(pattern, params) : pattern;
}

type Paths = { readonly [N in RouteName]: PathBuilder<(typeof ROUTE_PATTERNS)[N]> };

/**
 * The path of every route, built from its pattern: `ROUTES.catalog` is
 * '/catalog', `ROUTES.order({ id: 7 })` is '/account/orders/7'. Links and
 * redirects use these, never string literals.
 */
// Object.fromEntries forgets the names' types; routes.test.ts checks each builder against its pattern.
export const ROUTES = Object.fromEntries(Object.entries(ROUTE_PATTERNS).map(([name, pattern]) => [name, builder(pattern)])) as unknown as Paths;

/**
 * The log-in page, returning to `next` (a path of this app) once the
 * visitor has logged in: `loginThen(ROUTES.checkout)` is
 * '/account/login?next=%2Fcheckout'.
 */
export function loginThen(next: string): string {
  return `${ROUTES.login}?next=${encodeURIComponent(next)}`;
}
