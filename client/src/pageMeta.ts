// The meta description of every client route, keyed by the patterns of
// routes.json (the one route table: the router renders it, the build copies
// it for the Go static handler, scripts/nginx-routes.mjs turns it into the
// nginx locations). pageMeta.test.ts checks that the keys are exactly the
// table's patterns; App.tsx's page map is typed by these keys.
import { SHOP_NAME } from './constants';

export const PAGE_DESCRIPTIONS = {
  '/': `${SHOP_NAME}: hand-picked goods for home, desk and the outdoors, shipped fast and priced fairly.`,
  '/catalog': `Browse every product at ${SHOP_NAME} by category and price.`,
  '/search': `Search the ${SHOP_NAME} catalog.`,
  '/products/:slug': `A product at ${SHOP_NAME}.`,
  '/cart': `Your shopping cart at ${SHOP_NAME}.`,
  '/checkout': `Check out securely at ${SHOP_NAME}.`,
  '/checkout/confirmation/:id': `Your ${SHOP_NAME} order is confirmed.`,
  '/orders/link/:token': `An order at ${SHOP_NAME}, opened from its link.`,
  '/account/login': `Log in to your ${SHOP_NAME} account.`,
  '/account/register': `Create a ${SHOP_NAME} account to check out faster and follow your orders.`,
  '/account': `Your ${SHOP_NAME} account: profile, addresses and orders.`,
  '/account/orders/:id': `An order in your ${SHOP_NAME} account.`,
  '/account/forgot-password': `Reset the password of your ${SHOP_NAME} account.`,
  '/account/reset-password': `Choose a new password for your ${SHOP_NAME} account.`,
  '/account/settings': `Your ${SHOP_NAME} profile and password.`,
  '/account/addresses': `Your ${SHOP_NAME} address book: add, edit and delete the addresses you ship to.`,
  '/admin': `${SHOP_NAME} administration.`,
  '/admin/products': `${SHOP_NAME} administration: products.`,
  '/admin/products/new': `${SHOP_NAME} administration: a new product.`,
  '/admin/products/:id': `${SHOP_NAME} administration: edit a product.`,
  '/admin/orders': `${SHOP_NAME} administration: orders.`,
  '/admin/orders/:id': `${SHOP_NAME} administration: an order.`,
  '/admin/customers': `${SHOP_NAME} administration: customers.`,
} as const;

export type RoutePattern = keyof typeof PAGE_DESCRIPTIONS;

/** The description of a path that matches no route. */
export const NOT_FOUND_DESCRIPTION = `This page does not exist at ${SHOP_NAME}.`;
