import { useQuery } from '@tanstack/react-query';
import { Descriptions, Modal, Select, Spin, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../shared/api';
import type { WebhookInput } from './webhook-form';

/** "Preview Message Format": the exact HTTP POST a receiver would get for the dialog's (unsaved) settings. */
export function PreviewDialog({ input, webhookId, onClose, onInvalid }: { input: WebhookInput; webhookId: string | undefined; onClose: () => void; onInvalid: (error: unknown) => void }) {
  const { t } = useTranslation();
  const [idType, setIdType] = useState<string | undefined>(input.idTypes[0]);
  const preview = useQuery({
    queryKey: ['preview', webhookId, input, idType],
    queryFn: () => (webhookId
      ? api('post', '/api/v1/webhooks/{id}/preview', { path: { id: webhookId }, query: { idType }, body: input })
      : api('post', '/api/v1/webhooks/preview', { query: { idType }, body: input })),
    retry: false,
  });
  const invalid = preview.error instanceof ApiError && preview.error.code === 'VALIDATION';
  useEffect(() => {
    // The settings are not valid yet: the dialog shows why on its fields instead.
    if (invalid) onInvalid(preview.error);
  }, [invalid, onInvalid, preview.error]);
  const data = preview.data;
  return (
    <Modal open width={860} title={t('webhooks.previewFormat')} onCancel={onClose} footer={null} data-testid="preview-dialog">
      {input.idTypes.length > 1 ? (
        <Select value={idType} onChange={setIdType} options={input.idTypes.map((v) => ({ value: v, label: v }))} style={{ width: 200, marginBottom: 12 }} />
      ) : null}
      {preview.isPending ? <Spin /> : null}
      {preview.isError && !invalid ? <Typography.Text type="danger">{String((preview.error as Error).message)}</Typography.Text> : null}
      {data ? (
        <>
          <Typography.Paragraph type="secondary">{t('webhooks.previewHelp')}</Typography.Paragraph>
          <Descriptions column={1} size="small" bordered items={[
            { key: 'line', label: t('webhooks.preview.request'), children: <Typography.Text code copyable data-testid="preview-url">{`${data.method} ${data.url}`}</Typography.Text> },
            { key: 'headers', label: t('webhooks.preview.headers'), children: <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{Object.entries(data.headers).map(([k, v]) => `${k}: ${v}`).join('\n')}</pre> },
          ]} />
          <Typography.Title level={5} style={{ marginTop: 16 }}>{t('webhooks.preview.body')}</Typography.Title>
          <pre data-testid="preview-body" style={{ background: '#f6f8fa', padding: 12, maxHeight: 360, overflow: 'auto' }}>{JSON.stringify(data.body, null, 2)}</pre>
        </>
      ) : null}
    </Modal>
  );
}
