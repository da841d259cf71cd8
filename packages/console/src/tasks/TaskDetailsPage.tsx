import { ArrowLeftOutlined, ReloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Alert, Button, Card, Col, Descriptions, Flex, Progress, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams } from 'react-router';
import { api, type Schemas } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { QueryState } from '../shared/QueryState';
import { ReceiptWindow } from './ReceiptWindow';
import { RecipientsTable } from './RecipientsTable';
import { TaskActions } from './TaskActions';
import { STATUS_COLOR } from './task-rules';
import { loadTimeline, TIMELINE_LIMIT } from './timeline';
import { TimelineChart } from './TimelineChart';
import { useTaskDetail } from './queries';

type Stats = Schemas['TaskStats'];

/** Refresh fast while the task sends, slowly while receipts may still arrive, not at all after. */
function refreshMs(status: string | undefined, remainingMs: number | null | undefined): number | false {
  if (status === 'pending' || status === 'sending') return 3000;
  return remainingMs !== null && remainingMs !== undefined && remainingMs > 0 ? 10_000 : false;
}

function Counts({ stats }: { stats: Stats }) {
  const { t } = useTranslation();
  const items: { key: string; value: number; color?: string }[] = [
    { key: 'audienceSize', value: stats.audienceSize },
    { key: 'skippedNoId', value: stats.skipped.noId },
    { key: 'skippedMissing', value: stats.skipped.missingVariable },
    { key: 'sent', value: stats.sent },
    { key: 'succeeded', value: stats.succeeded, color: '#3f8600' },
    { key: 'failed', value: stats.failed, color: stats.failed > 0 ? '#cf1322' : undefined },
    { key: 'pending', value: stats.users.pending },
  ];
  return (
    <Row gutter={[12, 12]}>
      {items.map((i) => (
        <Col key={i.key} flex="1 1 140px">
          <Card size="small"><div data-testid={`stat-${i.key}`} data-value={i.value}><Statistic title={t(`tasks.stats.${i.key}`)} value={i.value} styles={{ content: i.color ? { color: i.color } : {} }} /></div></Card>
        </Col>
      ))}
    </Row>
  );
}

