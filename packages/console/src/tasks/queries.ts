import { useQuery } from '@tanstack/react-query';
import { api } from '../shared/api';

/** Enabled webhooks the member may use now (the API lists only those for a non-administrator). */
export function useUsableWebhooks() {
  return useQuery({ queryKey: ['webhooks', { enabled: true, pageSize: 200 }], queryFn: () => api('get', '/api/v1/webhooks', { query: { enabled: true, pageSize: 200 } }) });
}

/** Audiences for the pickers (newest first). */
export function useAudienceOptions() {
  return useQuery({ queryKey: ['audiences', { pageSize: 200 }], queryFn: () => api('get', '/api/v1/audiences', { query: { pageSize: 200 } }) });
}

/** A task with its stats; refreshed every `refreshMs` when given. */
export function useTaskDetail(id: string, refreshMs: (status: string | undefined, remainingMs: number | null | undefined) => number | false) {
  return useQuery({
    queryKey: ['task', id],
    queryFn: () => api('get', '/api/v1/tasks/{id}', { path: { id } }),
    refetchInterval: (query) => refreshMs(query.state.data?.task.status, query.state.data?.stats.receiptWindow?.remainingMs),
  });
}

/** Every webhook the member can see (names for the task list, whether enabled or not). */
export function useWebhookNames() {
  return useQuery({ queryKey: ['webhooks', { pageSize: 200 }], queryFn: () => api('get', '/api/v1/webhooks', { query: { pageSize: 200 } }) });
}
