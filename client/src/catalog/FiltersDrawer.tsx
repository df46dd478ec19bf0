// On narrow screens the catalog's filters live in a drawer (a native modal
// <dialog>: the browser traps focus, closes it on Escape and gives focus
// back to the "Filters" button), so that the first products are on the
// first screen instead of below a tall block of filters.
import { useEffect, useRef, useState, useSyncExternalStore, type MouseEvent, type ReactNode } from 'react';

/** Where the catalog turns to one column (the "Narrow screens" media query of styles.css). */
export const NARROW_QUERY = '(max-width: 860px)';

/** Whether a media query matches, following changes (rotation, resizing). */
export function useMediaQuery(query: string): boolean {
  return useSyncExternalStore(
    (onChange) => {
      const mql = window.matchMedia(query);
      mql.addEventListener('change', onChange);
      return () => mql.removeEventListener('change', onChange);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/**
 * A "Filters" button and the drawer it opens. `closeKey` closes the drawer
 * when it changes (a filter was applied: the results are what the person
 * wants to see next).
 */
export function FiltersDrawer({ children, closeKey, activeCount }: { children: ReactNode; closeKey: string; activeCount: number }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);

  useEffect(() => {
    if (dialog.current?.open) dialog.current.close();
  }, [closeKey]);

  const show = () => {
    dialog.current?.showModal();
    setOpen(true);
  };
  const close = () => dialog.current?.close();
  // A click on the backdrop lands on the <dialog> itself.
  const onDialogClick = (e: MouseEvent<HTMLDialogElement>) => {
    if (e.target === e.currentTarget) close();
  };

  return (
    <>
      <button type="button" className="button button--secondary filters-toggle" aria-haspopup="dialog" aria-expanded={open} aria-controls="filters-drawer" onClick={show}>
        Filters{activeCount > 0 && <span className="filters-toggle__count"> ({activeCount} on)</span>}
      </button>
      {/* The backdrop click is a mouse shortcut for what Escape (native to a modal dialog) and the Close button do. */}
      {/* eslint-disable-next-line jsx-a11y/click-events-have-key-events, jsx-a11y/no-noninteractive-element-interactions */}
      <dialog id="filters-drawer" ref={dialog} className="filters-drawer" aria-labelledby="filters-drawer-title" onClose={() => setOpen(false)} onClick={onDialogClick}>
        <div className="filters-drawer__header">
          <h2 id="filters-drawer-title">Filters</h2>
          <button type="button" className="button button--secondary" onClick={close}>
            Close
          </button>
        </div>
        <div className="filters">{children}</div>
      </dialog>
    </>
  );
}
