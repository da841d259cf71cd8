import { DeleteOutlined, LockOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Col, Collapse, Form, Input, InputNumber, Modal, Radio, Row, Select, Switch, Tooltip, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api';
import { applyApiErrors, clearChangedErrors } from '../shared/form-errors';
import { PreviewDialog } from './PreviewDialog';
import { useIdTypes, useManagedParameters } from './queries';
import { EMPTY_WEBHOOK, inputOf, valuesOf, type Webhook, type WebhookFormValues, type WebhookInput } from './webhook-form';

/** create: a new webhook; edit: a disabled one; copy: "a configuration page with the original settings". */
export type FormMode = { kind: 'create' } | { kind: 'edit'; webhook: Webhook } | { kind: 'copy'; webhook: Webhook };

const PARAMETER_TYPES = ['string', 'numeric', 'text', 'date', 'parameter'] as const;

/** The Create / Edit / Copy Webhook dialog with every field of the product document. */
export function WebhookFormDialog({ mode, onClose }: { mode: FormMode; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<WebhookFormValues>();
  const [saving, setSaving] = useState(false);
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const [preview, setPreview] = useState<{ input: WebhookInput; id?: string } | null>(null);
  // After a copy was made but its edit failed, the dialog goes on editing the copy.
  const [copyId, setCopyId] = useState<string | null>(null);
  const idTypes = useIdTypes();
  const managed = useManagedParameters();
  const source = mode.kind === 'create' ? undefined : mode.webhook;
  const savedStatusCount = mode.kind === 'edit' ? mode.webhook.receipt.statuses.length : 0;
  const authMethod = Form.useWatch('authMethod', form);
  const receiptEnabled = Form.useWatch(['receipt', 'enabled'], form);
  const parameters = Form.useWatch('parameters', form);

  useEffect(() => {
    if (!source) return form.setFieldsValue(EMPTY_WEBHOOK);
    const values = valuesOf(source);
    form.setFieldsValue(mode.kind === 'copy' ? { ...values, name: t('webhooks.copyName', { name: source.name }) } : values);
  }, [form, source, mode.kind, t]);

  const title = { create: t('webhooks.create'), edit: t('webhooks.edit'), copy: t('webhooks.copy') }[mode.kind];
  const keyStored = source?.keySet === true && source.authMethod === 'key';

  const showErrors = (error: unknown) => setFormErrors(applyApiErrors(form, error));

  const save = async () => {
    setFormErrors([]);
    const values = form.getFieldsValue(true) as WebhookFormValues;
    const input = inputOf(values);
    setSaving(true);
    try {
      if (mode.kind === 'create') {
        await api('post', '/api/v1/webhooks', { body: input });
      } else if (mode.kind === 'edit') {
        await api('put', '/api/v1/webhooks/{id}', { path: { id: mode.webhook.id }, body: input, headers: { 'if-match': `"${mode.webhook.version}"` } });
      } else {
        // The copy keeps the original's key (never shown here); the edit then applies the changed settings.
        const id = copyId ?? (await api('post', '/api/v1/webhooks/{id}/copy', { path: { id: mode.webhook.id }, body: { name: input.name } })).id;
        setCopyId(id);
        await api('put', '/api/v1/webhooks/{id}', { path: { id }, body: input });
      }
      void message.success(t('common.saved'));
      await client.invalidateQueries({ queryKey: ['webhooks'] });
      onClose();
    } catch (error) {
      showErrors(error);
      if (copyId) await client.invalidateQueries({ queryKey: ['webhooks'] });
    } finally {
      setSaving(false);
    }
  };

  const openPreview = () => {
    setFormErrors([]);
    const input = inputOf(form.getFieldsValue(true) as WebhookFormValues);
    const id = mode.kind === 'edit' ? mode.webhook.id : (copyId ?? undefined);
    setPreview(id === undefined ? { input } : { input, id });
  };

  const idTypeOptions = (idTypes.data?.items ?? [])
    .filter((type) => type.enabled || source?.idTypes.includes(type.code))
    .map((type) => ({ value: type.code, label: `${type.displayName} (${type.code})` }));
  const parameterOptions = (managed.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} (${t(`parameters.kind.${p.kind}`)})` }));

  return (
    <Modal
      open
      width={920}
      title={title}
      onCancel={onClose}
      maskClosable={false}
      data-testid="webhook-dialog"
      footer={[
        <Button key="preview" onClick={openPreview} data-testid="preview-format">{t('webhooks.previewFormat')}</Button>,
        <Button key="cancel" onClick={onClose}>{t('common.cancel')}</Button>,
        <Button key="ok" type="primary" loading={saving} onClick={() => void save()} data-testid="webhook-ok">{t('common.ok')}</Button>,
      ]}
    >
      {mode.kind === 'copy' ? <Alert type="info" showIcon title={t('webhooks.copyHint')} style={{ marginBottom: 16 }} /> : null}
      {formErrors.length > 0 ? <Alert type="error" showIcon title={formErrors.join('; ')} style={{ marginBottom: 16 }} data-testid="form-error" /> : null}
      <Form form={form} layout="vertical" initialValues={EMPTY_WEBHOOK} onValuesChange={(changed) => { clearChangedErrors(form, changed); if (formErrors.length) setFormErrors([]); }}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t('webhooks.field.name')} required>
              <Input data-testid="field-name" maxLength={64} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="authMethod" label={t('webhooks.field.authMethod')} required>
              <Radio.Group data-testid="field-auth" options={[{ value: 'none', label: t('webhooks.auth.none') }, { value: 'key', label: t('webhooks.auth.key') }]} />
            </Form.Item>
          </Col>
        </Row>
        {authMethod === 'key' ? (
          <Form.Item name="key" label={t('webhooks.field.key')} required={!keyStored} extra={keyStored ? t('webhooks.keyKept') : t('webhooks.keyHelp')}>
            <Input.Password data-testid="field-key" autoComplete="new-password" placeholder={keyStored ? '••••••••' : ''} />
          </Form.Item>
        ) : null}
        <Form.Item name="url" label={t('webhooks.field.url')} required extra={t('webhooks.urlHelp')}>
          <Input data-testid="field-url" placeholder="https://crm.example.com/hook" />
        </Form.Item>
        <Form.Item name="idTypes" label={t('webhooks.field.idTypes')} required extra={t('webhooks.idTypesHelp')}>
          <Select data-testid="field-id-types" mode="multiple" loading={idTypes.isPending} options={idTypeOptions} optionFilterProp="label" />
        </Form.Item>

        <Typography.Title level={5}>{t('webhooks.field.parameters')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('webhooks.parametersHelp')}</Typography.Paragraph>
        <Form.List name="parameters">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field) => {
                const type = parameters?.[field.name]?.type;
                return (
                  <Row key={field.key} gutter={8} align="top" data-testid="parameter-row">
                    <Col xs={12} md={5}>
                      <Form.Item name={[field.name, 'name']} label={field.name === 0 ? t('webhooks.param.name') : undefined}>
                        <Input placeholder="define_item1" data-testid="param-name" />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={5}>
                      <Form.Item name={[field.name, 'displayName']} label={field.name === 0 ? t('webhooks.param.displayName') : undefined}>
                        <Input data-testid="param-display-name" />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={5}>
                      <Form.Item name={[field.name, 'type']} label={field.name === 0 ? t('webhooks.param.type') : undefined}>
                        <Select data-testid="param-type" options={PARAMETER_TYPES.map((value) => ({ value, label: t(`webhooks.paramType.${value}`) }))} />
                      </Form.Item>
                    </Col>
                    <Col xs={12} md={5}>
                      {type === 'parameter' ? (
                        <Form.Item name={[field.name, 'parameterId']} label={field.name === 0 ? t('webhooks.param.parameterCall') : undefined}>
                          <Select data-testid="param-call" placeholder={t('webhooks.param.chooseParameter')} loading={managed.isPending} options={parameterOptions} showSearch optionFilterProp="label" />
                        </Form.Item>
                      ) : (
                        <Form.Item label={field.name === 0 ? t('webhooks.param.parameterCall') : undefined}>
                          <Typography.Text type="secondary">—</Typography.Text>
                        </Form.Item>
                      )}
                    </Col>
                    <Col xs={8} md={3}>
                      <Form.Item name={[field.name, 'required']} valuePropName="checked" label={field.name === 0 ? t('webhooks.param.required') : undefined}>
                        <Checkbox data-testid="param-required" />
                      </Form.Item>
                    </Col>
                    <Col xs={4} md={1}>
                      <Form.Item label={field.name === 0 ? ' ' : undefined}>
                        <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(field.name)} />
                      </Form.Item>
                    </Col>
                  </Row>
                );
              })}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', displayName: '', type: 'string', required: false })} data-testid="add-parameter" style={{ marginBottom: 16 }}>
                {t('webhooks.addParameter')}
              </Button>
            </>
          )}
        </Form.List>

        <Form.Item name="passEnvironment" label={t('webhooks.field.passEnvironment')} valuePropName="checked" extra={t('webhooks.passEnvironmentHelp')}>
          <Switch data-testid="field-pass-environment" />
        </Form.Item>

        <Form.Item name={['receipt', 'enabled']} label={t('webhooks.field.receipt')} valuePropName="checked" extra={t('webhooks.receiptHelp')}>
          <Switch data-testid="field-receipt" />
        </Form.Item>
        {receiptEnabled ? (
          <>
            <Form.Item name={['receipt', 'retentionHours']} label={t('webhooks.field.retentionHours')} extra={t('webhooks.retentionHelp')}>
              <InputNumber min={1} max={720} addonAfter={t('common.hours')} data-testid="field-retention" />
            </Form.Item>
            <Form.List name={['receipt', 'statuses']}>
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => {
                    const locked = field.name < savedStatusCount;
                    return (
                      <Row key={field.key} gutter={8} data-testid="status-row">
                        <Col span={10}>
                          <Form.Item name={[field.name, 'code']} label={field.name === 0 ? t('webhooks.status.code') : undefined}>
                            <Input disabled={locked} placeholder="200" data-testid="status-code" />
                          </Form.Item>
                        </Col>
                        <Col span={10}>
                          <Form.Item name={[field.name, 'value']} label={field.name === 0 ? t('webhooks.status.value') : undefined}>
                            <Input disabled={locked} placeholder={t('webhooks.status.valuePlaceholder')} data-testid="status-value" />
                          </Form.Item>
                        </Col>
                        <Col span={4}>
                          <Form.Item label={field.name === 0 ? ' ' : undefined}>
                            {locked ? (
                              <Tooltip title={t('webhooks.status.locked')}><LockOutlined data-testid="status-locked" /></Tooltip>
                            ) : (
                              <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(field.name)} />
                            )}
                          </Form.Item>
                        </Col>
                      </Row>
                    );
                  })}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ code: '', value: '' })} data-testid="add-status" style={{ marginBottom: 16 }}>
                    {t('webhooks.addStatus')}
                  </Button>
                </>
              )}
            </Form.List>
          </>
        ) : null}

        <Collapse
          size="small"
          items={[{
            key: 'delivery',
            label: t('webhooks.field.delivery'),
            forceRender: true,
            children: (
              <Row gutter={16}>
                <Col xs={24} md={8}>
                  <Form.Item name={['delivery', 'timeoutMs']} label={t('webhooks.delivery.timeoutMs')}>
                    <InputNumber min={1000} max={10000} step={1000} addonAfter="ms" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name={['delivery', 'maxConcurrency']} label={t('webhooks.delivery.maxConcurrency')}>
                    <InputNumber min={1} max={64} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name={['delivery', 'maxPerSecond']} label={t('webhooks.delivery.maxPerSecond')} extra={t('webhooks.delivery.unlimited')}>
                    <InputNumber min={0} max={10000} />
                  </Form.Item>
                </Col>
              </Row>
            ),
          }]}
        />
      </Form>
      {preview ? <PreviewDialog input={preview.input} webhookId={preview.id} onClose={() => setPreview(null)} onInvalid={(error) => { setPreview(null); showErrors(error); }} /> : null}
    </Modal>
  );
}
