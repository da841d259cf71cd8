import { useQuery } from '@tanstack/react-query';
import { Descriptions, Drawer, Empty, Input, Tag, Timeline } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { formatDateTime } from '../shared/format';
import { QueryState } from '../shared/QueryState';
import { exitLabel } from './JourneyNodeCard';

type Instance = Schemas['JourneyInstance'];
const STATUS_COLORS: Record<Instance['status'], string> = { active: 'processing', exited: 'success', stopped: 'default' };

function InstanceCard({ instance }: { instance: Instance }) {
  const { t } = useTranslation();
  return (
    <div data-testid="instance" style={{ border: '1px solid #f0f0f0', borderRadius: 8, padding: 12, marginBottom: 12 }}>
      <Descriptions size="small" column={2} items={[
        { key: 'customer', label: t('journeys.instances.customer'), children: instance.customerId },
        { key: 'status', label: t('journeys.instances.status'), children: <Tag color={STATUS_COLORS[instance.status]}>{t(`journeys.instances.statusValue.${instance.status}`)}</Tag> },
        { key: 'version', label: t('journeys.field.version'), children: instance.version },
        { key: 'started', label: t('journeys.instances.started'), children: formatDateTime(instance.startedAt) },
        { key: 'exited', label: t('journeys.instances.exited'), children: formatDateTime(instance.exitedAt) },
        { key: 'waiting', label: t('journeys.instances.waitingUntil'), children: formatDateTime(instance.waitingUntil) },
        { key: 'groups', label: t('journeys.instances.groupName'), children: instance.groupName || '—', span: 2 },
        { key: 'id', label: t('journeys.instances.instanceId'), children: instance.instanceId, span: 2 },
      ]} />
      <Timeline style={{ marginTop: 12 }} items={instance.path.map((step) => ({
        key: step.visitId,
        color: step.leftAt ? 'green' : 'blue',
        children: (
          <div data-testid="instance-step">
            <b>{step.name || step.nodeId}</b> <Tag>{t(`journeys.type.${step.type}`, { defaultValue: step.type })}</Tag>
            <div>{t('journeys.instances.entered')}: {formatDateTime(step.enteredAt)}</div>
            <div>{t('journeys.instances.left')}: {step.leftAt ? `${formatDateTime(step.leftAt)} → ${step.exit ? exitLabel(t, step.exit) : '—'}` : t('journeys.instances.stillHere')}</div>
          </div>
        ),
      }))} />
    </div>
  );
}

/** One user's path through the journey, with times (GET /journeys/{id}/instances?customerId=). */
export function InstancesDrawer({ journeyId, onClose }: { journeyId: string; onClose: () => void }) {
  const { t } = useTranslation();
  const [customerId, setCustomerId] = useState('');
  const query = { pageSize: 20, ...(customerId ? { customerId } : {}) };
  const instances = useQuery({
    queryKey: ['journey-instances', journeyId, query],
    queryFn: () => api('get', '/api/v1/journeys/{id}/instances', { path: { id: journeyId }, query }),
  });
  return (
    <Drawer open width={560} title={t('journeys.instances.title')} onClose={onClose} data-testid="instances-drawer">
      <Input.Search allowClear placeholder={t('journeys.instances.customerId')} onSearch={(v) => setCustomerId(v.trim())} style={{ marginBottom: 16 }} data-testid="instances-search" />
      <QueryState query={instances}>
        {() => (instances.data && instances.data.items.length > 0
          ? instances.data.items.map((i) => <InstanceCard key={i.instanceId} instance={i} />)
          : <Empty description={t('journeys.instances.empty')} />)}
      </QueryState>
    </Drawer>
  );
}
