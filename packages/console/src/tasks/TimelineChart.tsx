import { Empty, Flex, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import i18n from '../shared/i18n';
import type { TimelinePoint } from './timeline';

const SENT = '#1677ff';
const RECEIPTS = '#52c41a';
const W = 720;
const H = 220;
const PAD = { left: 40, right: 12, top: 12, bottom: 28 };

function timeLabel(at: number, bucketMs: number): string {
  const locale = i18n.language === 'zh' ? 'zh-CN' : 'en-US';
  const options: Intl.DateTimeFormatOptions = bucketMs >= 86_400_000 ? { month: 'short', day: 'numeric' } : bucketMs < 60_000 ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' };
  return new Intl.DateTimeFormat(locale, options).format(new Date(at));
}

/** Sends and receipts per time bucket as grouped bars: a small SVG, no chart library (it scales to the card's width). */
export function TimelineChart({ points, bucketMs }: { points: TimelinePoint[]; bucketMs: number }) {
  const { t } = useTranslation();
  if (points.length === 0) return <Empty description={t('tasks.chart.empty')} />;
  const top = Math.max(1, ...points.flatMap((p) => [p.sent, p.receipts]));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / points.length;
  const bar = Math.max(1, Math.min(18, slot / 2 - 1));
  const y = (v: number) => PAD.top + plotH - (v / top) * plotH;
  const labelEvery = Math.ceil(points.length / 6);
  return (
    <div data-testid="timeline-chart">
      <Flex justify="flex-end">
        <Space size="large">
          <Space size={4}><span style={{ display: 'inline-block', width: 10, height: 10, background: SENT }} />{t('tasks.chart.sent')}</Space>
          <Space size={4}><span style={{ display: 'inline-block', width: 10, height: 10, background: RECEIPTS }} />{t('tasks.chart.receipts')}</Space>
        </Space>
      </Flex>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" role="img" aria-label={t('tasks.chart.title')}>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(top * f)} y2={y(top * f)} stroke="#f0f0f0" />
            <text x={PAD.left - 6} y={y(top * f) + 4} textAnchor="end" fontSize={11} fill="#8c8c8c">{Math.round(top * f)}</text>
          </g>
        ))}
        {points.map((p, i) => {
          const x = PAD.left + i * slot + slot / 2;
          return (
            <g key={p.at}>
              <rect x={x - bar} y={y(p.sent)} width={bar} height={PAD.top + plotH - y(p.sent)} fill={SENT}><title>{`${timeLabel(p.at, bucketMs)} · ${t('tasks.chart.sent')}: ${p.sent}`}</title></rect>
              <rect x={x} y={y(p.receipts)} width={bar} height={PAD.top + plotH - y(p.receipts)} fill={RECEIPTS}><title>{`${timeLabel(p.at, bucketMs)} · ${t('tasks.chart.receipts')}: ${p.receipts}`}</title></rect>
              {i % labelEvery === 0 ? <text x={x} y={H - 8} textAnchor="middle" fontSize={11} fill="#8c8c8c">{timeLabel(p.at, bucketMs)}</text> : null}
            </g>
          );
        })}
      </svg>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('tasks.chart.bucket', { seconds: bucketMs / 1000 })}</Typography.Text>
    </div>
  );
}
