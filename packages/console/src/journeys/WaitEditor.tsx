import { DatePicker, InputNumber, Select, Space } from 'antd';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { Wait } from './definition';

type Unit = 'minutes' | 'hours' | 'days' | 'until';

function unitOf(wait: Wait | undefined): Unit {
  if (wait?.until !== undefined) return 'until';
  if (wait?.days !== undefined) return 'days';
  if (wait?.minutes !== undefined) return 'minutes';
  return 'hours';
}

/** A wait: a number of minutes, hours or days, or until a fixed time (exactly one, as the API takes it). */
export function WaitEditor({ value, onChange, testId }: { value: Wait | undefined; onChange: (wait: Wait) => void; testId: string }) {
  const { t } = useTranslation();
  const unit = unitOf(value);
  const amount = unit === 'until' ? undefined : value?.[unit];
  const setUnit = (next: Unit) => {
    if (next === 'until') onChange({ until: dayjs().add(1, 'day').startOf('hour').format('YYYY-MM-DDTHH:mm:ssZ') });
    else onChange({ [next]: amount ?? 1 });
  };
  return (
    <Space.Compact style={{ width: '100%' }} data-testid={testId}>
      <Select<Unit> value={unit} onChange={setUnit} style={{ width: 130 }} data-testid={`${testId}-unit`}
        options={(['minutes', 'hours', 'days', 'until'] as const).map((u) => ({ value: u, label: t(`journeys.wait.${u}`) }))} />
      {unit === 'until' ? (
        <DatePicker showTime style={{ flex: 1 }} value={value?.until ? dayjs(value.until) : null}
          onChange={(d) => { if (d) onChange({ until: d.format('YYYY-MM-DDTHH:mm:ssZ') }); }} />
      ) : (
        <InputNumber min={1} precision={0} style={{ flex: 1 }} value={amount} data-testid={`${testId}-amount`}
          onChange={(n) => onChange({ [unit]: typeof n === 'number' ? n : 1 })} />
      )}
    </Space.Compact>
  );
}
