import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { App, Button, Descriptions, Drawer, Input, List, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { PageHeader } from '../shared/PageHeader';
import { errorText, QueryState } from '../shared/QueryState';
import type { Parameter } from './parameter-form';
import { ParameterFormDialog } from './ParameterFormDialog';

/** The parameter's details with what uses it (the single read answers usedBy). */
function ParameterDetails({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const detail = useQuery({ queryKey: ['parameters', 'one', id], queryFn: () => api('get', '/api/v1/parameters/{id}', { path: { id } }) });
  return (
    <Drawer open width={560} title={t('parameters.details')} onClose={onClose} data-testid="parameter-details">
      <QueryState query={detail}>
        {() => {
          const p = detail.data!;
          return (
            <>
              <Descriptions column={1} bordered size="small" items={[
                { key: 'name', label: t('parameters.field.name'), children: p.name },
                { key: 'kind', label: t('parameters.field.kind'), children: t(`parameters.kind.${p.kind}`) },
                { key: 'description', label: t('parameters.field.description'), children: p.description || '—' },
                ...(p.kind === 'interface'
                  ? [
                    { key: 'url', label: t('parameters.field.url'), children: p.url },
                    { key: 'auth', label: t('webhooks.field.authMethod'), children: t(`webhooks.auth.${p.authMethod}`) },
                    { key: 'system', label: t('parameters.field.associateSystem'), children: p.systemParameters.map((s) => `${s.name} (${t(`parameters.system.${s.value}`)})`).join(', ') || t('common.no') },
                    { key: 'assoc', label: t('parameters.field.associateOther'), children: p.associatedParameters.map((a) => a.name).join(', ') || t('common.no') },
                  ]
                  : [{ key: 'values', label: t('parameters.values'), children: p.values.map((v) => <Tag key={v.name}>{v.displayName || v.name} ({v.name}){v.parentValue ? ` ← ${v.parentValue}` : ''}</Tag>) }]),
                { key: 'updated', label: t('common.updatedAt'), children: formatDateTime(p.updatedAt) },
              ]} />
              <List style={{ marginTop: 16 }} header={t('parameters.usedBy')} bordered size="small" dataSource={p.usedBy ?? []}
                locale={{ emptyText: t('parameters.unused') }}
                renderItem={(u) => <List.Item>{t(`parameters.userKind.${u.kind}`)}: {u.name}</List.Item>} />
            </>
          );
        }}
      </QueryState>
    </Drawer>
  );
}

/** Webhook Parameter Management: list, create, edit, details, delete, and "fetch values" for interfaces. */
export function ParametersPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const [search, setSearch] = useState('');
  const [kind, setKind] = useState<'all' | 'constant' | 'interface'>('all');
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const [editing, setEditing] = useState<Parameter | null | undefined>(undefined);
  const [details, setDetails] = useState<string | null>(null);
  const query = { ...page, ...(search ? { search } : {}), ...(kind === 'all' ? {} : { kind }) };
  const list = useQuery({ queryKey: ['parameters', 'page', query], queryFn: () => api('get', '/api/v1/parameters', { query }) });

  const confirmDelete = (p: Parameter) => modal.confirm({
    title: t('parameters.deleteTitle', { name: p.name }),
    okText: t('common.delete'),
    cancelText: t('common.cancel'),
    okButtonProps: { danger: true },
    onOk: async () => {
      try {
        await api('delete', '/api/v1/parameters/{id}', { path: { id: p.id } });
        void message.success(t('common.deletedName', { name: p.name }));
        await client.invalidateQueries({ queryKey: ['parameters'] });
      } catch (e) {
        modal.error({ title: t('parameters.deleteBlocked'), content: <span data-testid="delete-blocked">{errorText(e)}</span> });
      }
    },
  });

  const fetchValues = async (p: Parameter) => {
    const hide = message.loading(t('parameters.fetching'), 0);
    try {
      const options = await api('get', '/api/v1/parameters/{id}/options', { path: { id: p.id } });
      Modal.info({
        title: t('parameters.fetched', { name: p.name, count: options.items.length }),
        width: 560,
        content: <List size="small" dataSource={options.items} renderItem={(o) => <List.Item>{o.displayName} <Tag>{o.name}</Tag>{o.parentValue ? <Tag color="blue">{o.parentValue}</Tag> : null}</List.Item>} />,
      });
    } catch (e) {
      Modal.error({ title: t('parameters.fetchFailed'), content: errorText(e) });
    } finally {
      hide();
    }
  };

  return (
    <>
      <PageHeader title={t('nav.parameters')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="create-parameter">{t('parameters.create')}</Button>} />
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search allowClear placeholder={t('parameters.searchPlaceholder')} onSearch={(v) => { setSearch(v.trim()); setPage((x) => ({ ...x, page: 1 })); }} style={{ width: 260 }} />
        <Select value={kind} onChange={(v) => { setKind(v); setPage((x) => ({ ...x, page: 1 })); }} style={{ width: 180 }}
          options={[{ value: 'all', label: t('parameters.allKinds') }, { value: 'constant', label: t('parameters.kind.constant') }, { value: 'interface', label: t('parameters.kind.interface') }]} />
      </Space>
      <QueryState query={list}>
        {() => (
          <Table<Parameter>
            rowKey="id"
            data-testid="parameter-table"
            dataSource={list.data?.items ?? []}
            scroll={{ x: 800 }}
            locale={{ emptyText: t('parameters.empty') }}
            pagination={{ current: page.page, pageSize: page.pageSize, total: list.data?.total ?? 0, onChange: (p, s) => setPage({ page: p, pageSize: s }) }}
            columns={[
              { title: t('parameters.field.name'), dataIndex: 'name' },
              { title: t('parameters.field.kind'), dataIndex: 'kind', render: (k: Parameter['kind']) => <Tag color={k === 'constant' ? 'purple' : 'cyan'}>{t(`parameters.kind.${k}`)}</Tag> },
              { title: t('parameters.field.description'), dataIndex: 'description', ellipsis: true },
              { title: t('common.updatedAt'), dataIndex: 'updatedAt', render: (v: string) => formatDateTime(v) },
              {
                title: t('common.actions'),
                render: (_: unknown, p) => (
                  <Space>
                    <Button size="small" onClick={() => setDetails(p.id)}>{t('parameters.details')}</Button>
                    <Button size="small" onClick={() => setEditing(p)}>{t('common.edit')}</Button>
                    {p.kind === 'interface' ? <Button size="small" onClick={() => void fetchValues(p)} data-testid="fetch-values">{t('parameters.fetchValues')}</Button> : null}
                    <Button size="small" danger onClick={() => confirmDelete(p)}>{t('common.delete')}</Button>
                  </Space>
                ),
              },
            ]}
          />
        )}
      </QueryState>
      {editing !== undefined ? <ParameterFormDialog parameter={editing} onClose={() => setEditing(undefined)} /> : null}
      {details ? <ParameterDetails id={details} onClose={() => setDetails(null)} /> : null}
    </>
  );
}
