import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, DatePicker, Form, Modal, Radio, Select, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { applyApiErrors } from '../shared/form-errors';
import { formatDateTime } from '../shared/format';
import { errorText, QueryState } from '../shared/QueryState';
import type { Webhook } from './webhook-form';

type Method = 'member' | 'group';
type Grant = Schemas['Grant'];

/** Grant permissions: by member or by member group (exclusive), a validity period, and the current grants with Remove. */
export function GrantDialog({ webhook, onClose }: { webhook: Webhook; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<{ subjects: string[]; period: [Dayjs, Dayjs] }>();
  const grants = useQuery({ queryKey: ['grants', webhook.id], queryFn: () => api('get', '/api/v1/webhooks/{id}/grants', { path: { id: webhook.id } }) });
  const members = useQuery({ queryKey: ['members', 'all'], queryFn: () => api('get', '/api/v1/members', { query: { pageSize: 200 } }) });
  const groups = useQuery({ queryKey: ['groups', 'all'], queryFn: () => api('get', '/api/v1/member-groups', { query: { pageSize: 200 } }) });
  const [chosenMethod, setChosenMethod] = useState<Method | null>(null);
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const current = grants.data?.method ?? null;
  const method: Method = chosenMethod ?? current ?? 'member';
  const switching = current !== null && method !== current && (grants.data?.items.length ?? 0) > 0;

  const reload = () => client.invalidateQueries({ queryKey: ['grants', webhook.id] });

  const remove = async (grant: Grant) => {
    try {
      await api('delete', '/api/v1/webhooks/{id}/grants/{grantId}', { path: { id: webhook.id, grantId: grant.id } });
      void message.success(t('grant.removed', { name: grant.name }));
      await reload();
    } catch (error) {
      void message.error(errorText(error));
    }
  };

  const save = async () => {
    setProblems([]);
    const values = form.getFieldsValue(true) as { subjects?: string[]; period?: [Dayjs, Dayjs] };
    const [from, until] = values.period ?? [];
    const wanted = (values.subjects ?? []).map((subject) => ({
      ...(method === 'member' ? { memberId: subject } : { groupId: subject }),
      ...(from ? { validFrom: from.toISOString() } : {}),
      validUntil: until ? until.toISOString() : '',
    }));
    // The API takes the complete list of one method: keep the current grants of this method, add the chosen ones.
    const kept = switching ? [] : (grants.data?.items ?? [])
      .filter((g) => !(values.subjects ?? []).includes(g.memberId ?? g.groupId ?? ''))
      .map((g) => ({ ...(g.memberId ? { memberId: g.memberId } : { groupId: g.groupId }), validFrom: g.validFrom, validUntil: g.validUntil }));
    setSaving(true);
    try {
      const answer = await api('put', '/api/v1/webhooks/{id}/grants', { path: { id: webhook.id }, body: { method, grants: [...kept, ...wanted] } });
      if (answer.methodChanged) void message.warning(t('grant.revoked', { count: answer.revoked }));
      else void message.success(t('common.saved'));
      form.resetFields();
      setChosenMethod(null);
      await reload();
    } catch (error) {
      const rest = applyApiErrors(form, error);
      setProblems(rest);
    } finally {
      setSaving(false);
    }
  };

  const subjectOptions = method === 'member'
    ? (members.data?.items ?? []).filter((m) => !m.admin).map((m) => ({ value: m.id, label: `${m.name} <${m.email}>` }))
    : (groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }));

  return (
    <Modal open width={760} title={t('grant.title', { name: webhook.name })} onCancel={onClose} data-testid="grant-dialog"
      footer={[
        <Button key="close" onClick={onClose}>{t('common.close')}</Button>,
        <Button key="ok" type="primary" loading={saving} onClick={() => void save()} data-testid="grant-ok">{t('common.ok')}</Button>,
      ]}>
      <QueryState query={grants}>
        {() => (
          <>
            <Typography.Paragraph type="secondary">{t('grant.help')}</Typography.Paragraph>
            <Radio.Group value={method} onChange={(e) => { setChosenMethod(e.target.value as Method); form.setFieldValue('subjects', []); }} data-testid="grant-method"
              options={[{ value: 'member', label: t('grant.byMember') }, { value: 'group', label: t('grant.byGroup') }]} optionType="button" style={{ marginBottom: 16 }} />
            {switching ? <Alert type="warning" showIcon title={t('grant.switchWarning')} style={{ marginBottom: 16 }} data-testid="grant-switch-warning" /> : null}
            <Form form={form} layout="vertical" initialValues={{ subjects: [], period: [dayjs(), dayjs().add(30, 'day')] }}>
              <Form.Item name="subjects" label={method === 'member' ? t('grant.members') : t('grant.groups')}>
                <Select mode="multiple" options={subjectOptions} loading={members.isPending || groups.isPending} optionFilterProp="label" data-testid="grant-subjects" />
              </Form.Item>
              <Form.Item name="period" label={t('grant.validity')}>
                <DatePicker.RangePicker showTime data-testid="grant-period" />
              </Form.Item>
            </Form>
            {problems.length > 0 ? <Alert type="error" showIcon title={problems.join('; ')} style={{ marginBottom: 16 }} /> : null}
            <Typography.Title level={5}>{t('grant.current')}</Typography.Title>
            <Table<Grant>
              size="small"
              rowKey="id"
              pagination={false}
              data-testid="grant-table"
              dataSource={grants.data?.items ?? []}
              locale={{ emptyText: t('grant.none') }}
              columns={[
                { title: grants.data?.method === 'group' ? t('grant.group') : t('grant.member'), dataIndex: 'name' },
                { title: t('grant.validity'), render: (_: unknown, g) => `${formatDateTime(g.validFrom)} – ${formatDateTime(g.validUntil)}` },
                { title: t('grant.status'), dataIndex: 'status', render: (s: Grant['status']) => <Tag color={s === 'active' ? 'green' : s === 'pending' ? 'blue' : 'default'}>{t(`grant.statuses.${s}`)}</Tag> },
                { title: '', render: (_: unknown, g) => <Button size="small" danger onClick={() => void remove(g)} data-testid="grant-remove">{t('common.remove')}</Button> },
              ]}
            />
          </>
        )}
      </QueryState>
    </Modal>
  );
}
