import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Input, Space, Table, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { PageHeader } from '../shared/PageHeader';
import { errorText, QueryState } from '../shared/QueryState';
import { AudienceFormDialog } from './AudienceFormDialog';
import { ImportDialog } from './ImportDialog';

type Audience = Schemas['Audience'];

/** Audiences: the list with sizes and search, Create, Upload (CSV / NDJSON) and Delete. */
export function AudiencesPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [creating, setCreating] = useState(false);
  const [importing, setImporting] = useState<Audience | null>(null);

  const query = { ...page, ...(search ? { search } : {}) };
  const list = useQuery({ queryKey: ['audiences', query], queryFn: () => api('get', '/api/v1/audiences', { query }) });
  const refresh = () => client.invalidateQueries({ queryKey: ['audiences'] });

  const confirmDelete = (a: Audience) => {
    modal.confirm({
      title: t('audiences.deleteTitle', { name: a.name }),
      content: t('audiences.deleteText', { count: a.userCount }),
      okText: t('common.delete'),
      okButtonProps: { danger: true, 'data-testid': 'confirm-delete' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await api('delete', '/api/v1/audiences/{id}', { path: { id: a.id } });
          void message.success(t('common.deletedName', { name: a.name }));
          await refresh();
        } catch (e) {
          // 409: used by a task or journey (named in the message), or an import running.
          modal.error({ title: t('audiences.deleteBlocked'), content: <span data-testid="delete-blocked">{errorText(e)}</span> });
        }
      },
    });
  };

  const columns = [
    { title: t('audiences.name'), dataIndex: 'name', key: 'name', render: (name: string) => <Typography.Text strong>{name}</Typography.Text> },
    { title: t('audiences.description'), dataIndex: 'description', key: 'description', ellipsis: true },
    { title: t('audiences.size'), dataIndex: 'userCount', key: 'userCount', align: 'right' as const, render: (n: number) => <span data-testid="audience-size">{n.toLocaleString()}</span> },
    { title: t('common.updatedAt'), dataIndex: 'updatedAt', key: 'updatedAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      width: 220,
      render: (_: unknown, a: Audience) => (
        <Space>
          <Button size="small" icon={<UploadOutlined />} onClick={() => setImporting(a)} data-testid="upload">{t('audiences.upload')}</Button>
          <Button size="small" danger onClick={() => confirmDelete(a)} data-testid="delete">{t('common.delete')}</Button>
        </Space>
      ),
    },
  ];

  return (
    <>
      <PageHeader
        title={t('audiences.title')}
        extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-audience">{t('audiences.create')}</Button>}
      />
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search allowClear placeholder={t('audiences.searchPlaceholder')} onSearch={(v) => { setSearch(v.trim()); setPage((p) => ({ ...p, page: 1 })); }} style={{ width: 280 }} data-testid="search" />
      </Space>
      <QueryState query={list}>
        {() => (
          <Table<Audience>
            rowKey="id"
            data-testid="audience-table"
            columns={columns}
            dataSource={list.data?.items ?? []}
            scroll={{ x: 800 }}
            pagination={{ current: page.page, pageSize: page.pageSize, total: list.data?.total ?? 0, onChange: (p, s) => setPage({ page: p, pageSize: s }) }}
            locale={{ emptyText: t('audiences.empty') }}
          />
        )}
      </QueryState>
      {creating ? <AudienceFormDialog onClose={() => setCreating(false)} onCreated={(a) => { setCreating(false); setImporting(a); }} /> : null}
      {importing ? <ImportDialog audience={importing} onClose={() => setImporting(null)} /> : null}
    </>
  );
}
