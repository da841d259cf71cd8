import { DownOutlined, ExperimentOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Dropdown, Input, Select, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api';
import { useIsAdmin } from '../shared/auth';
import { formatDateTime } from '../shared/format';
import { PageHeader } from '../shared/PageHeader';
import { errorText, QueryState } from '../shared/QueryState';
import { GrantDialog } from './GrantDialog';
import { TestSendDialog } from './TestSendDialog';
import type { Webhook } from './webhook-form';
import { WebhookFormDialog, type FormMode } from './WebhookFormDialog';

type EnabledFilter = 'all' | 'enabled' | 'disabled';

/** Webhook Management: the list with the enable switch, latest test, and the Test / Edit / Grant / Copy / Delete actions. */
export function WebhooksPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const admin = useIsAdmin();
  const client = useQueryClient();
  const [search, setSearch] = useState('');
  const [enabled, setEnabled] = useState<EnabledFilter>('all');
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [form, setForm] = useState<FormMode | null>(null);
  const [testing, setTesting] = useState<Webhook | null>(null);
  const [granting, setGranting] = useState<Webhook | null>(null);

  const query = { ...page, ...(search ? { search } : {}), ...(enabled === 'all' ? {} : { enabled: enabled === 'enabled' }) };
  const list = useQuery({ queryKey: ['webhooks', query], queryFn: () => api('get', '/api/v1/webhooks', { query }) });
  const refresh = () => client.invalidateQueries({ queryKey: ['webhooks'] });

  const toggle = useMutation({
    mutationFn: (w: Webhook) => api('post', w.enabled ? '/api/v1/webhooks/{id}/disable' : '/api/v1/webhooks/{id}/enable', { path: { id: w.id } }),
    onSuccess: () => refresh(),
    onError: (e) => void message.error(errorText(e)),
  });

  const confirmDelete = (w: Webhook) => {
    modal.confirm({
      title: t('webhooks.deleteTitle', { name: w.name }),
      content: t('webhooks.deleteText'),
      okText: t('common.delete'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-delete' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api('delete', '/api/v1/webhooks/{id}', { path: { id: w.id } });
          void message.success(t('webhooks.deleted', { name: w.name }));
          await refresh();
        } catch (e) {
          // The API says why (enabled, used by a task...): show it as it is.
          modal.error({ title: t('webhooks.deleteBlocked'), content: <span data-testid="delete-blocked">{errorText(e)}</span> });
        }
      },
    });
  };

  const adminOnly = t('access.adminOnly');
  const columns = [
    { title: t('webhooks.field.name'), dataIndex: 'name', key: 'name', render: (name: string) => <Typography.Text strong>{name}</Typography.Text> },
    { title: t('webhooks.field.url'), dataIndex: 'url', key: 'url', ellipsis: true },
    { title: t('webhooks.field.idTypes'), dataIndex: 'idTypes', key: 'idTypes', render: (types: string[]) => types.map((c) => <Tag key={c}>{c}</Tag>) },
    {
      title: t('webhooks.latestTest'),
      key: 'latestTest',
      render: (_: unknown, w: Webhook) => (w.latestTest
        ? <Space direction="vertical" size={0} data-testid="latest-test"><Tag color={w.latestTest.ok ? 'green' : 'red'}>{w.latestTest.ok ? t('test.success') : t('test.failure')}</Tag><Typography.Text type="secondary" style={{ fontSize: 12 }}>{formatDateTime(w.latestTest.at)}</Typography.Text></Space>
        : <Typography.Text type="secondary">{t('webhooks.neverTested')}</Typography.Text>),
    },
    {
      title: t('webhooks.enabled'),
      key: 'enabled',
      render: (_: unknown, w: Webhook) => (
        <Tooltip title={admin ? undefined : adminOnly}>
          <Switch checked={w.enabled} disabled={!admin} loading={toggle.isPending && toggle.variables?.id === w.id} onChange={() => toggle.mutate(w)} data-testid="enabled-switch" aria-label={t('webhooks.enabled')} />
        </Tooltip>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right' as const,
      width: 240,
      render: (_: unknown, w: Webhook) => {
        const editReason = !admin ? adminOnly : w.enabled ? t('webhooks.disableToEdit') : undefined;
        return (
          <Space>
            <Tooltip title={t('webhooks.testSend')}>
              <Button size="small" icon={<ExperimentOutlined />} onClick={() => setTesting(w)} data-testid="test-send">{t('webhooks.test')}</Button>
            </Tooltip>
            <Tooltip title={editReason}>
              <Button size="small" disabled={editReason !== undefined} onClick={() => setForm({ kind: 'edit', webhook: w })} data-testid="edit">{t('common.edit')}</Button>
            </Tooltip>
            <Tooltip title={admin ? undefined : adminOnly}>
              <Dropdown
                disabled={!admin}
                trigger={['click']}
                menu={{
                  items: [
                    { key: 'grant', label: t('webhooks.grant'), onClick: () => setGranting(w) },
                    { key: 'copy', label: t('webhooks.copy'), onClick: () => setForm({ kind: 'copy', webhook: w }) },
                    { key: 'delete', danger: true, label: t('common.delete'), onClick: () => confirmDelete(w) },
                  ],
                }}
              >
                <Button size="small" data-testid="more">{t('common.more')} <DownOutlined /></Button>
              </Dropdown>
            </Tooltip>
          </Space>
        );
      },
    },
  ];

  return (
    <>
      <PageHeader
        title={t('nav.webhooks')}
        extra={
          <Tooltip title={admin ? undefined : adminOnly}>
            <Button type="primary" icon={<PlusOutlined />} disabled={!admin} onClick={() => setForm({ kind: 'create' })} data-testid="create-webhook">{t('webhooks.create')}</Button>
          </Tooltip>
        }
      />
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search allowClear placeholder={t('webhooks.searchPlaceholder')} onSearch={(v) => { setSearch(v.trim()); setPage((p) => ({ ...p, page: 1 })); }} style={{ width: 280 }} data-testid="search" />
        <Select<EnabledFilter> value={enabled} onChange={(v) => { setEnabled(v); setPage((p) => ({ ...p, page: 1 })); }} style={{ width: 160 }}
          options={[{ value: 'all', label: t('webhooks.filter.all') }, { value: 'enabled', label: t('webhooks.filter.enabled') }, { value: 'disabled', label: t('webhooks.filter.disabled') }]} />
      </Space>
      <QueryState query={list}>
        {() => (
          <Table<Webhook>
            rowKey="id"
            data-testid="webhook-table"
            columns={columns}
            dataSource={list.data?.items ?? []}
            scroll={{ x: 960 }}
            pagination={{ current: page.page, pageSize: page.pageSize, total: list.data?.total ?? 0, onChange: (p, s) => setPage({ page: p, pageSize: s }) }}
            locale={{ emptyText: t('webhooks.empty') }}
          />
        )}
      </QueryState>
      {form ? <WebhookFormDialog mode={form} onClose={() => setForm(null)} /> : null}
      {testing ? <TestSendDialog webhook={testing} onClose={() => { setTesting(null); void refresh(); }} /> : null}
      {granting ? <GrantDialog webhook={granting} onClose={() => setGranting(null)} /> : null}
    </>
  );
}
