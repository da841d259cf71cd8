import { Alert } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { formatCountdown } from './countdown';

type Window = NonNullable<Schemas['TaskStats']['receiptWindow']>;

/** How long receipts are still accepted (the last successful send plus the webhook's retention), ticking each second. */
export function ReceiptWindow({ window }: { window: Window | null }) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  if (!window) return <Alert type="info" showIcon title={t('tasks.window.none')} data-testid="receipt-window" />;
  if (!window.closesAt) return <Alert type="info" showIcon title={t('tasks.window.notStarted', { hours: window.retentionHours })} data-testid="receipt-window" />;
  const left = Date.parse(window.closesAt) - now;
  return left > 0
    ? <Alert type="success" showIcon data-testid="receipt-window" title={t('tasks.window.open', { left: formatCountdown(left, t('tasks.window.day')), at: formatDateTime(window.closesAt) })} description={t('tasks.window.retention', { hours: window.retentionHours })} />
    : <Alert type="warning" showIcon data-testid="receipt-window" title={t('tasks.window.closed', { at: formatDateTime(window.closesAt) })} />;
}
