import { useQuery } from '@tanstack/react-query';
import { api } from '../shared/api';

/** Every ID type (the dialog offers the enabled ones). */
export function useIdTypes() {
  return useQuery({ queryKey: ['id-types'], queryFn: () => api('get', '/api/v1/id-types') });
}

/** Managed parameters for the parameter-call selector (administrators only). */
export function useManagedParameters(enabled = true) {
  return useQuery({ queryKey: ['parameters', 'all'], queryFn: () => api('get', '/api/v1/parameters', { query: { pageSize: 200 } }), enabled });
}
