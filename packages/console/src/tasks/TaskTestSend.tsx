import { ExperimentOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Input, Radio, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { errorText } from '../shared/QueryState';
import { paramsToWire, policyToWire, type TaskFormValues } from './task-form';

type Webhook = Schemas['Webhook'];

/** `key=value` lines → attributes for a typed test ID's variables. */
function parseAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

/** Test send from the draft (POST /tasks/test-sends): one real signed request to one user of the audience, or to a typed ID. */
export function TaskTestSend({ webhook, values }: { webhook: Webhook | undefined; values: () => TaskFormValues }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'audience' | 'typed'>('audience');
  const [customerId, setCustomerId] = useState('');
  const [targetId, setTargetId] = useState('');
  const [attributes, setAttributes] = useState('');
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<Schemas['TaskTestSendResult'] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const send = async () => {
    if (!webhook) return;
    const v = values();
    setSending(true);
    setResult(null);
    setProblem(null);
    try {
      const who = mode === 'audience' ? { audienceId: v.audienceId ?? '', customerId } : { targetId, attributes: parseAttributes(attributes) };
      setResult(await api('post', '/api/v1/tasks/test-sends', { body: { webhookId: webhook.id, idType: v.idType ?? '', params: paramsToWire(webhook.parameters, v.params), missingVariable: policyToWire(v), ...who } }));
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setSending(false);
    }
  };

  return (
    <Card size="small" title={t('tasks.test.title')} data-testid="task-test">
      <Space direction="vertical" style={{ width: '100%' }}>
        <Radio.Group value={mode} onChange={(e) => setMode(e.target.value as 'audience' | 'typed')}
          options={[{ value: 'audience', label: t('tasks.test.fromAudience') }, { value: 'typed', label: t('tasks.test.typed') }]} />
        {mode === 'audience'
          ? <Input placeholder={t('tasks.test.customerId')} value={customerId} onChange={(e) => setCustomerId(e.target.value)} data-testid="test-customer-id" />
          : (
            <>
              <Input placeholder={t('tasks.test.targetId')} value={targetId} onChange={(e) => setTargetId(e.target.value)} data-testid="test-target-id" />
              <Input.TextArea rows={2} placeholder={t('tasks.test.attributes')} value={attributes} onChange={(e) => setAttributes(e.target.value)} />
            </>
          )}
        <Button icon={<ExperimentOutlined />} loading={sending} disabled={!webhook} onClick={() => void send()} data-testid="task-test-send">{t('tasks.test.send')}</Button>
        {problem ? <Alert type="error" showIcon title={problem} data-testid="task-test-error" /> : null}
        {result ? (
          <Alert type={result.success ? 'success' : 'error'} showIcon data-testid="task-test-result"
            title={result.success ? t('test.succeeded') : t('test.failed')}
            description={<Descriptions size="small" column={1} items={[
              { key: 'target', label: t('tasks.test.sentTo'), children: `${result.idType} ${result.targetId}` },
              { key: 'status', label: t('test.httpStatus'), children: result.httpStatus ?? '—' },
              { key: 'message', label: t('test.message'), children: result.message ?? result.error ?? '—' },
              { key: 'latency', label: t('test.latency'), children: `${result.latencyMs} ms` },
            ]} />} />
        ) : null}
      </Space>
    </Card>
  );
}
