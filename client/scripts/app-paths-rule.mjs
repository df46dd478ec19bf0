// The ESLint rule that keeps the app's paths in its one route table
// (src/routes.ts): a string or template in src/ that starts with a route's
// first segment ('/account/orders/7', `/products/${slug}`, '/checkout?x')
// is a link typed by hand, which a renamed route would silently break.
// Links use ROUTES from src/routes.ts instead. eslint.config.js applies it
// to src/ (but routes.ts and the tests); routes.test.ts runs it on samples
// and on every source file.
//
// An ESLint rule rather than a test that greps the sources: it reads the
// syntax tree, so comments and the JSON API's own paths (the argument of
// api/http.ts request(), relative to /api/v1) are told apart from links,
// and the editor marks the exact line.

const escapeRegex = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const MESSAGE = 'An app path typed by hand: build it with ROUTES from src/routes.ts (the route table), so that renaming a route changes this link too.';

// The JSON API's paths look like app paths ('/orders', '/cart'): the API
// module hands them to request(method, path), which prefixes /api/v1.
const NOT_API = ":not(CallExpression[callee.name='request'] > *)";

/** The no-restricted-syntax options that refuse hand-written paths of the routes with these patterns. */
export function appPathSelectors(patterns) {
  const firsts = [...new Set(patterns.map((p) => p.split('/')[1]).filter(Boolean))].sort();
  if (firsts.length === 0) throw new Error('routes.json: no route below /');
  const re = `^\\/(?:${firsts.map(escapeRegex).join('|')})(?:[\\/?#]|$)`;
  return [
    { selector: `Literal[value=/${re}/]${NOT_API}`, message: MESSAGE },
    { selector: `TemplateLiteral[quasis.0.value.raw=/${re}/]${NOT_API}`, message: MESSAGE },
    // The home page is '/', a string with other uses (split('/')): refused where it is a link.
    { selector: "JSXAttribute[name.name=/^(?:to|href)$/] Literal[value='/']", message: MESSAGE },
    { selector: "CallExpression[callee.name='navigate'] > Literal[value='/']", message: MESSAGE },
  ];
}
