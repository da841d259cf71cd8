import { PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Button, Input, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import { api } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { PageHeader } from '../shared/PageHeader';
import { QueryState } from '../shared/QueryState';
import { useAudienceOptions, useWebhookNames } from './queries';
import { STATUS_COLOR, TASK_STATUSES, type Task, type TaskStatus } from './task-rules';
import { TaskActions } from './TaskActions';

/** Reach Marketing: the task list with status and filters; Edit / Cancel / Delete as the API allows, saying why not. */
export function TasksPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<TaskStatus | undefined>();
  const [webhookId, setWebhookId] = useState<string | undefined>();
  const [audienceId, setAudienceId] = useState<string | undefined>();
  const [page, setPage] = useState({ page: 1, pageSize: 20 });
  const webhooks = useWebhookNames();
  const audiences = useAudienceOptions();
  const webhookName = new Map((webhooks.data?.items ?? []).map((w) => [w.id, w.name]));
  const audienceName = new Map((audiences.data?.items ?? []).map((a) => [a.id, a.name]));

  const query = { ...page, ...(search ? { search } : {}), ...(status ? { status } : {}), ...(webhookId ? { webhookId } : {}), ...(audienceId ? { audienceId } : {}) };
  const list = useQuery({
    queryKey: ['tasks', query],
    queryFn: () => api('get', '/api/v1/tasks', { query }),
    // Statuses move on their own while tasks run.
    refetchInterval: (q) => (q.state.data?.items.some((x) => x.status === 'pending' || x.status === 'sending') ? 5000 : false),
  });
  const filtered = (reset: () => void) => { reset(); setPage((p) => ({ ...p, page: 1 })); };

  const columns = [
    { title: t('tasks.field.name'), dataIndex: 'name', key: 'name', render: (name: string, task: Task) => <Link to={`/tasks/${task.id}`} data-testid="task-link"><Typography.Text strong>{name}</Typography.Text></Link> },
    { title: t('tasks.field.status'), dataIndex: 'status', key: 'status', render: (s: TaskStatus, task: Task) => (
      <Tooltip title={task.failure ? `${task.failure.code}: ${task.failure.message}` : undefined}><Tag color={STATUS_COLOR[s]} data-testid="task-status">{t(`tasks.status.${s}`)}</Tag></Tooltip>
    ) },
    { title: t('tasks.field.audience'), dataIndex: 'audienceId', key: 'audienceId', render: (v: string) => audienceName.get(v) ?? v },
    { title: t('tasks.field.webhook'), dataIndex: 'webhookId', key: 'webhookId', render: (v: string) => webhookName.get(v) ?? v },
    { title: t('tasks.field.idType'), dataIndex: 'idType', key: 'idType', render: (v: string) => <Tag>{v}</Tag> },
    { title: t('tasks.field.sendAt'), dataIndex: 'sendAt', key: 'sendAt', render: (v: string) => formatDateTime(v) },
    {
      title: t('common.actions'),
      key: 'actions',
      fixed: 'right' as const,
      width: 250,
      render: (_: unknown, task: Task) => <TaskActions task={task} size="small" />,
    },
  ];

  return (
    <>
      <PageHeader title={t('tasks.title')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/tasks/new')} data-testid="create-task">{t('tasks.create')}</Button>} />
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search allowClear placeholder={t('tasks.searchPlaceholder')} onSearch={(v) => filtered(() => setSearch(v.trim()))} style={{ width: 240 }} data-testid="search" />
        <Select allowClear placeholder={t('tasks.filter.status')} value={status} onChange={(v?: TaskStatus) => filtered(() => setStatus(v))} style={{ width: 150 }} data-testid="filter-status"
          options={TASK_STATUSES.map((s) => ({ value: s, label: t(`tasks.status.${s}`) }))} />
        <Select allowClear placeholder={t('tasks.filter.webhook')} value={webhookId} onChange={(v?: string) => filtered(() => setWebhookId(v))} style={{ width: 200 }} showSearch optionFilterProp="label"
          options={(webhooks.data?.items ?? []).map((w) => ({ value: w.id, label: w.name }))} />
        <Select allowClear placeholder={t('tasks.filter.audience')} value={audienceId} onChange={(v?: string) => filtered(() => setAudienceId(v))} style={{ width: 200 }} showSearch optionFilterProp="label"
          options={(audiences.data?.items ?? []).map((a) => ({ value: a.id, label: a.name }))} />
      </Space>
      <QueryState query={list}>
        {() => (
          <Table<Task>
            rowKey="id"
            data-testid="task-table"
            columns={columns}
            dataSource={list.data?.items ?? []}
            scroll={{ x: 1100 }}
            pagination={{ current: page.page, pageSize: page.pageSize, total: list.data?.total ?? 0, onChange: (p, s) => setPage({ page: p, pageSize: s }) }}
            locale={{ emptyText: t('tasks.empty') }}
          />
        )}
      </QueryState>
    </>
  );
}
