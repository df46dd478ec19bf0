import { afterEach, describe, expect, it } from 'vitest';
import * as api from '../api';
import { toApiError } from '../api/errors';
import { setFetch } from '../api/http';
import { LIMITS } from '../api/limits';
import type { Address } from '../api/types';
import { addressFailure, emptyAddress, mapAddressErrors, toForm, validateAddress } from './addressBook';

const berlin: Address = { name: 'Erika Mustermann', line1: 'Unter den Linden 5', line2: '', city: 'Berlin', region: '', postalCode: '10117', country: 'DE', phone: '' };

describe('validateAddress', () => {
  it('accepts a complete address in a shipping country, whatever the case of its code', () => {
    expect(validateAddress(berlin)).toEqual({});
    expect(validateAddress({ ...berlin, country: 'de' })).toEqual({});
  });

  it('asks for every required field in its own words; blanks count as empty', () => {
    expect(validateAddress(emptyAddress())).toEqual({
      name: 'Enter the recipient’s name.',
      line1: 'Enter the street address.',
      city: 'Enter the city.',
      postalCode: 'Enter the postal code.',
      country: 'Choose a country.',
    });
    expect(validateAddress({ ...berlin, postalCode: '   ' })).toEqual({ postalCode: 'Enter the postal code.' });
  });

  it('refuses a country the shop does not ship to', () => {
    expect(validateAddress({ ...berlin, country: 'ZZ' })).toEqual({ country: 'Choose a country from the list.' });
  });
});

describe('mapAddressErrors', () => {
  it('puts the server’s field errors, as the app’s copy, next to the form fields', () => {
    const err = toApiError(422, {
      error: { code: 'invalid', message: 'validation failed', fields: { postal_code: `must be at most ${LIMITS.Address.postal_code.maxLength} characters`, country: 'is not a country the shop ships to' } },
    });
    const { fields, other } = mapAddressErrors(err);
    expect(fields).toEqual({
      postalCode: `The postal code can be at most ${LIMITS.Address.postal_code.maxLength} characters.`,
      country: 'We do not ship to that country yet. Please choose one from the list.',
    });
    expect(other).toEqual([]);
    expect(JSON.stringify(fields)).not.toContain('must be');
  });

  it('keeps errors on fields the form does not have as copy, without the server’s field name', () => {
    const err = toApiError(422, { error: { code: 'invalid', message: 'validation failed', fields: { something_else: 'is required' } } });
    expect(mapAddressErrors(err)).toEqual({ fields: {}, other: ['Please enter the value.'] });
  });
});

describe('addressFailure', () => {
  it('says what a 404 means for each action, and uses the one copy map otherwise', () => {
    expect(addressFailure(toApiError(404, { error: { code: 'not_found', message: 'address not found' } }), 'delete')).toBe('That address was already deleted.');
    expect(addressFailure(toApiError(404, {}), 'save')).toMatch(/no longer exists/);
    expect(addressFailure(toApiError(503, { error: { code: 'unavailable', message: 'database unavailable' } }), 'save')).toBe(
      'The shop is temporarily unavailable. Please try again in a moment.',
    );
    expect(addressFailure(new Error('TypeError: x is undefined'), 'delete')).toBe('Something went wrong on our side. Please try again.');
  });
});

describe('toForm', () => {
  it('drops the id of a saved address', () => {
    expect(toForm({ id: 3, ...berlin })).toEqual(berlin);
  });
});

describe('address book requests', () => {
  afterEach(() => setFetch((...a) => fetch(...a)));

  it('PUTs the whole address to its id and maps the answer; DELETE expects a 204', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const answers = [
      new Response(JSON.stringify({ id: 9, name: 'Erika Mustermann', line1: 'Unter den Linden 5', line2: '', city: 'Berlin', region: '', postal_code: '10117', country: 'DE', phone: '' }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      }),
      new Response(null, { status: 204 }),
    ];
    setFetch((input, init) => {
      calls.push({ url: input instanceof Request ? input.url : String(input), init: init ?? {} });
      const next = answers.shift();
      return next ? Promise.resolve(next) : Promise.reject(new Error('unexpected request'));
    });
    const saved = await api.updateAddress(9, { ...berlin, name: ' Erika Mustermann ', country: 'de' });
    expect(saved).toEqual({ id: 9, ...berlin });
    expect(calls[0]?.url).toBe('/api/v1/account/addresses/9');
    expect(calls[0]?.init.method).toBe('PUT');
    expect(JSON.parse(calls[0]?.init.body as string)).toEqual({
      name: 'Erika Mustermann',
      line1: 'Unter den Linden 5',
      line2: '',
      city: 'Berlin',
      region: '',
      postal_code: '10117',
      country: 'DE',
      phone: '',
    });
    await expect(api.deleteAddress(9)).resolves.toBeUndefined();
    expect(calls[1]?.url).toBe('/api/v1/account/addresses/9');
    expect(calls[1]?.init.method).toBe('DELETE');
  });
});
