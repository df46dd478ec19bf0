import { formatMoney } from '../api';
import type { Money } from '../api/types';

export function Price({ money, className }: { money: Money; className?: string }) {
  return <span className={className ? `price ${className}` : 'price'}>{formatMoney(money)}</span>;
}
