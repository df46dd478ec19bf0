// The meta description of every client route, keyed by the route's name in
// the route table (routes.ts); the type makes it name every route and no other.
import { SHOP_NAME } from './constants';
import type { RouteName } from './routes';

export const PAGE_DESCRIPTIONS = {
  home: `${SHOP_NAME}: hand-picked goods for home, desk and the outdoors, shipped fast and priced fairly.`,
  catalog: `Browse every product at ${SHOP_NAME} by category and price.`,
  search: `Search the ${SHOP_NAME} catalog.`,
  product: `A product at ${SHOP_NAME}.`,
  cart: `Your shopping cart at ${SHOP_NAME}.`,
  checkout: `Check out securely at ${SHOP_NAME}.`,
  confirmation: `Your ${SHOP_NAME} order is confirmed.`,
  orderLink: `An order at ${SHOP_NAME}, opened from its link.`,
  login: `Log in to your ${SHOP_NAME} account.`,
  register: `Create a ${SHOP_NAME} account to check out faster and follow your orders.`,
  account: `Your ${SHOP_NAME} account: profile, addresses and orders.`,
  order: `An order in your ${SHOP_NAME} account.`,
  forgotPassword: `Reset the password of your ${SHOP_NAME} account.`,
  resetPassword: `Choose a new password for your ${SHOP_NAME} account.`,
  accountSettings: `Your ${SHOP_NAME} profile and password.`,
  accountAddresses: `Your ${SHOP_NAME} address book: add, edit and delete the addresses you ship to.`,
  admin: `${SHOP_NAME} administration.`,
  adminProducts: `${SHOP_NAME} administration: products.`,
  adminNewProduct: `${SHOP_NAME} administration: a new product.`,
  adminProduct: `${SHOP_NAME} administration: edit a product.`,
  adminOrders: `${SHOP_NAME} administration: orders.`,
  adminOrder: `${SHOP_NAME} administration: an order.`,
  adminCustomers: `${SHOP_NAME} administration: customers.`,
} as const satisfies Record<RouteName, string>;

/** The description of a path that matches no route. */
export const NOT_FOUND_DESCRIPTION = `This page does not exist at ${SHOP_NAME}.`;
