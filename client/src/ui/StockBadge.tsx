import type { Product } from '../api/types';
import { LOW_STOCK_THRESHOLD } from '../constants';

export function stockLabel(p: Pick<Product, 'inStock' | 'stock' | 'active'>): { text: string; tone: 'ok' | 'low' | 'out' } {
  if (!p.active) return { text: 'Unavailable', tone: 'out' };
  if (!p.inStock || p.stock <= 0) return { text: 'Out of stock', tone: 'out' };
  if (p.stock <= LOW_STOCK_THRESHOLD) return { text: `Only ${p.stock} left`, tone: 'low' };
  return { text: 'In stock', tone: 'ok' };
}

export function StockBadge({ product }: { product: Pick<Product, 'inStock' | 'stock' | 'active'> }) {
  const { text, tone } = stockLabel(product);
  return <span className={`badge badge--${tone}`}>{text}</span>;
}
