import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { App, Button, Flex, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { downloadAttachment } from '../shared/download';
import { formatDateTime } from '../shared/format';
import { errorText, QueryState } from '../shared/QueryState';

type Recipient = Schemas['TaskRecipient'];
type DeliveryStatus = Recipient['status'];
const DELIVERY: DeliveryStatus[] = ['pending', 'succeeded', 'failed', 'cancelled'];
const COLOR: Record<DeliveryStatus, string> = { pending: 'processing', succeeded: 'success', failed: 'error', cancelled: 'warning' };
const PAGE = 50;
const NO_RECEIPT = '__none__';

/** The recipients with delivery and receipt filters, keyset pages (the API's `after` cursor) and CSV export. */
export function RecipientsTable({ taskId, receiptStatuses, refreshMs }: { taskId: string; receiptStatuses: { status: string; value: string | null }[]; refreshMs: number | false }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [status, setStatus] = useState<DeliveryStatus | undefined>();
  const [receipt, setReceipt] = useState<string | undefined>();
  // The cursors of the pages before the current one: Previous pops, Next pushes.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const after = cursors[cursors.length - 1];
  const filters = { ...(status ? { status } : {}), ...(receipt === NO_RECEIPT ? { hasReceipt: false } : receipt ? { receiptStatus: receipt } : {}) };
  const list = useQuery({
    queryKey: ['task-recipients', taskId, filters, after],
    queryFn: () => api('get', '/api/v1/tasks/{id}/recipients', { path: { id: taskId }, query: { ...filters, limit: PAGE, ...(after ? { after } : {}) } }),
    placeholderData: keepPreviousData,
    refetchInterval: refreshMs,
  });
  const reset = (apply: () => void) => { apply(); setCursors([undefined]); };

  const exportCsv = async () => {
    const query = new URLSearchParams({ format: 'csv' });
    for (const [k, v] of Object.entries(filters)) query.set(k, String(v));
    try {
      await downloadAttachment(`/api/v1/tasks/${encodeURIComponent(taskId)}/recipients?${query.toString()}`, `task-${taskId}-recipients.csv`);
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  const columns = [
    { title: t('tasks.recipients.customerId'), dataIndex: 'customerId', key: 'customerId' },
    { title: t('tasks.recipients.target'), key: 'target', render: (_: unknown, r: Recipient) => <><Tag>{r.targetType}</Tag>{r.targetId}</> },
    { title: t('tasks.recipients.status'), dataIndex: 'status', key: 'status', render: (s: DeliveryStatus, r: Recipient) => (
      <Space direction="vertical" size={0}>
        <Tag color={COLOR[s]} data-testid="recipient-status">{t(`tasks.delivery.${s}`)}</Tag>
        {r.error ? <Typography.Text type="danger" style={{ fontSize: 12 }}>{r.error}</Typography.Text> : null}
      </Space>
    ) },
    { title: t('tasks.recipients.sentAt'), dataIndex: 'sentAt', key: 'sentAt', render: (v: string | null) => formatDateTime(v) },
    { title: t('tasks.recipients.receipt'), key: 'receipt', render: (_: unknown, r: Recipient) => (r.receiptStatus
      ? <span data-testid="recipient-receipt">{r.receiptStatus}{r.receiptValue ? ` · ${r.receiptValue}` : ''}</span>
      : <Typography.Text type="secondary">{t('tasks.recipients.noReceipt')}</Typography.Text>) },
    { title: t('tasks.recipients.receiptAt'), dataIndex: 'receiptAt', key: 'receiptAt', render: (v: string | null) => formatDateTime(v) },
  ];

  return (
    <>
      <Flex justify="space-between" wrap gap={8} style={{ marginBottom: 12 }}>
        <Space wrap>
          <Select allowClear placeholder={t('tasks.recipients.filterStatus')} value={status} onChange={(v?: DeliveryStatus) => reset(() => setStatus(v))} style={{ width: 170 }} data-testid="filter-delivery"
            options={DELIVERY.map((s) => ({ value: s, label: t(`tasks.delivery.${s}`) }))} />
          <Select allowClear placeholder={t('tasks.recipients.filterReceipt')} value={receipt} onChange={(v?: string) => reset(() => setReceipt(v))} style={{ width: 190 }} data-testid="filter-receipt"
            options={[...receiptStatuses.map((s) => ({ value: s.status, label: s.value ? `${s.status} · ${s.value}` : s.status })), { value: NO_RECEIPT, label: t('tasks.recipients.noReceipt') }]} />
        </Space>
        <Button icon={<DownloadOutlined />} onClick={() => void exportCsv()} data-testid="export-csv">{t('tasks.recipients.export')}</Button>
      </Flex>
      <QueryState query={list}>
        {() => (
          <>
            <Table<Recipient> rowKey="actionId" size="small" data-testid="recipient-table" columns={columns} dataSource={list.data?.items ?? []}
              pagination={false} scroll={{ x: 900 }} loading={list.isFetching && list.isPlaceholderData} locale={{ emptyText: t('tasks.recipients.empty') }} />
            <Flex justify="space-between" align="center" wrap gap={8} style={{ marginTop: 12 }}>
              <Typography.Text type="secondary" data-testid="recipient-total">
                {list.data?.total !== null && list.data?.total !== undefined ? t('tasks.recipients.total', { count: list.data.total }) : t('tasks.recipients.totalUnknown')}
              </Typography.Text>
              <Space>
                <Button size="small" disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))} data-testid="recipients-prev">{t('tasks.recipients.prev')}</Button>
                <Typography.Text>{t('tasks.recipients.page', { page: cursors.length })}</Typography.Text>
                <Button size="small" disabled={!list.data?.nextCursor} onClick={() => setCursors((c) => [...c, list.data?.nextCursor ?? undefined])} data-testid="recipients-next">{t('tasks.recipients.next')}</Button>
              </Space>
            </Flex>
          </>
        )}
      </QueryState>
    </>
  );
}
