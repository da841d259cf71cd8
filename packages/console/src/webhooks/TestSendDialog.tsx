import { DownloadOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Select, Tooltip } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { useIsAdmin } from '../shared/auth';
import { downloadAttachment } from '../shared/download';
import { applyApiErrors, clearChangedErrors } from '../shared/form-errors';
import { errorText } from '../shared/QueryState';
import { useManagedParameters } from './queries';
import type { Webhook } from './webhook-form';

type Managed = Schemas['Parameter'];

/** The options query of a managed parameter given the values chosen so far (cascading, as the options API reads it). */
function optionsQuery(parameter: Managed, chosenByParameterId: Record<string, string | undefined>): Record<string, string> {
  if (parameter.kind === 'constant') {
    const parent = parameter.associatedParameterId ? chosenByParameterId[parameter.associatedParameterId] : undefined;
    return parent ? { parent } : {};
  }
  const query: Record<string, string> = {};
  for (const association of parameter.associatedParameters) {
    if (association.source !== 'parameter') continue;
    const value = chosenByParameterId[association.parameterId];
    if (value) query[association.name] = value;
  }
  return query;
}

/** The options list of a parameter call, narrowed by its associated parameter's chosen value. */
export function ParameterValueSelect({ parameterId, managed, chosen, value, onChange }: { parameterId: string; managed: Managed | undefined; chosen: Record<string, string | undefined>; value?: string; onChange?: (v: string) => void }) {
  const { t } = useTranslation();
  const query = managed ? optionsQuery(managed, chosen) : {};
  const options = useQuery({
    queryKey: ['parameter-options', parameterId, query],
    queryFn: () => api('get', '/api/v1/parameters/{id}/options', { path: { id: parameterId }, query }),
    retry: false,
  });
  return (
    <Select
      value={value}
      onChange={onChange}
      loading={options.isPending}
      status={options.isError ? 'error' : undefined}
      notFoundContent={options.isError ? errorText(options.error) : undefined}
      placeholder={t('test.chooseValue')}
      data-testid="param-option"
      options={(options.data?.items ?? []).map((o) => ({ value: o.name, label: `${o.displayName} (${o.name})` }))}
      showSearch
      optionFilterProp="label"
    />
  );
}

/** Test sending: one ID type, a test ID and test values; the result inline, and the log to download. */
export function TestSendDialog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const admin = useIsAdmin();
  const [form] = Form.useForm();
  const [sending, setSending] = useState(false);
  const [result, setResult] = useState<Schemas['TestSendResult'] | null>(null);
  const [problem, setProblem] = useState<string[]>([]);
  const managed = useManagedParameters(webhook.parameters.some((p) => p.type === 'parameter'));
  const params = Form.useWatch('params', form) as Record<string, unknown> | undefined;
  const managedById = new Map((managed.data?.items ?? []).map((p) => [p.id, p]));
  const chosen: Record<string, string | undefined> = {};
  for (const p of webhook.parameters) if (p.parameterId && typeof params?.[p.name] === 'string') chosen[p.parameterId] = params[p.name] as string;

  const send = async () => {
    setProblem([]);
    setResult(null);
    const values = form.getFieldsValue(true) as { idType?: string; targetId?: string; params?: Record<string, unknown> };
    const testParams: Record<string, unknown> = {};
    for (const p of webhook.parameters) {
      const value = values.params?.[p.name];
      if (value === undefined || value === null || value === '') continue;
      // Dates go out as the protocol's yyyy-MM-ddTHH:mm:ss±hh:mm, in the tester's own offset.
      testParams[p.name] = p.type === 'date' ? (value as Dayjs).format('YYYY-MM-DDTHH:mm:ssZ') : value;
    }
    setSending(true);
    try {
      const answer = await api('post', '/api/v1/webhooks/{id}/test-sends', { path: { id: webhook.id }, body: { idType: values.idType ?? '', targetId: values.targetId ?? '', params: testParams } });
      setResult(answer);
    } catch (error) {
      setProblem(applyApiErrors(form, error));
    } finally {
      setSending(false);
    }
  };

  const download = async () => {
    if (!result) return;
    try {
      await downloadAttachment(`/api/v1/webhooks/${encodeURIComponent(webhook.id)}/test-sends/${encodeURIComponent(result.id)}/log`, `test-send-${result.id}.log`);
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  return (
    <Modal open width={720} title={t('test.title', { name: webhook.name })} onCancel={onClose} maskClosable={false} data-testid="test-dialog"
      footer={[
        <Button key="close" onClick={onClose}>{t('common.close')}</Button>,
        <Button key="send" type="primary" loading={sending} onClick={() => void send()} data-testid="test-ok">{t('common.ok')}</Button>,
      ]}>
      <Alert type="info" showIcon title={t('test.oneIdType')} style={{ marginBottom: 16 }} />
      <Form form={form} layout="vertical" initialValues={{ idType: webhook.idTypes[0], params: {} }} onValuesChange={(changed) => clearChangedErrors(form, changed)}>
        <Form.Item name="idType" label={t('test.idType')} required>
          <Select data-testid="test-id-type" options={webhook.idTypes.map((v) => ({ value: v, label: v }))} />
        </Form.Item>
        <Form.Item name="targetId" label={t('test.targetId')} required>
          <Input data-testid="test-target-id" />
        </Form.Item>
        {webhook.parameters.map((p) => (
          <Form.Item key={p.name} name={['params', p.name]} label={`${p.displayName} (${p.name})`} required={p.required}>
            {p.type === 'numeric' ? <InputNumber style={{ width: '100%' }} data-testid={`test-param-${p.name}`} />
              : p.type === 'date' ? <DatePicker showTime style={{ width: '100%' }} data-testid={`test-param-${p.name}`} />
                : p.type === 'text' ? <Input.TextArea rows={2} data-testid={`test-param-${p.name}`} />
                  : p.type === 'parameter' && p.parameterId ? <ParameterValueSelect parameterId={p.parameterId} managed={managedById.get(p.parameterId)} chosen={chosen} />
                    : <Input data-testid={`test-param-${p.name}`} />}
          </Form.Item>
        ))}
      </Form>
      {problem.length > 0 ? <Alert type="error" showIcon title={problem.join('; ')} data-testid="test-error" /> : null}
      {result ? (
        <Alert
          data-testid="test-result"
          type={result.success ? 'success' : 'error'}
          showIcon
          title={result.success ? t('test.succeeded') : t('test.failed')}
          description={
            <>
              <Descriptions size="small" column={2} items={[
                { key: 'status', label: t('test.httpStatus'), children: result.httpStatus ?? '—' },
                { key: 'code', label: t('test.code'), children: result.code ?? '—' },
                { key: 'message', label: t('test.message'), children: result.message ?? '—' },
                { key: 'latency', label: t('test.latency'), children: `${result.latencyMs} ms` },
                ...(result.error ? [{ key: 'error', label: t('test.error'), children: result.error }] : []),
              ]} />
              <div style={{ marginTop: 8 }}>{result.success ? t('test.verifyHint') : t('test.failHint')}</div>
            </>
          }
          action={
            <Tooltip title={admin ? undefined : t('test.logAdminOnly')}>
              <Button icon={<DownloadOutlined />} disabled={!admin} onClick={() => void download()} data-testid="download-log">{t('test.downloadLogs')}</Button>
            </Tooltip>
          }
        />
      ) : null}
    </Modal>
  );
}
