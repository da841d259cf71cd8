import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { Alert, Button, Checkbox, DatePicker, Form, Input, InputNumber, Radio, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api';
import { useManagedParameters } from '../webhooks/queries';
import { ParameterValueSelect } from '../webhooks/TestSendDialog';
import type { Webhook } from '../webhooks/webhook-form';
import { precedingWebhook, type Draft, type JourneyNode } from './definition';
import { exitLabel } from './JourneyNodeCard';
import { WaitEditor } from './WaitEditor';

/** Every webhook the member may use (for webhook nodes and the judgment's receipt statuses). */
export function useAllWebhooks() {
  return useQuery({ queryKey: ['webhooks', 'all'], queryFn: () => api('get', '/api/v1/webhooks', { query: { pageSize: 200 } }) });
}

type Patch = (patch: Partial<JourneyNode>) => void;

/** Parameter values by the webhook's parameter types (the test-send dialog's inputs; `${attribute}` fills from the audience). */
function WebhookParams({ webhook, node, onPatch }: { webhook: Webhook; node: JourneyNode; onPatch: Patch }) {
  const { t } = useTranslation();
  const managed = useManagedParameters(webhook.parameters.some((p) => p.type === 'parameter'));
  const managedById = new Map((managed.data?.items ?? []).map((p) => [p.id, p]));
  const params = node.params ?? {};
  const chosen: Record<string, string | undefined> = {};
  for (const p of webhook.parameters) if (p.parameterId && typeof params[p.name] === 'string') chosen[p.parameterId] = params[p.name] as string;
  const set = (name: string, value: unknown) => {
    const next = { ...params };
    if (value === undefined || value === null || value === '') delete next[name];
    else next[name] = value;
    onPatch({ params: next });
  };
  return (
    <>
      {webhook.parameters.map((p) => {
        const value = params[p.name];
        const testId = `node-param-${p.name}`;
        return (
          <Form.Item key={p.name} label={`${p.displayName} (${p.name})`} required={p.required}>
            {p.type === 'numeric' ? <InputNumber style={{ width: '100%' }} value={typeof value === 'number' ? value : undefined} onChange={(v) => set(p.name, v)} data-testid={testId} />
              : p.type === 'date' ? <DatePicker showTime style={{ width: '100%' }} value={typeof value === 'string' ? dayjs(value) : null} onChange={(d) => set(p.name, d ? d.format('YYYY-MM-DDTHH:mm:ssZ') : undefined)} data-testid={testId} />
                : p.type === 'parameter' && p.parameterId ? <ParameterValueSelect parameterId={p.parameterId} managed={managedById.get(p.parameterId)} chosen={chosen} value={typeof value === 'string' ? value : undefined} onChange={(v) => set(p.name, v)} />
                  : p.type === 'text' ? <Input.TextArea rows={2} value={typeof value === 'string' ? value : ''} onChange={(e) => set(p.name, e.target.value)} data-testid={testId} />
                    : <Input value={typeof value === 'string' ? value : ''} onChange={(e) => set(p.name, e.target.value)} data-testid={testId} />}
          </Form.Item>
        );
      })}
      {webhook.parameters.length > 0 ? <Typography.Text type="secondary">{t('journeys.panel.variableHelp')}</Typography.Text> : null}
    </>
  );
}

function WebhookFields({ node, onPatch }: { node: JourneyNode; onPatch: Patch }) {
  const { t } = useTranslation();
  const webhooks = useAllWebhooks();
  const webhook = webhooks.data?.items.find((w) => w.id === node.webhookId);
  const missing = node.missingVariable ?? 'skip';
  return (
    <>
      <Form.Item label={t('journeys.panel.webhook')} required>
        <Select value={node.webhookId} loading={webhooks.isPending} data-testid="node-webhook" showSearch optionFilterProp="label"
          onChange={(id: string) => onPatch({ webhookId: id, idType: webhooks.data?.items.find((w) => w.id === id)?.idTypes[0], params: {} })}
          options={(webhooks.data?.items ?? []).map((w) => ({ value: w.id, label: w.enabled ? w.name : `${w.name} (${t('journeys.panel.disabled')})` }))} />
      </Form.Item>
      {webhook ? (
        <>
          <Form.Item label={t('journeys.panel.idType')} required>
            <Select value={node.idType} onChange={(v: string) => onPatch({ idType: v })} data-testid="node-id-type" options={webhook.idTypes.map((c) => ({ value: c, label: c }))} />
          </Form.Item>
          <WebhookParams webhook={webhook} node={node} onPatch={onPatch} />
          <Form.Item label={t('journeys.panel.missingVariable')} style={{ marginTop: 12 }}>
            <Radio.Group value={missing === 'skip' ? 'skip' : 'replace'} data-testid="node-missing"
              onChange={(e) => onPatch({ missingVariable: e.target.value === 'skip' ? 'skip' : { replace: '' } })}
              options={[{ value: 'skip', label: t('journeys.panel.missingSkip') }, { value: 'replace', label: t('journeys.panel.missingReplace') }]} />
            {missing !== 'skip' ? <Input style={{ marginTop: 8 }} value={missing.replace} placeholder={t('journeys.panel.replaceWith')} onChange={(e) => onPatch({ missingVariable: { replace: e.target.value } })} /> : null}
          </Form.Item>
        </>
      ) : null}
    </>
  );
}

function SplitFields({ node, onPatch, onRenameExit }: { node: JourneyNode; onPatch: Patch; onRenameExit: (from: string, to: string | null) => void }) {
  const { t } = useTranslation();
  const groups = node.groups ?? [];
  const total = Math.round(groups.reduce((sum, g) => sum + (g.percent || 0), 0) * 100) / 100;
  const setGroup = (i: number, patch: Partial<{ name: string; percent: number }>) => {
    if (patch.name !== undefined) onRenameExit(groups[i]!.name, patch.name);
    onPatch({ groups: groups.map((g, j) => (j === i ? { ...g, ...patch } : g)) });
  };
  return (
    <Form.Item label={t('journeys.panel.groups')} required validateStatus={total === 100 ? undefined : 'error'} help={total === 100 ? undefined : t('journeys.panel.percentTotal', { total })}>
      {groups.map((g, i) => (
        <Space key={i} style={{ display: 'flex', marginBottom: 8 }}>
          <Input value={g.name} placeholder={t('journeys.panel.groupName')} onChange={(e) => setGroup(i, { name: e.target.value })} data-testid="group-name" />
          <InputNumber value={g.percent} min={0.01} max={100} precision={2} suffix="%" onChange={(v) => setGroup(i, { percent: typeof v === 'number' ? v : 0 })} data-testid="group-percent" />
          <Button icon={<DeleteOutlined />} disabled={groups.length <= 2} aria-label={t('common.remove')}
            onClick={() => { onRenameExit(g.name, null); onPatch({ groups: groups.filter((_, j) => j !== i) }); }} />
        </Space>
      ))}
      <Button icon={<PlusOutlined />} onClick={() => onPatch({ groups: [...groups, { name: String.fromCharCode(65 + groups.length), percent: 0 }] })} data-testid="add-group">{t('journeys.panel.addGroup')}</Button>
    </Form.Item>
  );
}

function JudgmentFields({ node, draft, onPatch }: { node: JourneyNode; draft: Draft; onPatch: Patch }) {
  const { t } = useTranslation();
  const webhooks = useAllWebhooks();
  const before = precedingWebhook(draft, node.id);
  const webhook = webhooks.data?.items.find((w) => w.id === before?.webhookId);
  const statuses = webhook?.receipt.enabled ? webhook.receipt.statuses : [];
  const choices = ['success', 'failed', ...statuses.map((s) => `receipt:${s.code}`)];
  // Results chosen before the webhook changed stay visible, so they can be unchosen.
  for (const r of node.results ?? []) if (!choices.includes(r)) choices.push(r);
  const valueOf = (c: string) => statuses.find((s) => `receipt:${s.code}` === c)?.value;
  return (
    <>
      {!before ? <Alert type="warning" showIcon title={t('journeys.panel.judgmentNeedsWebhook')} style={{ marginBottom: 12 }} /> : null}
      <Form.Item label={t('journeys.panel.results')} required extra={t('journeys.panel.otherAutomatic')}>
        <Checkbox.Group value={node.results ?? []} data-testid="node-results" onChange={(v) => onPatch({ results: choices.filter((c) => v.includes(c)) })}
          options={choices.map((c) => ({ value: c, label: `${exitLabel(t, c)}${valueOf(c) ? ` — ${valueOf(c)}` : ''}` }))} />
      </Form.Item>
      <Form.Item label={t('journeys.panel.maxWait')} required>
        <WaitEditor value={node.wait} onChange={(wait) => onPatch({ wait })} testId="node-max-wait" />
      </Form.Item>
    </>
  );
}

/** The configuration panel of the selected node. */
export function NodePanel({ node, draft, errors, readOnly, onPatch, onRenameExit, onDelete }: {
  node: JourneyNode;
  draft: Draft;
  errors: string[];
  readOnly: boolean;
  onPatch: Patch;
  onRenameExit: (from: string, to: string | null) => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  return (
    <div data-testid="node-panel">
      <Typography.Title level={5} style={{ marginTop: 0 }}>{t(`journeys.type.${node.type}`)} · {node.id}</Typography.Title>
      {errors.length > 0 ? <Alert type="error" showIcon title={errors.join('; ')} style={{ marginBottom: 12 }} data-testid="panel-errors" /> : null}
      <Form layout="vertical" disabled={readOnly}>
        <Form.Item label={t('journeys.panel.name')}>
          <Input value={node.name ?? ''} maxLength={64} onChange={(e) => onPatch({ name: e.target.value })} data-testid="node-name" />
        </Form.Item>
        {node.type === 'webhook' ? <WebhookFields node={node} onPatch={onPatch} /> : null}
        {node.type === 'wait' ? (
          <Form.Item label={t('journeys.panel.wait')} required>
            <WaitEditor value={node.wait} onChange={(wait) => onPatch({ wait })} testId="node-wait" />
          </Form.Item>
        ) : null}
        {node.type === 'split' ? <SplitFields node={node} onPatch={onPatch} onRenameExit={onRenameExit} /> : null}
        {node.type === 'judgment' ? <JudgmentFields node={node} draft={draft} onPatch={onPatch} /> : null}
        <Button danger icon={<DeleteOutlined />} onClick={onDelete} data-testid="delete-node">{t('journeys.panel.deleteNode')}</Button>
      </Form>
    </div>
  );
}
