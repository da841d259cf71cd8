import { useQuery } from '@tanstack/react-query';
import { DatePicker, Input, Select, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { PageHeader } from '../shared/PageHeader';
import { QueryState } from '../shared/QueryState';

const RESOURCE_TYPES = ['webhook', 'parameter', 'id_type', 'member', 'member_group', 'role', 'api_token', 'webhook_grant'];

/** The audit log: configuration and grant changes, filtered by resource, action, actor and time. */
export function AuditLogPage() {
  const { t } = useTranslation();
  const [resourceType, setResourceType] = useState<string | undefined>();
  const [action, setAction] = useState('');
  const [resourceId, setResourceId] = useState('');
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const query = {
    ...page,
    ...(resourceType ? { resourceType } : {}),
    ...(action ? { action } : {}),
    ...(resourceId ? { resourceId } : {}),
    ...(range?.[0] ? { from: range[0].toISOString() } : {}),
    ...(range?.[1] ? { to: range[1].toISOString() } : {}),
  };
  const log = useQuery({ queryKey: ['audit', query], queryFn: () => api('get', '/api/v1/audit-log', { query }) });
  const reset = () => setPage((p) => ({ ...p, page: 1 }));
  return (
    <>
      <PageHeader title={t('nav.audit')} />
      <Space wrap style={{ marginBottom: 16 }}>
        <Select allowClear placeholder={t('audit.resourceType')} value={resourceType} onChange={(v) => { setResourceType(v); reset(); }} style={{ width: 200 }}
          options={RESOURCE_TYPES.map((v) => ({ value: v, label: t(`audit.types.${v}`) }))} data-testid="audit-type" />
        <Input.Search allowClear placeholder={t('audit.action')} onSearch={(v) => { setAction(v.trim()); reset(); }} style={{ width: 200 }} />
        <Input.Search allowClear placeholder={t('audit.resourceId')} onSearch={(v) => { setResourceId(v.trim()); reset(); }} style={{ width: 240 }} />
        <DatePicker.RangePicker showTime onChange={(v) => { setRange(v as [Dayjs | null, Dayjs | null] | null); reset(); }} />
      </Space>
      <QueryState query={log}>
        {() => (
          <Table<Schemas['AuditEntry']> rowKey="id" dataSource={log.data?.items ?? []} scroll={{ x: 900 }} data-testid="audit-table"
            pagination={{ current: page.page, pageSize: page.pageSize, total: log.data?.total ?? 0, onChange: (p, s) => setPage({ page: p, pageSize: s }) }}
            expandable={{ expandedRowRender: (e) => <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify({ before: e.before, after: e.after }, null, 2)}</pre> }}
            columns={[
              { title: t('audit.at'), dataIndex: 'at', render: (v: string) => formatDateTime(v) },
              { title: t('audit.actor'), render: (_: unknown, e) => e.actor.name },
              { title: t('audit.action'), dataIndex: 'action', render: (a: string) => <Tag>{a}</Tag> },
              { title: t('audit.resourceType'), dataIndex: 'resourceType', render: (v: string) => t(`audit.types.${v}`, { defaultValue: v }) },
              { title: t('audit.resourceId'), dataIndex: 'resourceId', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            ]} />
        )}
      </QueryState>
    </>
  );
}
