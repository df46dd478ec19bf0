import { AdminShell } from './AdminShell';
import { ProductEditor } from './ProductEditor';
import { emptyProduct } from './productForm';

export function AdminProductNewPage() {
  return (
    <AdminShell title="New product">
      <ProductEditor initial={emptyProduct} />
    </AdminShell>
  );
}
