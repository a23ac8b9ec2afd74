import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach, beforeAll } from 'vitest';
import { preloadMarkdown } from '../chat/safe-markdown';

// `findBy…` waits up to 1 s by default: too little when the machine is busy.
configure({ asyncUtilTimeout: 5000 });

// Markdown loads lazily in the app; tests render it at once (safe-markdown.test.tsx covers the loading state).
beforeAll(async () => {
  await preloadMarkdown();
});

afterEach(() => {
  cleanup();
  window.localStorage.clear();
  window.sessionStorage.clear();
});
