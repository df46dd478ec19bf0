// The one way the app prints a postal address: in the order of the
// destination country's own postal format (Google's address metadata,
// generated into api/countries.ts from the server's table), with the
// country's name, in English, on the last line.
import { ADDRESS_FORMATS } from '../api/countries';
import type { Address } from '../api/types';

/** Every field on its own line, for codes without a known format (old data). */
const FALLBACK_FORMAT = '%N%n%O%n%A%n%C%n%S%n%Z';

let regionNames: Intl.DisplayNames | null | undefined;

/** "Germany" for "DE", via the browser's CLDR data (no country table shipped); the code itself if unknown. */
export function countryName(code: string): string {
  if (regionNames === undefined) {
    try {
      regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });
    } catch {
      regionNames = null;
    }
  }
  try {
    return regionNames?.of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

type Part = { token: string } | { text: string };

function parseLine(line: string): Part[] {
  const parts: Part[] = [];
  const re = /%([A-Za-z])/g;
  let last = 0;
  for (let m = re.exec(line); m; m = re.exec(line)) {
    if (m.index > last) parts.push({ text: line.slice(last, m.index) });
    parts.push({ token: m[1] ?? '' });
    last = m.index + m[0].length;
  }
  if (last < line.length) parts.push({ text: line.slice(last) });
  return parts;
}

/**
 * The address as printed lines, e.g. for DE ["Erika Mustermann",
 * "Heidestraße 17", "51147 Köln", "Germany"] and for the US [..., "Springfield, IL 62704",
 * "United States"]. Literal text between fields (", ", "CH-", "〒") is kept
 * only when the fields on both sides of it are filled in.
 */
export function formatAddress(a: Address): string[] {
  const country = a.country.trim().toUpperCase();
  const format = ADDRESS_FORMATS[country] ?? FALLBACK_FORMAT;
  const street = [a.line1, a.line2].map((s) => s.trim()).filter(Boolean);
  const value = (token: string): string => {
    switch (token) {
      case 'N':
        return a.name.trim();
      case 'C':
        return a.city.trim();
      case 'S':
        return a.region.trim();
      case 'Z':
        return a.postalCode.trim();
      default:
        return ''; // %O organisation, %D district, %X sorting code: not collected
    }
  };
  const lines: string[] = [];
  for (const raw of format.split('%n')) {
    const parts = parseLine(raw);
    if (parts.some((p) => 'token' in p && p.token === 'A')) {
      // The street lines are lines of their own.
      lines.push(...street);
      continue;
    }
    let out = '';
    parts.forEach((p, i) => {
      if ('token' in p) {
        out += value(p.token);
        return;
      }
      const before = parts.slice(0, i).reverse().find((q): q is { token: string } => 'token' in q);
      const after = parts.slice(i + 1).find((q): q is { token: string } => 'token' in q);
      if ((!before || value(before.token) !== '') && (!after || value(after.token) !== '')) out += p.text;
      else if (/\s/.test(p.text)) out += ' '; // without a state, "Arlington, VA 22202" is "Arlington 22202"
    });
    out = out.replace(/\s+/g, ' ').trim();
    if (out !== '') lines.push(out);
  }
  if (country) lines.push(countryName(country));
  return lines;
}

/**
 * The address on one line, in the same order as formatAddress ("Erika
 * Mustermann, Unter den Linden 5, 10117 Berlin, Germany"): for a select's
 * option or a button's accessible name, where there is no room for lines.
 */
export function addressOneLine(a: Address): string {
  return formatAddress(a).join(', ');
}
