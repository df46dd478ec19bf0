import { describe, expect, it } from 'vitest';
import type { Address } from '../api/types';
import { addressOneLine, countryName, formatAddress } from './address';

const base: Address = { name: 'Erika Mustermann', line1: 'Heidestraße 17', line2: '', city: 'Köln', region: '', postalCode: '51147', country: 'DE', phone: '' };

describe('formatAddress', () => {
  it('puts the postal code before the city in DE and FR', () => {
    expect(formatAddress(base)).toEqual(['Erika Mustermann', 'Heidestraße 17', '51147 Köln', 'Germany']);
    expect(formatAddress({ ...base, name: 'Jean Dupont', line1: '8 rue de la Paix', line2: 'Bât. B', city: 'Paris', postalCode: '75002', country: 'fr' })).toEqual([
      'Jean Dupont',
      '8 rue de la Paix',
      'Bât. B',
      '75002 Paris',
      'France',
    ]);
  });

  it('writes city, state and ZIP on one line in the US, and drops the comma without a state', () => {
    const us = { ...base, name: 'Grace Hopper', line1: '1 Navy Way', city: 'Arlington', region: 'VA', postalCode: '22202', country: 'US' };
    expect(formatAddress(us)).toEqual(['Grace Hopper', '1 Navy Way', 'Arlington, VA 22202', 'United States']);
    expect(formatAddress({ ...us, region: '' })).toEqual(['Grace Hopper', '1 Navy Way', 'Arlington 22202', 'United States']);
  });

  it('prints Japan from the postal code down to the name', () => {
    const jp = { ...base, name: 'Yamada Taro', line1: '1-1 Chiyoda', city: 'Chiyoda-ku', region: 'Tokyo', postalCode: '100-0001', country: 'JP' };
    expect(formatAddress(jp)).toEqual(['〒100-0001', 'TokyoChiyoda-ku', '1-1 Chiyoda', 'Yamada Taro', 'Japan']);
  });

  it('keeps prefixes only with a value (CH-8001), and every line for the UK', () => {
    expect(formatAddress({ ...base, city: 'Zürich', postalCode: '8001', country: 'CH' })).toContain('CH-8001 Zürich');
    expect(formatAddress({ ...base, name: 'Ada', line1: '1 Analytical St', city: 'London', postalCode: 'N1 9GU', country: 'GB' })).toEqual([
      'Ada',
      '1 Analytical St',
      'London',
      'N1 9GU',
      'United Kingdom',
    ]);
  });

  it('prints every field for a country without a known format', () => {
    expect(formatAddress({ ...base, region: 'SP', city: 'São Paulo', postalCode: '01000-000', country: 'BR' })).toEqual([
      'Erika Mustermann',
      'Heidestraße 17',
      'São Paulo',
      'SP',
      '01000-000',
      'Brazil',
    ]);
  });

  it('names countries through Intl.DisplayNames', () => {
    expect(countryName('NZ')).toBe('New Zealand');
  });
});

describe('shippingCountries', () => {
  it('lists the generated shipping countries by English name', async () => {
    const { shippingCountries } = await import('./CountrySelect');
    const list = shippingCountries();
    expect(list.length).toBe(22);
    expect(list[0]).toEqual({ code: 'AU', name: 'Australia' });
    expect(list).toContainEqual({ code: 'DE', name: 'Germany' });
    expect(list.map((c) => c.code)).not.toContain('ZZ');
    expect(list.map((c) => c.name)).toEqual([...list.map((c) => c.name)].sort((a, b) => a.localeCompare(b, 'en')));
  });
});

describe('addressOneLine', () => {
  it('joins the printed lines in the country’s order, for a select option or a button name', () => {
    expect(addressOneLine({ ...base, city: 'Berlin', postalCode: '10117', line1: 'Unter den Linden 5' })).toBe('Erika Mustermann, Unter den Linden 5, 10117 Berlin, Germany');
    expect(addressOneLine({ ...base, name: 'Grace Hopper', line1: '1 Navy Way', line2: 'Suite 2', city: 'Arlington', region: 'VA', postalCode: '22202', country: 'US' })).toBe(
      'Grace Hopper, 1 Navy Way, Suite 2, Arlington, VA 22202, United States',
    );
  });
});
