import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { AuthProvider } from './lib/auth';
import { createQueryClient } from './lib/queries';
import { applyTheme, savedTheme } from './lib/theme';
import './index.css';

applyTheme(savedTheme());
// With "System" chosen, follow the operating system when it switches between light and dark.
window.matchMedia?.('(prefers-color-scheme: dark)').addEventListener('change', () => {
  if (savedTheme() === 'system') applyTheme('system');
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
const client = createQueryClient();

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={client}>
      <AuthProvider>
        <App />
      </AuthProvider>
    </QueryClientProvider>
  </StrictMode>,
);
