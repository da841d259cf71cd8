import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Popconfirm, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { applyApiErrors, clearChangedErrors } from '../shared/form-errors';
import { formatDateTime } from '../shared/format';
import { errorText, QueryState } from '../shared/QueryState';

/** A member's API tokens: create (the token is shown once), list by prefix, revoke. */
export function TokensPanel({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<{ name: string }>();
  const [created, setCreated] = useState<Schemas['CreatedToken'] | null>(null);
  const tokens = useQuery({ queryKey: ['tokens', memberId], queryFn: () => api('get', '/api/v1/members/{id}/tokens', { path: { id: memberId } }) });
  const reload = () => client.invalidateQueries({ queryKey: ['tokens', memberId] });

  const create = async ({ name }: { name: string }) => {
    try {
      setCreated(await api('post', '/api/v1/members/{id}/tokens', { path: { id: memberId }, body: { name: name ?? '' } }));
      form.resetFields();
      await reload();
    } catch (e) {
      applyApiErrors(form, e).forEach((m) => void message.error(m));
    }
  };
  const revoke = async (id: string) => {
    try {
      await api('delete', '/api/v1/members/{id}/tokens/{tokenId}', { path: { id: memberId, tokenId: id } });
      await reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };

  return (
    <>
      <Form form={form} layout="inline" onValuesChange={(changed) => clearChangedErrors(form, changed)} onFinish={(v) => void create(v)} style={{ marginBottom: 16 }}>
        <Form.Item name="name" label={t('tokens.name')}><Input placeholder="CI" data-testid="token-name" /></Form.Item>
        <Button type="primary" htmlType="submit" data-testid="create-token">{t('tokens.create')}</Button>
      </Form>
      {created ? (
        <Alert type="success" showIcon closable onClose={() => setCreated(null)} style={{ marginBottom: 16 }} title={t('tokens.shownOnce')}
          description={<Typography.Text code copyable data-testid="created-token">{created.token}</Typography.Text>} />
      ) : null}
      <QueryState query={tokens}>
        {() => (
          <Table<Schemas['ApiToken']> rowKey="id" size="small" pagination={false} dataSource={tokens.data?.items ?? []} locale={{ emptyText: t('tokens.none') }}
            columns={[
              { title: t('tokens.name'), dataIndex: 'name' },
              { title: t('tokens.prefix'), dataIndex: 'prefix', render: (p: string) => <Typography.Text code>{p}…</Typography.Text> },
              { title: t('common.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatDateTime(v) },
              { title: t('tokens.lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null) => formatDateTime(v) },
              { title: '', render: (_: unknown, tk) => <Space><Popconfirm title={t('tokens.revokeConfirm')} onConfirm={() => void revoke(tk.id)} okText={t('tokens.revoke')} cancelText={t('common.cancel')}><Button size="small" danger>{t('tokens.revoke')}</Button></Popconfirm></Space> },
            ]} />
        )}
      </QueryState>
    </>
  );
}
