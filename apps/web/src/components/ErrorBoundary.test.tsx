// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ErrorBoundary } from './ErrorBoundary';

afterEach(cleanup);

function Broken({ message }: { message: string }): never {
  throw new Error(message);
}

describe('the page error boundary', () => {
  it('shows what went wrong and offers a reload instead of a blank page', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <ErrorBoundary resetKey="/">
        <Broken message="holdings is not iterable" />
      </ErrorBoundary>,
    );
    expect(screen.getByRole('alert').textContent).toContain('holdings is not iterable');
    expect(screen.getByRole('button', { name: 'Reload' })).toBeTruthy();
  });

  it('explains a page chunk that vanished with an upgrade', () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    render(
      <ErrorBoundary resetKey="/">
        <Broken message="Failed to fetch dynamically imported module: /assets/Holdings-abc.js" />
      </ErrorBoundary>,
    );
    expect(screen.getByText('Meridian was updated')).toBeTruthy();
  });
});
