import { Fragment } from 'react';
import type { Address } from '../api/types';
import { formatAddress } from './address';

/** A postal address in its country's order (see formatAddress). */
export function AddressBlock({ address, className }: { address: Address; className?: string }) {
  const lines = formatAddress(address);
  return (
    <address className={className} data-testid="address">
      {lines.map((line, i) => (
        <Fragment key={i}>
          {i > 0 && <br />}
          {line}
        </Fragment>
      ))}
    </address>
  );
}
