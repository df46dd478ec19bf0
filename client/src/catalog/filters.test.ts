import { describe, expect, it } from 'vitest';
import { catalogHref, defaultFilters, filtersFromSearch, filtersToSearch, searchHref, toProductQuery, withFilter } from './filters';
import { matchPath } from '../lib/match';

describe('catalog filters in the URL', () => {
  it('round-trips through the query string, prices in major units', () => {
    const f = filtersFromSearch(new URLSearchParams('category=kitchen&min=10&max=49.5&sort=price_desc&page=3'));
    expect(f).toEqual({ category: 'kitchen', minPrice: 1000, maxPrice: 4950, sort: 'price_desc', page: 3 });
    expect(filtersToSearch(f).toString()).toBe('category=kitchen&min=10&max=49.50&sort=price_desc&page=3');
    expect(toProductQuery(f)).toMatchObject({ category: 'kitchen', minPrice: 1000, maxPrice: 4950, sort: 'price_desc', page: 3 });
  });

  it('ignores junk and swaps an inverted price range', () => {
    expect(filtersFromSearch(new URLSearchParams('sort=cheapest&page=-2&min=abc'))).toEqual(defaultFilters);
    const f = filtersFromSearch(new URLSearchParams('min=50&max=10'));
    expect([f.minPrice, f.maxPrice]).toEqual([1000, 5000]);
  });

  it('goes back to page 1 when a filter changes and builds short links', () => {
    const f = { ...defaultFilters, category: 'kitchen', page: 4 };
    expect(withFilter(f, { sort: 'name' }).page).toBe(1);
    expect(catalogHref({})).toBe('/catalog');
    expect(catalogHref({ category: 'kitchen' })).toBe('/catalog?category=kitchen');
    expect(searchHref(' lamp ', 2)).toBe('/search?q=lamp&page=2');
  });
});

describe('route matching', () => {
  it('matches params and rejects other shapes', () => {
    expect(matchPath('/products/:slug', '/products/blue%20mug')).toEqual({ slug: 'blue mug' });
    expect(matchPath('/products/:slug', '/products/')).toBeNull();
    expect(matchPath('/account', '/account/')).toEqual({});
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/account/orders/:id', '/account/orders/12/x')).toBeNull();
  });
});
