import { ROUTES } from './routes';
import { useNoIndex } from './lib/head';
import { Link } from './lib/router';
import { useDocumentTitle } from './lib/useResource';

export function NotFoundPage({ what = 'page' }: { what?: string }) {
  useDocumentTitle('Not found');
  useNoIndex();
  return (
    <div className="status status--empty">
      <h1>We could not find that {what}</h1>
      <p>It may have moved or no longer exists.</p>
      <p>
        <Link to={ROUTES.home}>Home</Link> · <Link to={ROUTES.catalog}>Catalog</Link>
      </p>
    </div>
  );
}
