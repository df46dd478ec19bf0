import type { SelectHTMLAttributes } from 'react';
import { ADDRESS_FORMATS } from '../api/countries';
import { countryName } from './address';
import { SelectField } from './Field';

/** The countries the shop ships to, by English name (the list comes from the server, see api/countries.ts). */
export function shippingCountries(): { code: string; name: string }[] {
  return Object.keys(ADDRESS_FORMATS)
    .map((code) => ({ code, name: countryName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
}

type Props = { label?: string; error?: string | undefined; hint?: string; className?: string } & Omit<SelectHTMLAttributes<HTMLSelectElement>, 'children'>;

/** A select of the shipping countries; its value is the ISO 3166-1 alpha-2 code. */
export function CountrySelect({ label = 'Country', ...rest }: Props) {
  const value = typeof rest.value === 'string' ? rest.value.toUpperCase() : rest.value;
  const known = typeof value === 'string' && value !== '' && ADDRESS_FORMATS[value] !== undefined;
  return (
    <SelectField label={label} autoComplete="country" {...rest} value={value}>
      {!known && <option value="">Choose a country</option>}
      {shippingCountries().map((c) => (
        <option key={c.code} value={c.code}>
          {c.name}
        </option>
      ))}
    </SelectField>
  );
}
