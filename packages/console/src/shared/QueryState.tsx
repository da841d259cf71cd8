import { Alert, Button, Spin } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface QueryLike {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  refetch: () => unknown;
}

/** Loading spinner, or the error with a retry, or the children once the query has data. */
export function QueryState({ query, children }: { query: QueryLike; children: () => ReactNode }) {
  const { t } = useTranslation();
  if (query.isPending) return <Spin data-testid="loading" style={{ display: 'block', margin: '48px auto' }} />;
  if (query.isError) {
    return (
      <Alert
        type="error"
        showIcon
        title={t('common.loadFailed')}
        description={query.error instanceof Error ? query.error.message : String(query.error)}
        action={<Button onClick={() => void query.refetch()}>{t('common.retry')}</Button>}
      />
    );
  }
  return <>{children()}</>;
}

/** The message of any error, for notifications. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
