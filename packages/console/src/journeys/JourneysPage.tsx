import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../shared/api';
import { applyApiErrors } from '../shared/form-errors';
import { formatDateTime } from '../shared/format';
import { PageHeader } from '../shared/PageHeader';
import { QueryState } from '../shared/QueryState';
import type { Journey } from './definition';

type Status = Journey['status'];
export const STATUS_COLORS: Record<Status, string> = { draft: 'default', published: 'green', paused: 'orange', stopped: 'red' };

/** A new journey: a name; it starts as a draft with event entry and one end node (the API needs a node). */
function CreateJourneyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<{ name: string }>();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  const create = async () => {
    setProblem([]);
    setSaving(true);
    try {
      const journey = await api('post', '/api/v1/journeys', {
        body: { name: form.getFieldValue('name') ?? '', entry: { type: 'event', reentry: 'never' }, nodes: [{ id: 'end', type: 'end', name: t('journeys.defaultEndName') }], edges: [] },
      });
      await client.invalidateQueries({ queryKey: ['journeys'] });
      void navigate(`/journeys/${journey.id}`);
    } catch (error) {
      setProblem(applyApiErrors(form, error));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open title={t('journeys.create')} onCancel={onClose} onOk={() => void create()} confirmLoading={saving}
      okText={t('common.ok')} cancelText={t('common.cancel')} okButtonProps={{ 'data-testid': 'create-journey-ok' } as ButtonProps} data-testid="create-journey-dialog">
      <Form form={form} layout="vertical">
        <Form.Item name="name" label={t('journeys.field.name')} required>
          <Input maxLength={64} data-testid="create-journey-name" onPressEnter={() => void create()} />
        </Form.Item>
      </Form>
      <Typography.Text type="secondary">{t('journeys.createHelp')}</Typography.Text>
      {problem.length > 0 ? <Alert type="error" showIcon title={problem.join('; ')} style={{ marginTop: 12 }} /> : null}
    </Modal>
  );
}

/** Automated Marketing: the journeys with status and versions; search by name, filter by status, create, open. */
export function JourneysPage() {
  const { t } = useTranslation();
  const [status, setStatus] = useState<Status | 'all'>('all');
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  // The API filters by status only: the newest 200 are searched by name here.
  const query = { pageSize: 200, ...(status === 'all' ? {} : { status }) };
  const list = useQuery({ queryKey: ['journeys', query], queryFn: () => api('get', '/api/v1/journeys', { query }) });
  const items = (list.data?.items ?? []).filter((j) => j.name.toLowerCase().includes(search.toLowerCase()));
  const columns = [
    { title: t('journeys.field.name'), key: 'name', render: (_: unknown, j: Journey) => <Link to={`/journeys/${j.id}`} data-testid="journey-link">{j.name}</Link> },
    { title: t('journeys.field.status'), key: 'status', render: (_: unknown, j: Journey) => <Tag color={STATUS_COLORS[j.status]} data-testid="journey-status">{t(`journeys.status.${j.status}`)}</Tag> },
    {
      title: t('journeys.field.version'),
      key: 'version',
      render: (_: unknown, j: Journey) => (
        <Space size={4}>
          <span>{t('journeys.latestVersion', { version: j.version })}</span>
          {j.publishedVersion !== null ? <Tag>{t('journeys.publishedVersion', { version: j.publishedVersion })}</Tag> : null}
          {j.hasUnpublishedChanges ? <Tag color="warning">{t('journeys.unpublishedChanges')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('common.updatedAt'), key: 'updatedAt', render: (_: unknown, j: Journey) => formatDateTime(j.updatedAt) },
    { title: t('journeys.field.publishedAt'), key: 'publishedAt', render: (_: unknown, j: Journey) => formatDateTime(j.publishedAt) },
  ];
  return (
    <>
      <PageHeader title={t('journeys.title')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="create-journey">{t('journeys.create')}</Button>} />
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search allowClear placeholder={t('journeys.searchPlaceholder')} onSearch={(v) => setSearch(v.trim())} style={{ width: 280 }} data-testid="journey-search" />
        <Select<Status | 'all'> value={status} onChange={setStatus} style={{ width: 160 }} data-testid="journey-status-filter"
          options={[{ value: 'all', label: t('journeys.status.all') }, ...(['draft', 'published', 'paused', 'stopped'] as const).map((s) => ({ value: s, label: t(`journeys.status.${s}`) }))]} />
      </Space>
      <QueryState query={list}>
        {() => <Table<Journey> rowKey="id" data-testid="journey-table" columns={columns} dataSource={items} scroll={{ x: 800 }} locale={{ emptyText: t('journeys.empty') }} />}
      </QueryState>
      {creating ? <CreateJourneyDialog onClose={() => setCreating(false)} /> : null}
    </>
  );
}
