import { useQueryClient } from '@tanstack/react-query';
import { Alert, Form, Input, Modal } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { applyApiErrors, clearChangedErrors } from '../shared/form-errors';

/** Create Audience: a name (unique) and a description; users come with an upload afterwards. */
export function AudienceFormDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (audience: Schemas['Audience']) => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form] = Form.useForm<{ name: string; description?: string }>();
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string[]>([]);

  const save = async () => {
    setProblem([]);
    const values = form.getFieldsValue();
    setSaving(true);
    try {
      const created = await api('post', '/api/v1/audiences', { body: { name: values.name ?? '', description: values.description ?? '' } });
      await client.invalidateQueries({ queryKey: ['audiences'] });
      onCreated(created);
    } catch (error) {
      setProblem(applyApiErrors(form, error));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Modal open title={t('audiences.create')} onCancel={onClose} onOk={() => void save()} confirmLoading={saving} okText={t('common.ok')} cancelText={t('common.cancel')}
      okButtonProps={{ 'data-testid': 'audience-ok' } as ButtonProps} data-testid="audience-dialog">
      <Form form={form} layout="vertical" onValuesChange={(changed) => clearChangedErrors(form, changed)}>
        <Form.Item name="name" label={t('audiences.name')} required>
          <Input maxLength={64} data-testid="audience-name" />
        </Form.Item>
        <Form.Item name="description" label={t('audiences.description')}>
          <Input.TextArea rows={2} maxLength={256} data-testid="audience-description" />
        </Form.Item>
      </Form>
      {problem.length > 0 ? <Alert type="error" showIcon title={problem.join('; ')} /> : null}
    </Modal>
  );
}
