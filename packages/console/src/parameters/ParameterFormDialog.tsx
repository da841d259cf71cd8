import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Col, Form, Input, Modal, Radio, Row, Select, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api';
import { applyApiErrors, clearChangedErrors } from '../shared/form-errors';
import { useManagedParameters } from '../webhooks/queries';
import { EMPTY_PARAMETER, inputOf, valuesOf, type Parameter, type ParameterFormValues } from './parameter-form';

const MAX_ROWS = 20;

/** Create / Edit Webhook Parameter: constant-based or interface-based, with their association settings. */
export function ParameterFormDialog({ parameter, onClose }: { parameter: Parameter | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const client = useQueryClient();
  const [form] = Form.useForm<ParameterFormValues>();
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);
  const others = useManagedParameters();
  const kind = Form.useWatch('kind', form);
  const associate = Form.useWatch('associate', form);
  const associateSystem = Form.useWatch('associateSystem', form);
  const authMethod = Form.useWatch('authMethod', form);
  const associations = Form.useWatch('associatedParameters', form);

  useEffect(() => form.setFieldsValue(parameter ? valuesOf(parameter) : EMPTY_PARAMETER), [form, parameter]);

  const otherOptions = (others.data?.items ?? []).filter((p) => p.id !== parameter?.id).map((p) => ({ value: p.id, label: p.name }));

  const save = async () => {
    setProblems([]);
    const input = inputOf(form.getFieldsValue(true) as ParameterFormValues);
    setSaving(true);
    try {
      if (parameter) await api('put', '/api/v1/parameters/{id}', { path: { id: parameter.id }, body: input, headers: { 'if-match': `"${parameter.version}"` } });
      else await api('post', '/api/v1/parameters', { body: input });
      void message.success(t('common.saved'));
      await client.invalidateQueries({ queryKey: ['parameters'] });
      onClose();
    } catch (error) {
      setProblems(applyApiErrors(form, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open width={860} maskClosable={false} title={parameter ? t('parameters.edit') : t('parameters.create')} onCancel={onClose} data-testid="parameter-dialog"
      footer={[
        <Button key="cancel" onClick={onClose}>{t('common.cancel')}</Button>,
        <Button key="ok" type="primary" loading={saving} onClick={() => void save()} data-testid="parameter-ok">{t('common.ok')}</Button>,
      ]}>
      {problems.length > 0 ? <Alert type="error" showIcon title={problems.join('; ')} style={{ marginBottom: 16 }} data-testid="form-error" /> : null}
      <Form form={form} layout="vertical" initialValues={EMPTY_PARAMETER} onValuesChange={(changed) => clearChangedErrors(form, changed)}>
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t('parameters.field.name')} required>
              <Input data-testid="parameter-name" maxLength={64} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="kind" label={t('parameters.field.kind')} required extra={parameter ? t('parameters.kindFixed') : undefined}>
              <Radio.Group disabled={parameter !== null} data-testid="parameter-kind" options={[{ value: 'constant', label: t('parameters.kind.constant') }, { value: 'interface', label: t('parameters.kind.interface') }]} />
            </Form.Item>
          </Col>
        </Row>
        {kind === 'interface' ? (
          <>
            <Form.Item name="url" label={t('parameters.field.url')} required>
              <Input placeholder="https://params.example.com/values" data-testid="parameter-url" />
            </Form.Item>
            <Form.Item name="description" label={t('parameters.field.interfaceDescription')}>
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
            <Form.Item name="authMethod" label={t('webhooks.field.authMethod')}>
              <Radio.Group options={[{ value: 'none', label: t('webhooks.auth.none') }, { value: 'key', label: t('webhooks.auth.key') }]} />
            </Form.Item>
            {authMethod === 'key' ? (
              <Form.Item name="key" label={t('webhooks.field.key')} extra={parameter?.kind === 'interface' && parameter.keySet ? t('webhooks.keyKept') : undefined}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
            ) : null}
            <Form.Item name="associateSystem" label={t('parameters.field.associateSystem')} valuePropName="checked">
              <Switch checkedChildren={t('common.yes')} unCheckedChildren={t('common.no')} />
            </Form.Item>
            {associateSystem ? (
              <Form.List name="systemParameters">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((field) => (
                      <Row key={field.key} gutter={8}>
                        <Col span={8}><Form.Item name={[field.name, 'name']} label={field.name === 0 ? t('parameters.row.name') : undefined}><Input /></Form.Item></Col>
                        <Col span={7}><Form.Item name={[field.name, 'displayName']} label={field.name === 0 ? t('parameters.row.displayName') : undefined}><Input /></Form.Item></Col>
                        <Col span={7}>
                          <Form.Item name={[field.name, 'value']} label={field.name === 0 ? t('parameters.row.value') : undefined}>
                            <Select options={[{ value: 'currentUser', label: t('parameters.system.currentUser') }, { value: 'rowPermissions', label: t('parameters.system.rowPermissions') }]} />
                          </Form.Item>
                        </Col>
                        <Col span={2}><Form.Item label={field.name === 0 ? ' ' : undefined}><Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(field.name)} /></Form.Item></Col>
                      </Row>
                    ))}
                    <Button type="dashed" icon={<PlusOutlined />} disabled={fields.length >= MAX_ROWS} onClick={() => add({ name: '', displayName: '', value: 'currentUser' })} style={{ marginBottom: 16 }}>{t('parameters.addRow')}</Button>
                  </>
                )}
              </Form.List>
            ) : null}
            <Form.Item name="associate" label={t('parameters.field.associateOther')} valuePropName="checked">
              <Switch checkedChildren={t('common.yes')} unCheckedChildren={t('common.no')} />
            </Form.Item>
            {associate ? (
              <Form.List name="associatedParameters">
                {(fields, { add, remove }) => (
                  <>
                    {fields.map((field) => {
                      const source = associations?.[field.name]?.source;
                      return (
                        <Row key={field.key} gutter={8}>
                          <Col span={5}><Form.Item name={[field.name, 'name']} label={field.name === 0 ? t('parameters.row.name') : undefined}><Input /></Form.Item></Col>
                          <Col span={5}><Form.Item name={[field.name, 'displayName']} label={field.name === 0 ? t('parameters.row.displayName') : undefined}><Input /></Form.Item></Col>
                          <Col span={5}>
                            <Form.Item name={[field.name, 'source']} label={field.name === 0 ? t('parameters.row.value') : undefined}>
                              <Select options={[{ value: 'parameter', label: t('parameters.source.parameter') }, { value: 'manual', label: t('parameters.source.manual') }]} />
                            </Form.Item>
                          </Col>
                          {source === 'manual' ? (
                            <>
                              <Col span={5}><Form.Item name={[field.name, 'value']} label={field.name === 0 ? t('parameters.row.manualValue') : undefined}><Input /></Form.Item></Col>
                              <Col span={2}><Form.Item name={[field.name, 'separator']} label={field.name === 0 ? t('parameters.row.separator') : undefined}><Input placeholder="," /></Form.Item></Col>
                            </>
                          ) : (
                            <Col span={7}>
                              <Form.Item name={[field.name, 'parameterId']} label={field.name === 0 ? t('parameters.row.associated') : undefined}>
                                <Select options={otherOptions} loading={others.isPending} />
                              </Form.Item>
                            </Col>
                          )}
                          <Col span={2}><Form.Item label={field.name === 0 ? ' ' : undefined}><Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(field.name)} /></Form.Item></Col>
                        </Row>
                      );
                    })}
                    <Button type="dashed" icon={<PlusOutlined />} disabled={fields.length >= MAX_ROWS} onClick={() => add({ source: 'parameter', name: '', displayName: '' })} style={{ marginBottom: 16 }}>{t('parameters.addRow')}</Button>
                  </>
                )}
              </Form.List>
            ) : null}
          </>
        ) : (
          <>
            <Form.Item name="description" label={t('parameters.field.description')}>
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
            <Form.Item name="associate" label={t('parameters.field.associateOther')} valuePropName="checked">
              <Switch checkedChildren={t('common.yes')} unCheckedChildren={t('common.no')} data-testid="parameter-associate" />
            </Form.Item>
            {associate ? (
              <Form.Item name="associatedParameterId" label={t('parameters.row.associated')}>
                <Select options={otherOptions} loading={others.isPending} />
              </Form.Item>
            ) : null}
            <Typography.Text type="secondary">{t('parameters.valuesHelp')}</Typography.Text>
            <Form.List name="values">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field) => (
                    <Row key={field.key} gutter={8} data-testid="value-row">
                      <Col span={associate ? 7 : 11}><Form.Item name={[field.name, 'name']} label={field.name === 0 ? t('parameters.row.constantValue') : undefined}><Input data-testid="value-name" /></Form.Item></Col>
                      <Col span={associate ? 7 : 11}><Form.Item name={[field.name, 'displayName']} label={field.name === 0 ? t('parameters.row.displayName') : undefined}><Input data-testid="value-display-name" /></Form.Item></Col>
                      {associate ? <Col span={8}><Form.Item name={[field.name, 'parentValue']} label={field.name === 0 ? t('parameters.row.parentValue') : undefined}><Input /></Form.Item></Col> : null}
                      <Col span={2}><Form.Item label={field.name === 0 ? ' ' : undefined}><Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => remove(field.name)} /></Form.Item></Col>
                    </Row>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} disabled={fields.length >= MAX_ROWS} onClick={() => add({ name: '', displayName: '' })} data-testid="add-value">{t('parameters.addValue')}</Button>
                </>
              )}
            </Form.List>
          </>
        )}
      </Form>
    </Modal>
  );
}
