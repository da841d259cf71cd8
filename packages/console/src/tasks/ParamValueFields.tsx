import { DatePicker, Form, Input, InputNumber, Typography } from 'antd';
import type { FormInstance } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../shared/api';
import { useManagedParameters } from '../webhooks/queries';
import { ParameterValueSelect } from '../webhooks/TestSendDialog';

type Webhook = Schemas['Webhook'];

/** The webhook's parameter values by type, as the test-send dialog asks them; text ones may hold `${variable}`s. */
export function ParamValueFields({ webhook, form }: { webhook: Webhook; form: FormInstance }) {
  const { t } = useTranslation();
  const managed = useManagedParameters(webhook.parameters.some((p) => p.type === 'parameter'));
  const params = Form.useWatch('params', form) as Record<string, unknown> | undefined;
  const managedById = new Map((managed.data?.items ?? []).map((p) => [p.id, p]));
  const chosen: Record<string, string | undefined> = {};
  for (const p of webhook.parameters) if (p.parameterId && typeof params?.[p.name] === 'string') chosen[p.parameterId] = params[p.name] as string;
  if (webhook.parameters.length === 0) return <Typography.Paragraph type="secondary">{t('tasks.form.noParams')}</Typography.Paragraph>;
  return (
    <>
      {webhook.parameters.map((p) => (
        <Form.Item key={p.name} name={['params', p.name]} label={`${p.displayName} (${p.name})`} required={p.required}
          extra={p.type === 'text' ? t('tasks.form.variableHelp') : undefined}>
          {p.type === 'numeric' ? <InputNumber style={{ width: '100%' }} data-testid={`task-param-${p.name}`} />
            : p.type === 'date' ? <DatePicker showTime style={{ width: '100%' }} data-testid={`task-param-${p.name}`} />
              : p.type === 'text' ? <Input.TextArea rows={3} data-testid={`task-param-${p.name}`} placeholder={t('tasks.form.variablePlaceholder')} />
                : p.type === 'parameter' && p.parameterId ? <ParameterValueSelect parameterId={p.parameterId} managed={managedById.get(p.parameterId)} chosen={chosen} />
                  : <Input data-testid={`task-param-${p.name}`} />}
        </Form.Item>
      ))}
    </>
  );
}
