import { UploadOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Descriptions, Modal, Progress, Space, Table, Typography } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../shared/api';
import { ApiError } from '../shared/api';
import { errorText } from '../shared/QueryState';
import { uploadAudienceFile, type ImportResult } from './upload';

type Audience = Schemas['Audience'];

/** Upload CSV / NDJSON into an audience: a progress bar of bytes sent, then the counts and the rejected lines. */
export function ImportDialog({ audience, onClose }: { audience: Audience; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const input = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  const [result, setResult] = useState<ImportResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const uploading = progress !== null && result === null && problem === null;

  const upload = async () => {
    if (!file) return;
    setResult(null);
    setProblem(null);
    setProgress(0);
    try {
      setResult(await uploadAudienceFile(audience.id, file, setProgress));
    } catch (error) {
      // A refused header lists every problem: show them all.
      const details = error instanceof ApiError && error.details.length > 0 ? `: ${error.details.map((d) => d.message).join('; ')}` : '';
      setProblem(`${errorText(error)}${details}`);
    } finally {
      void client.invalidateQueries({ queryKey: ['audiences'] });
    }
  };

  return (
    <Modal open width={760} title={t('audiences.importTitle', { name: audience.name })} onCancel={onClose} maskClosable={false} data-testid="import-dialog"
      footer={[
        <Button key="close" onClick={onClose} disabled={uploading}>{t('common.close')}</Button>,
        <Button key="upload" type="primary" icon={<UploadOutlined />} disabled={!file} loading={uploading} onClick={() => void upload()} data-testid="import-ok">{t('audiences.upload')}</Button>,
      ]}>
      <Typography.Paragraph type="secondary">{t('audiences.importHelp')}</Typography.Paragraph>
      <Typography.Paragraph><Typography.Text code>customer_id,OPEN_ID,MOBILE,name,city</Typography.Text></Typography.Paragraph>
      <Space style={{ marginBottom: 16 }} wrap>
        <input ref={input} type="file" accept=".csv,.ndjson,.jsonl,text/csv,application/x-ndjson" style={{ display: 'none' }} data-testid="import-file"
          onChange={(e) => { setFile(e.target.files?.[0] ?? null); setResult(null); setProblem(null); setProgress(null); }} />
        <Button onClick={() => input.current?.click()} disabled={uploading}>{t('audiences.chooseFile')}</Button>
        <Typography.Text data-testid="import-file-name">{file ? `${file.name} (${file.size.toLocaleString()} B)` : t('audiences.noFile')}</Typography.Text>
      </Space>
      {progress !== null ? <Progress percent={Math.round(progress * 100)} status={problem ? 'exception' : result ? 'success' : 'active'} format={(p) => `${p ?? 0}%`} data-testid="import-progress" /> : null}
      {problem ? <Alert type="error" showIcon title={problem} data-testid="import-error" style={{ marginTop: 16 }} /> : null}
      {result ? (
        <div data-testid="import-result" style={{ marginTop: 16 }}>
          <Descriptions size="small" bordered column={{ xs: 1, sm: 2, md: 3 }} items={[
            { key: 'imported', label: t('audiences.imported'), children: <span data-testid="import-imported">{result.imported}</span> },
            { key: 'created', label: t('audiences.created'), children: result.created },
            { key: 'updated', label: t('audiences.updated'), children: result.updated },
            { key: 'rejected', label: t('audiences.rejectedCount'), children: <span data-testid="import-rejected-count">{result.rejectedCount}</span> },
            { key: 'size', label: t('audiences.size'), children: <span data-testid="import-size">{result.userCount}</span> },
          ]} />
          {result.rejectedCount > 0 ? (
            <>
              <Typography.Title level={5} style={{ marginTop: 16 }}>
                {result.rejectedCount > result.rejected.length ? t('audiences.rejectedFirst', { shown: result.rejected.length, total: result.rejectedCount }) : t('audiences.rejectedLines')}
              </Typography.Title>
              <Table size="small" rowKey="line" data-testid="rejected-table" dataSource={result.rejected} pagination={{ pageSize: 10 }}
                columns={[
                  { title: t('audiences.line'), dataIndex: 'line', key: 'line', width: 90 },
                  { title: t('audiences.reason'), dataIndex: 'reason', key: 'reason' },
                ]} />
            </>
          ) : null}
        </div>
      ) : null}
    </Modal>
  );
}
