import { MutationCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiError } from './api/client';
import { App } from './app/App';
import './ui/styles.css';

/** A 4xx will not get better by asking again; a network blip or a 5xx may. */
function retry(failures: number, error: unknown): boolean {
  if (error instanceof ApiError && error.status >= 400 && error.status < 500) {
    return false;
  }
  return failures < 2;
}

const queryClient: QueryClient = new QueryClient({
  // Every change (or refused change) on a router is on its activity trail: whatever
  // page made it, the activity shown next is read again.
  mutationCache: new MutationCache({
    onSettled: () =>
      queryClient.invalidateQueries({ predicate: (query) => query.queryKey[2] === 'activity' }),
  }),
  defaultOptions: {
    queries: { retry, staleTime: 10_000, refetchOnWindowFocus: true },
    mutations: { retry: false },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
