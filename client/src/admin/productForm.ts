import { toMajorString } from '../api/money';
import type { Product } from '../api/types';

export interface ProductFormState {
  sku: string;
  name: string;
  slug: string;
  description: string;
  price: string;
  categorySlug: string;
  stock: string;
  images: string;
  active: boolean;
  featured: boolean;
}

export const emptyProduct: ProductFormState = {
  sku: '',
  name: '',
  slug: '',
  description: '',
  price: '',
  categorySlug: '',
  stock: '0',
  images: '',
  active: true,
  featured: false,
};

export function fromProduct(p: Product): ProductFormState {
  return {
    sku: p.sku,
    name: p.name,
    slug: p.slug,
    description: p.description,
    price: toMajorString(p.price.minor, p.price.currency),
    categorySlug: p.category.slug,
    stock: String(p.stock),
    images: p.images.join('\n'),
    active: p.active,
    featured: p.featured,
  };
}

export type FormErrors = Partial<Record<keyof ProductFormState, string>>;

export const SERVER_PRODUCT_FIELDS: Record<string, keyof ProductFormState> = {
  sku: 'sku',
  name: 'name',
  slug: 'slug',
  description: 'description',
  price: 'price',
  category_slug: 'categorySlug',
  stock: 'stock',
  images: 'images',
};