/** Task details: the counts, sends and receipts over time, receipts per status with the retention countdown, and the recipients. */
export function TaskDetailsPage() {
  const { t } = useTranslation();
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const detail = useTaskDetail(id, refreshMs);
  const status = detail.data?.task.status;
  const every = refreshMs(status, detail.data?.stats.receiptWindow?.remainingMs);
  // Re-read the series only when the counts it draws changed, not at every refresh.
  const drawn = detail.data ? [detail.data.stats.sent, detail.data.stats.receipts.reduce((n, r) => n + r.users, 0)] : [];
  const timeline = useQuery({ queryKey: ['task-timeline', id, ...drawn], queryFn: () => loadTimeline(id), enabled: detail.isSuccess, placeholderData: keepPreviousData });
  const audience = useQuery({ queryKey: ['audience', detail.data?.task.audienceId], queryFn: () => api('get', '/api/v1/audiences/{id}', { path: { id: detail.data?.task.audienceId ?? '' } }), enabled: detail.isSuccess });
  const webhook = useQuery({ queryKey: ['webhook', detail.data?.task.webhookId], queryFn: () => api('get', '/api/v1/webhooks/{id}', { path: { id: detail.data?.task.webhookId ?? '' } }), enabled: detail.isSuccess });

  return (
    <QueryState query={detail}>
      {() => {
        const { task, stats } = detail.data!;
        const receiptStatuses = webhook.data?.receipt.statuses.map((s) => ({ status: s.code, value: s.value })) ?? stats.receipts;
        const progress = stats.audienceSize > 0 ? Math.round((stats.read / stats.audienceSize) * 100) : task.status === 'finished' ? 100 : 0;
        return (
          // Padding of half the widest gutter keeps the rows' negative margins inside a phone's width.
          <Space direction="vertical" size={16} style={{ width: '100%', paddingInline: 8, boxSizing: 'border-box' }} data-testid="task-details">
            <Flex justify="space-between" align="center" wrap gap={8}>
              <Space wrap align="center">
                <Link to="/tasks" aria-label={t('tasks.back')}><ArrowLeftOutlined /></Link>
                <Typography.Title level={3} style={{ margin: 0 }}>{task.name}</Typography.Title>
                <Tag color={STATUS_COLOR[task.status]} data-testid="task-status">{t(`tasks.status.${task.status}`)}</Tag>
                {every ? <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="auto-refresh">{t('tasks.autoRefresh', { seconds: every / 1000 })}</Typography.Text> : null}
              </Space>
              <Space wrap>
                <Button icon={<ReloadOutlined />} onClick={() => { void detail.refetch(); void timeline.refetch(); }} data-testid="refresh">{t('tasks.refresh')}</Button>
                <TaskActions task={task} afterDelete={() => void navigate('/tasks')} />
              </Space>
            </Flex>
            {task.failure ? <Alert type="error" showIcon title={t('tasks.failedWith', { code: task.failure.code })} description={task.failure.message} /> : null}
            <Card size="small">
              <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} items={[
                { key: 'audience', label: t('tasks.field.audience'), children: audience.data?.name ?? task.audienceId },
                { key: 'webhook', label: t('tasks.field.webhook'), children: webhook.data?.name ?? task.webhookId },
                { key: 'idType', label: t('tasks.field.idType'), children: <Tag>{task.idType}</Tag> },
                { key: 'sendAt', label: t('tasks.field.sendAt'), children: formatDateTime(task.sendAt) },
                { key: 'startedAt', label: t('tasks.field.startedAt'), children: formatDateTime(task.startedAt) },
                { key: 'finishedAt', label: t('tasks.field.finishedAt'), children: formatDateTime(task.finishedAt) },
                { key: 'batchSize', label: t('tasks.field.batchSize'), children: task.batchSize },
                { key: 'missing', label: t('tasks.field.missingVariable'), children: task.missingVariable === 'skip' ? t('tasks.form.skip') : t('tasks.replacedBy', { text: task.missingVariable.replace }) },
              ]} />
              <Progress percent={progress} size="small" status={task.status === 'sending' ? 'active' : undefined} format={() => `${stats.read.toLocaleString()} / ${stats.audienceSize.toLocaleString()}`} />
            </Card>
            <Counts stats={stats} />
            <Row gutter={[16, 16]}>
              <Col xs={24} xl={14}>
                <Card size="small" title={t('tasks.chart.title')}>
                  <QueryState query={timeline}>
                    {() => (
                      <>
                        <TimelineChart points={timeline.data!.points} bucketMs={timeline.data!.bucketMs} />
                        {timeline.data!.truncated ? <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('tasks.chart.truncated', { count: TIMELINE_LIMIT })}</Typography.Paragraph> : null}
                      </>
                    )}
                  </QueryState>
                </Card>
              </Col>
              <Col xs={24} xl={10}>
                <Card size="small" title={t('tasks.receipts.title')}>
                  <Space direction="vertical" style={{ width: '100%' }}>
                    <ReceiptWindow window={stats.receiptWindow} />
                    <Table size="small" rowKey="status" pagination={false} data-testid="receipt-table" dataSource={stats.receipts} locale={{ emptyText: t('tasks.receipts.empty') }}
                      columns={[
                        { title: t('tasks.receipts.status'), dataIndex: 'status', key: 'status', render: (s: string) => <Tag>{s}</Tag> },
                        { title: t('tasks.receipts.value'), dataIndex: 'value', key: 'value', render: (v: string | null) => v ?? '—' },
                        { title: t('tasks.receipts.count'), dataIndex: 'count', key: 'count', align: 'right' as const },
                        { title: t('tasks.receipts.users'), dataIndex: 'users', key: 'users', align: 'right' as const },
                      ]} />
                  </Space>
                </Card>
              </Col>
            </Row>
            <Card size="small" title={t('tasks.recipients.title')}>
              <RecipientsTable taskId={task.id} receiptStatuses={receiptStatuses} refreshMs={every} />
            </Card>
          </Space>
        );
      }}
    </QueryState>
  );
}
