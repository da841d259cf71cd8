import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, Button, Card, Col, DatePicker, Form, Input, InputNumber, Radio, Row, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router';
import { api } from '../shared/api';
import { applyApiErrors, clearChangedErrors } from '../shared/form-errors';
import { PageHeader } from '../shared/PageHeader';
import { QueryState } from '../shared/QueryState';
import { ParamValueFields } from './ParamValueFields';
import { useAudienceOptions, useUsableWebhooks } from './queries';
import { EMPTY_TASK, fromTask, toTaskInput, type TaskFormValues } from './task-form';
import { editBlocked } from './task-rules';
import { TaskTestSend } from './TaskTestSend';

/** Create (/tasks/new) or edit (/tasks/:id/edit) a Reach Marketing task. */
export function TaskFormPage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const navigate = useNavigate();
  const client = useQueryClient();
  const [form] = Form.useForm<TaskFormValues>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);
  const webhooks = useUsableWebhooks();
  const audiences = useAudienceOptions();
  const existing = useQuery({ queryKey: ['task', id], queryFn: () => api('get', '/api/v1/tasks/{id}', { path: { id: id ?? '' } }), enabled: id !== undefined });
  const webhookId = Form.useWatch('webhookId', form);
  const policy = Form.useWatch('policy', form);
  const scheduleType = Form.useWatch(['schedule', 'type'], form);
  const webhook = webhooks.data?.items.find((w) => w.id === webhookId);
  const task = existing.data?.task;

  useEffect(() => {
    if (task && webhooks.data) {
      const w = webhooks.data.items.find((x) => x.id === task.webhookId);
      form.setFieldsValue(fromTask(task, w?.parameters ?? []));
    }
  }, [task, webhooks.data, form]);

  const save = async () => {
    setProblem([]);
    const values = form.getFieldsValue(true) as TaskFormValues;
    const body = toTaskInput(values, webhook?.parameters ?? []);
    setSaving(true);
    try {
      const saved = task
        ? await api('put', '/api/v1/tasks/{id}', { path: { id: task.id }, body, headers: { 'if-match': `"${task.version}"` } })
        : await api('post', '/api/v1/tasks', { body });
      await client.invalidateQueries({ queryKey: ['tasks'] });
      await client.invalidateQueries({ queryKey: ['task', saved.id] });
      void navigate(`/tasks/${saved.id}`);
    } catch (error) {
      setProblem(applyApiErrors(form, error));
    } finally {
      setSaving(false);
    }
  };

  const onValuesChange = (changed: Partial<TaskFormValues>) => {
    clearChangedErrors(form, changed);
    // Another webhook has other ID types and parameters: start its values afresh.
    if (changed.webhookId !== undefined) {
      const w = webhooks.data?.items.find((x) => x.id === changed.webhookId);
      form.setFieldsValue({ idType: w?.idTypes[0], params: {} });
    }
  };

  const blocked = task ? editBlocked(task, t) : undefined;
  const title = task ? t('tasks.editTitle', { name: task.name }) : t('tasks.create');
  return (
    <>
      <PageHeader title={title} />
      <QueryState query={id ? existing : webhooks}>
        {() => (
          <Row gutter={[24, 16]}>
            <Col xs={24} lg={15}>
              {blocked ? <Alert type="warning" showIcon title={blocked} style={{ marginBottom: 16 }} data-testid="edit-blocked" /> : null}
              <Form form={form} layout="vertical" initialValues={EMPTY_TASK} onValuesChange={onValuesChange} data-testid="task-form" disabled={blocked !== undefined}>
                <Form.Item name="name" label={t('tasks.field.name')} required>
                  <Input maxLength={64} data-testid="task-name" />
                </Form.Item>
                <Form.Item name="audienceId" label={t('tasks.field.audience')} required>
                  <Select data-testid="task-audience" loading={audiences.isPending} showSearch optionFilterProp="label" placeholder={t('tasks.form.chooseAudience')}
                    options={(audiences.data?.items ?? []).map((a) => ({ value: a.id, label: `${a.name} (${a.userCount.toLocaleString()})` }))} />
                </Form.Item>
                <Form.Item name="webhookId" label={t('tasks.field.webhook')} required extra={t('tasks.form.webhookHelp')}>
                  <Select data-testid="task-webhook" loading={webhooks.isPending} showSearch optionFilterProp="label" placeholder={t('tasks.form.chooseWebhook')}
                    options={(webhooks.data?.items ?? []).map((w) => ({ value: w.id, label: w.name }))} />
                </Form.Item>
                <Form.Item name="idType" label={t('tasks.field.idType')} required extra={t('tasks.form.idTypeHelp')}>
                  <Select data-testid="task-id-type" disabled={!webhook} options={(webhook?.idTypes ?? []).map((c) => ({ value: c, label: c }))} />
                </Form.Item>
                {webhook ? (
                  <Card size="small" title={t('tasks.form.params')} style={{ marginBottom: 24 }}>
                    <ParamValueFields webhook={webhook} form={form} />
                  </Card>
                ) : null}
                <Form.Item name="policy" label={t('tasks.field.missingVariable')} extra={t('tasks.form.missingHelp')}>
                  <Radio.Group data-testid="task-policy" options={[{ value: 'skip', label: t('tasks.form.skip') }, { value: 'replace', label: t('tasks.form.replace') }]} />
                </Form.Item>
                {policy === 'replace' ? (
                  <Form.Item name={['missingVariable', 'replace']} label={t('tasks.form.replaceWith')}>
                    <Input maxLength={1000} data-testid="task-replace" />
                  </Form.Item>
                ) : null}
                <Form.Item name="batchSize" label={t('tasks.field.batchSize')} extra={t('tasks.form.batchHelp')}>
                  <InputNumber min={1} max={100} precision={0} style={{ width: 160 }} data-testid="task-batch-size" />
                </Form.Item>
                <Form.Item name={['schedule', 'type']} label={t('tasks.field.schedule')}>
                  <Radio.Group data-testid="task-schedule" options={[{ value: 'now', label: t('tasks.form.now') }, { value: 'at', label: t('tasks.form.at') }]} />
                </Form.Item>
                {scheduleType === 'at' ? (
                  <Form.Item name={['schedule', 'at']} label={t('tasks.form.sendAt')} required extra={t('tasks.form.editWindow')}>
                    <DatePicker showTime data-testid="task-send-at" disabledDate={(d) => d.isBefore(dayjs().startOf('day'))} />
                  </Form.Item>
                ) : null}
              </Form>
              {problem.length > 0 ? <Alert type="error" showIcon title={problem.join('; ')} style={{ marginBottom: 16 }} data-testid="task-error" /> : null}
              <Space>
                <Button onClick={() => void navigate(task ? `/tasks/${task.id}` : '/tasks')}>{t('common.cancel')}</Button>
                <Button type="primary" loading={saving} disabled={blocked !== undefined} onClick={() => void save()} data-testid="task-ok">{task ? t('common.ok') : t('tasks.createOk')}</Button>
              </Space>
            </Col>
            <Col xs={24} lg={9}>
              <TaskTestSend webhook={webhook} values={() => form.getFieldsValue(true) as TaskFormValues} />
              <Typography.Paragraph type="secondary" style={{ marginTop: 16 }}>{t('tasks.test.help')}</Typography.Paragraph>
            </Col>
          </Row>
        )}
      </QueryState>
    </>
  );
}
