// The address book's form state, validation and copy, as pure functions so
// that they can be tested without a browser. Field errors are the app's own
// words: the client's checks here, the server's through api/errors.ts
// (ApiError.fields is already copy).
import { ADDRESS_FORMATS } from '../api/countries';
import { ApiError, describeError } from '../api/errors';
import type { Address, SavedAddress } from '../api/types';

export type AddressField = keyof Address;
export type AddressErrors = Partial<Record<AddressField, string>>;

/** The order of the form's inputs: the first field with an error gets the focus. */
export const ADDRESS_FIELDS: readonly AddressField[] = ['name', 'line1', 'line2', 'city', 'region', 'postalCode', 'country', 'phone'];

/** A blank address; the country starts unchosen (the select says "Choose a country"). */
export function emptyAddress(name = ''): Address {
  return { name, line1: '', line2: '', city: '', region: '', postalCode: '', country: '', phone: '' };
}

/** The form's copy of a saved address (no id: PUT and POST take an address without one). */
export function toForm(a: Address | SavedAddress): Address {
  return { name: a.name, line1: a.line1, line2: a.line2, city: a.city, region: a.region, postalCode: a.postalCode, country: a.country, phone: a.phone };
}

const REQUIRED: [AddressField, string][] = [
  ['name', 'Enter the recipient’s name.'],
  ['line1', 'Enter the street address.'],
  ['city', 'Enter the city.'],
  ['postalCode', 'Enter the postal code.'],
  ['country', 'Choose a country.'],
];

/**
 * What the client can tell before asking the server: required fields and a
 * country the shop ships to. Lengths are held by the inputs' maxLength
 * (api/limits.ts); anything past them comes back from the server as copy.
 */
export function validateAddress(a: Address): AddressErrors {
  const errors: AddressErrors = {};
  for (const [field, message] of REQUIRED) {
    if (a[field].trim() === '') errors[field] = message;
  }
  if (!errors.country && ADDRESS_FORMATS[a.country.trim().toUpperCase()] === undefined) errors.country = 'Choose a country from the list.';
  return errors;
}

/** The server's field names on the address book (docs/api.md: snake_case, no prefix) -> form fields. */
const SERVER_FIELDS: Record<string, AddressField> = {
  name: 'name',
  line1: 'line1',
  line2: 'line2',
  city: 'city',
  region: 'region',
  postal_code: 'postalCode',
  country: 'country',
  phone: 'phone',
};

/**
 * Splits a refused save into messages next to fields and the rest. The
 * messages are ApiError.fields (copy from errors.ts), never the server's.
 */
export function mapAddressErrors(error: Pick<ApiError, 'fields'>): { fields: AddressErrors; other: string[] } {
  const fields: AddressErrors = {};
  const other: string[] = [];
  for (const [key, message] of Object.entries(error.fields)) {
    const field = SERVER_FIELDS[key.split('.').pop() ?? key];
    if (field) fields[field] = fields[field] ?? message;
    else if (!other.includes(message)) other.push(message);
  }
  return { fields, other };
}

/** The message above the form (or the list) for a failed save or delete. */
export function addressFailure(err: unknown, action: 'save' | 'delete'): string {
  if (err instanceof ApiError && err.code === 'not_found') {
    return action === 'delete' ? 'That address was already deleted.' : 'That address no longer exists. It may have been deleted in another window.';
  }
  return describeError(err);
}
