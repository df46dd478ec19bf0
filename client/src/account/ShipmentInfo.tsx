import type { Shipment } from '../api/types';
import { CARRIERS } from '../constants';
import { formatDate } from './format';

export function carrierName(code: string): string {
  return CARRIERS.find((c) => c.code === code)?.name ?? code;
}

/** The shipment rows of an order's details (a <div> of a <dl>). */
export function ShipmentInfo({ shipment }: { shipment: Shipment }) {
  return (
    <>
      <div>
        <dt>Shipped</dt>
        <dd>{formatDate(shipment.shippedAt)}</dd>
      </div>
      <div>
        <dt>Tracking</dt>
        <dd data-testid="tracking">
          {carrierName(shipment.carrier)} <span className="mono">{shipment.trackingNumber}</span>
        </dd>
      </div>
    </>
  );
}
