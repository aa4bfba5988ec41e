import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { RouterProvider } from 'react-router';
import { AppProvider, createQueryClient } from './app/provider';
import { backendInfoQuery } from './aws/backend';
import { router } from './app/router';
import { applyTheme, readThemePreference } from './lib/theme';
import './index.css';

applyTheme(readThemePreference());

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');

// Which backend this is (GET /api/info) is read now, while the first page's code loads: the shell
// renders only once that code is in (React Router's first load), and every AWS call waits for it.
// In a build the query takes the request `preload.ts` already sent; under `npm run dev` it sends it.
const client = createQueryClient();
void client.prefetchQuery(backendInfoQuery);

createRoot(root).render(
  <StrictMode>
    <AppProvider client={client}>
      <RouterProvider router={router} />
    </AppProvider>
  </StrictMode>,
);
