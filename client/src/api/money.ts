import { DEFAULT_CURRENCY, DEFAULT_LOCALE } from '../constants';
import type { Money } from './types';
import type { WireMoney } from './wire';

export function toMoney(wire: WireMoney | null | undefined): Money {
  if (!wire || typeof wire.amount !== 'number' || !Number.isFinite(wire.amount)) {
    return { minor: 0, currency: DEFAULT_CURRENCY };
  }
  return { minor: Math.round(wire.amount), currency: (wire.currency || DEFAULT_CURRENCY).toUpperCase() };
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}|${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, f);
  }
  return f;
}

/** Digits after the decimal point of a currency's minor unit (USD 2, JPY 0, BHD 3). */
export function minorDigits(currency: string): number {
  return formatter(currency, DEFAULT_LOCALE).resolvedOptions().maximumFractionDigits ?? 2;
}

export function userLocale(): string {
  if (typeof navigator !== 'undefined' && navigator.language) return navigator.language;
  return DEFAULT_LOCALE;
}

/** "$19.99" for {minor: 1999, currency: "USD"}, in the user's locale. */
export function formatMoney(money: Money, locale: string = userLocale()): string {
  return formatter(money.currency, locale).format(money.minor / 10 ** minorDigits(money.currency));
}

/** Minor units from what a person typed ("19.99" -> 1999); null if not a price. */
export function parseMajor(input: string, currency: string = DEFAULT_CURRENCY): number | null {
  const text = input.trim().replace(/[\s,$]/g, '');
  if (text === '' || !/^\d+(\.\d+)?$/.test(text)) return null;
  const digits = minorDigits(currency);
  const [whole = '0', frac = ''] = text.split('.');
  if (frac.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(frac.padEnd(digits, '0') || '0');
}

/** "19.99" for 1999 USD: the inverse of parseMajor, for form fields and URLs. */
export function toMajorString(minor: number, currency: string = DEFAULT_CURRENCY): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const whole = Math.floor(minor / 10 ** digits);
  const frac = minor % 10 ** digits;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(digits, '0')}`;
}
