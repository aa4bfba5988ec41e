/**
 * The first entry script (index.html): as soon as this small script arrives, asks for GET /api/info and
 * starts loading the code of the page the URL names, while `main.tsx`'s shell chunk still downloads and
 * compiles. The shell takes both over (`backend.tsx`, `pages.ts`). A failure is theirs to report.
 */
import { pageFor } from './app/pages';
import { startBackendInfo } from './aws/backend-info';

startBackendInfo();
pageFor(window.location.pathname)
  ?.load()
  .catch(() => undefined);
