import type { Order } from '../api/types';
import { Price } from '../ui/Price';
import { AddressBlock } from '../ui/AddressBlock';
import { cardName } from './cancelCopy';
import { formatDate } from './format';
import { ShipmentInfo } from './ShipmentInfo';

export function OrderStatusBadge({ status }: { status: Order['status'] }) {
  return <span className={`badge badge--status-${status}`}>{status[0]?.toUpperCase() + status.slice(1)}</span>;
}

export function OrderSummary({ order }: { order: Order }) {
  const a = order.shippingAddress;
  return (
    <div className="order-summary">
      <section className="card" aria-labelledby={`order-${order.id}-items`}>
        <h2 id={`order-${order.id}-items`}>Items</h2>
        <table className="table">
          <thead>
            <tr>
              <th scope="col">Product</th>
              <th scope="col" className="num">
                Price
              </th>
              <th scope="col" className="num">
                Qty
              </th>
              <th scope="col" className="num">
                Total
              </th>
            </tr>
          </thead>
          <tbody>
            {order.lines.map((l) => (
              <tr key={l.productId}>
                <td>{l.name}</td>
                <td className="num">
                  <Price money={l.unitPrice} />
                </td>
                <td className="num">{l.quantity}</td>
                <td className="num">
                  <Price money={l.lineTotal} />
                </td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                Subtotal
              </th>
              <td className="num">
                <Price money={order.subtotal} />
              </td>
            </tr>
            <tr>
              <th scope="row" colSpan={3}>
                Shipping ({order.shippingMethod})
              </th>
              <td className="num">
                <Price money={order.shipping} />
              </td>
            </tr>
            <tr className="table__total">
              <th scope="row" colSpan={3}>
                Total
              </th>
              <td className="num" data-testid="order-total">
                <Price money={order.total} />
              </td>
            </tr>
          </tfoot>
        </table>
      </section>
      <section className="card" aria-labelledby={`order-${order.id}-details`}>
        <h2 id={`order-${order.id}-details`}>Details</h2>
        <dl className="details">
          <div>
            <dt>Status</dt>
            <dd>
              <OrderStatusBadge status={order.status} />
            </dd>
          </div>
          <div>
            <dt>Placed</dt>
            <dd>{formatDate(order.createdAt)}</dd>
          </div>
          <div>
            <dt>Payment</dt>
            <dd>
              {order.payment.last4 ? cardName(order.payment) : '—'}
              {order.payment.status === 'refunded' && ' (refunded)'}
            </dd>
          </div>
          {order.shipment && <ShipmentInfo shipment={order.shipment} />}
          <div>
            <dt>Ship to</dt>
            <dd>
              <AddressBlock address={a} />
            </dd>
          </div>
        </dl>
      </section>
    </div>
  );
}
