import { Component, type ErrorInfo, type ReactNode } from 'react';

interface Props {
  /** Changing it (the current path) clears the error: navigating away recovers. */
  resetKey: string;
  children: ReactNode;
}

/**
 * Catches render errors and failed lazy chunks (a tab left open across a
 * deploy asks for a chunk that no longer exists) and offers a reload
 * instead of a blank page.
 */
export class ErrorBoundary extends Component<Props, { error: Error | null; key: string }> {
  state = { error: null as Error | null, key: this.props.resetKey };

  static getDerivedStateFromError(error: Error) {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: { error: Error | null; key: string }) {
    return props.resetKey !== state.key ? { error: null, key: props.resetKey } : null;
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('page failed to render', error, info.componentStack);
  }

  render() {
    if (!this.state.error) return this.props.children;
    return (
      <div className="status status--error" role="alert">
        <h1>This page could not be shown</h1>
        <p>The shop may have been updated while it was open. Reloading usually fixes it.</p>
        <button type="button" className="button button--primary" onClick={() => window.location.reload()}>
          Reload
        </button>
      </div>
    );
  }
}
