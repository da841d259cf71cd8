import { useQuery } from '@tanstack/react-query';
import { Alert, DatePicker, Form, Input, Radio, Select, Typography } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api';
import type { Draft, JourneyEntry } from './definition';

/** The journey's name and entry: an audience at a time (each user once), or events with a re-entry policy. */
export function EntryPanel({ draft, errors, readOnly, onChange }: { draft: Draft; errors: string[]; readOnly: boolean; onChange: (patch: Partial<Draft>) => void }) {
  const { t } = useTranslation();
  const audiences = useQuery({ queryKey: ['audiences', 'all'], queryFn: () => api('get', '/api/v1/audiences', { query: { pageSize: 200 } }) });
  const entry = draft.entry;
  const setEntry = (next: JourneyEntry) => onChange({ entry: next });
  return (
    <div data-testid="entry-panel">
      <Typography.Title level={5} style={{ marginTop: 0 }}>{t('journeys.entry.title')}</Typography.Title>
      {errors.length > 0 ? <Alert type="error" showIcon title={errors.join('; ')} style={{ marginBottom: 12 }} data-testid="entry-errors" /> : null}
      <Form layout="vertical" disabled={readOnly}>
        <Form.Item label={t('journeys.field.name')} required>
          <Input value={draft.name} maxLength={64} onChange={(e) => onChange({ name: e.target.value })} data-testid="journey-name" />
        </Form.Item>
        <Form.Item label={t('journeys.entry.type')}>
          <Radio.Group value={entry.type} data-testid="entry-type"
            onChange={(e) => setEntry(e.target.value === 'audience' ? { type: 'audience', at: dayjs().startOf('minute').format('YYYY-MM-DDTHH:mm:ssZ') } : { type: 'event', reentry: 'never' })}
            options={[{ value: 'audience', label: t('journeys.entry.audience') }, { value: 'event', label: t('journeys.entry.event') }]} />
        </Form.Item>
        {entry.type === 'audience' ? (
          <>
            <Form.Item label={t('journeys.entry.audienceId')} required>
              <Select value={entry.audienceId} loading={audiences.isPending} showSearch optionFilterProp="label" data-testid="entry-audience"
                onChange={(audienceId: string) => setEntry({ ...entry, audienceId })}
                options={(audiences.data?.items ?? []).map((a) => ({ value: a.id, label: `${a.name} (${a.userCount})` }))} />
            </Form.Item>
            <Form.Item label={t('journeys.entry.at')} required extra={t('journeys.entry.atHelp')}>
              <DatePicker showTime style={{ width: '100%' }} value={entry.at ? dayjs(entry.at) : null} data-testid="entry-at"
                onChange={(d) => setEntry({ ...entry, at: d ? d.format('YYYY-MM-DDTHH:mm:ssZ') : undefined })} />
            </Form.Item>
          </>
        ) : (
          <Form.Item label={t('journeys.entry.reentry')} extra={t('journeys.entry.eventHelp')}>
            <Select value={entry.reentry ?? 'never'} onChange={(reentry: 'never' | 'afterExit') => setEntry({ ...entry, reentry })} data-testid="entry-reentry"
              options={[{ value: 'never', label: t('journeys.entry.never') }, { value: 'afterExit', label: t('journeys.entry.afterExit') }]} />
          </Form.Item>
        )}
      </Form>
    </div>
  );
}
