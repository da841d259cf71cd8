import { Handle, Position, type Node, type NodeProps } from '@xyflow/react';
import { Tag, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { DEFAULT_EXIT, exitsOf, type JourneyNode, type NodeStats } from './definition';

export interface CardData extends Record<string, unknown> {
  node: JourneyNode;
  stats?: NodeStats;
  errors: string[];
  isEntry: boolean;
}
export type CardNode = Node<CardData, 'journey'>;

const COLORS: Record<JourneyNode['type'], string> = { webhook: 'blue', wait: 'gold', split: 'purple', judgment: 'cyan', end: 'default' };

/** How an exit reads on the canvas (group names as they are). */
export function exitLabel(t: TFunction, exit: string): string {
  if (exit === DEFAULT_EXIT) return t('journeys.exit.default');
  if (exit === 'noId') return t('journeys.exit.noId');
  if (exit === 'other') return t('journeys.exit.other');
  if (exit === 'success') return t('journeys.exit.success');
  if (exit === 'failed') return t('journeys.exit.failed');
  if (exit.startsWith('receipt:')) return t('journeys.exit.receipt', { code: exit.slice('receipt:'.length) });
  return exit;
}

/** One journey node on the canvas: its type and name, counts, errors, and a handle per exit. */
export function JourneyNodeCard({ data, selected }: NodeProps<CardNode>) {
  const { t } = useTranslation();
  const { node, stats, errors, isEntry } = data;
  const border = errors.length > 0 ? '#ff4d4f' : selected ? '#1677ff' : '#d9d9d9';
  return (
    <div data-testid={`node-${node.id}`} style={{ width: 230, background: '#fff', border: `2px solid ${border}`, borderRadius: 8, fontSize: 12, boxShadow: '0 1px 4px rgba(0,0,0,0.08)' }}>
      <Handle type="target" position={Position.Left} style={{ width: 10, height: 10 }} />
      <div style={{ padding: '6px 10px', borderBottom: '1px solid #f0f0f0' }}>
        <Tag color={COLORS[node.type]}>{t(`journeys.type.${node.type}`)}</Tag>
        {isEntry ? <Tag color="green">{t('journeys.entryNode')}</Tag> : null}
        <div style={{ fontWeight: 600, marginTop: 4 }}>{node.name || node.id}</div>
        <Typography.Text type="secondary" style={{ fontSize: 11 }}>{node.id}</Typography.Text>
      </div>
      {stats ? (
        <div data-testid="node-counts" style={{ padding: '4px 10px', background: '#fafafa' }}>
          <div>{t('journeys.count.entered')}: <b data-testid="count-entered">{stats.entered}</b> · {t('journeys.count.waiting')}: <b>{stats.waiting}</b></div>
          {stats.delivery ? (
            <div>{t('journeys.count.sent')}: <b data-testid="count-sent">{stats.delivery.sent}</b> · {t('journeys.count.succeeded')}: <b>{stats.delivery.succeeded}</b> · {t('journeys.count.failed')}: <b>{stats.delivery.failed}</b></div>
          ) : null}
          {stats.receipts && stats.receipts.length > 0 ? (
            <div data-testid="count-receipts">{t('journeys.count.receipts')}: {stats.receipts.map((r) => `${r.status}${r.value ? ` (${r.value})` : ''} ${r.users}`).join(' · ')}</div>
          ) : null}
        </div>
      ) : null}
      {errors.length > 0 ? (
        <div data-testid="node-errors" style={{ padding: '4px 10px', color: '#ff4d4f' }}>
          {errors.map((e, i) => <div key={i}>{e}</div>)}
        </div>
      ) : null}
      {exitsOf(node).map((exit) => (
        <div key={exit} style={{ position: 'relative', padding: '3px 16px 3px 10px', textAlign: 'right', borderTop: '1px dashed #f0f0f0' }}>
          {exitLabel(t, exit)}
          {stats ? <Typography.Text type="secondary"> ({stats.exits[exit] ?? 0})</Typography.Text> : null}
          <Handle type="source" id={exit} position={Position.Right} style={{ width: 10, height: 10, background: '#1677ff' }} />
        </div>
      ))}
    </div>
  );
}
