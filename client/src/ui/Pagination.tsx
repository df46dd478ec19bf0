import { Link } from '../lib/router';

/** Page links; `href(n)` builds the URL of page n so that pages are real, shareable links. */
export function Pagination({ page, pageCount, href }: { page: number; pageCount: number; href: (page: number) => string }) {
  if (pageCount <= 1) return null;
  const pages: number[] = [];
  for (let n = Math.max(1, page - 2); n <= Math.min(pageCount, page + 2); n++) pages.push(n);
  return (
    <nav className="pagination" aria-label="Pages">
      {page > 1 ? (
        <Link to={href(page - 1)} className="pagination__step" rel="prev">
          ← Previous
        </Link>
      ) : (
        <span className="pagination__step" aria-hidden="true" />
      )}
      <ul>
        {pages.map((n) => (
          <li key={n}>
            {n === page ? (
              <span className="pagination__page pagination__page--current" aria-current="page">
                <span className="visually-hidden">Page </span>
                {n}
              </span>
            ) : (
              <Link to={href(n)} className="pagination__page">
                <span className="visually-hidden">Page </span>
                {n}
              </Link>
            )}
          </li>
        ))}
      </ul>
      {page < pageCount ? (
        <Link to={href(page + 1)} className="pagination__step" rel="next">
          Next →
        </Link>
      ) : (
        <span className="pagination__step" aria-hidden="true" />
      )}
    </nav>
  );
}
