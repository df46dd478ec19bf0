import { useState } from 'react';
import * as api from '../api';
import type { Product } from '../api/types';
import { useParams } from '../lib/router';
import { useResource } from '../lib/useResource';
import { ErrorState, Loading } from '../ui/Status';
import { AdminShell } from './AdminShell';
import { ProductEditor, StockEditor } from './ProductEditor';
import { fromProduct } from './productForm';

export function AdminProductEditPage() {
  const { id = '' } = useParams();
  const loaded = useResource((s) => api.adminFindProduct(Number(id), s), id);
  // The stock form updates this copy, so its success message is not lost to a reload.
  const [updated, setUpdated] = useState<Product | null>(null);
  const product = updated ?? loaded.data;
  return (
    <AdminShell title={product ? `Edit ${product.name}` : 'Edit product'}>
      {loaded.status === 'loading' && <Loading label="Loading product…" />}
      {loaded.status === 'error' && <ErrorState error={loaded.error} onRetry={loaded.reload} />}
      {loaded.status === 'ok' && product && (
        <>
          <StockEditor product={product} onSaved={setUpdated} />
          <ProductEditor key={product.id} initial={fromProduct(product)} product={product} />
        </>
      )}
    </AdminShell>
  );
}
