import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Switch, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { PageHeader } from '../shared/PageHeader';
import { errorText, QueryState } from '../shared/QueryState';

/** ID Type Management: enable or disable each type (only enabled types can be chosen for a webhook). */
export function IdTypesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const types = useQuery({ queryKey: ['id-types'], queryFn: () => api('get', '/api/v1/id-types') });
  const toggle = useMutation({
    mutationFn: (type: Schemas['IdType']) => api('patch', '/api/v1/id-types/{code}', { path: { code: type.code }, body: { enabled: !type.enabled } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['id-types'] }),
    onError: (e) => void message.error(errorText(e)),
  });
  return (
    <>
      <PageHeader title={t('nav.idTypes')} />
      <Typography.Paragraph type="secondary">{t('idTypes.help')}</Typography.Paragraph>
      <QueryState query={types}>
        {() => (
          <Table<Schemas['IdType']> rowKey="code" pagination={false} dataSource={types.data?.items ?? []} data-testid="id-type-table"
            columns={[
              { title: t('idTypes.code'), dataIndex: 'code', render: (c: string) => <Typography.Text code>{c}</Typography.Text> },
              { title: t('idTypes.displayName'), dataIndex: 'displayName' },
              { title: t('idTypes.priority'), dataIndex: 'priority' },
              { title: t('idTypes.enabled'), render: (_: unknown, type) => <Switch checked={type.enabled} loading={toggle.isPending && toggle.variables?.code === type.code} onChange={() => toggle.mutate(type)} aria-label={type.code} /> },
            ]} />
        )}
      </QueryState>
    </>
  );
}
