import { ApartmentOutlined, PlusOutlined, SaveOutlined, UnorderedListOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ReactFlowProvider, type Node } from '@xyflow/react';
import { Alert, App, Button, Card, Space, Tag, Tooltip, Typography } from 'antd';
import type { ButtonProps } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, ApiError } from '../shared/api';
import { PageHeader } from '../shared/PageHeader';
import { errorText, QueryState } from '../shared/QueryState';
import { draftOf, errorsByNode, exitsOf, inputOf, layout, newNode, newNodeId, NODE_TYPES, type Draft, type Journey, type JourneyDetail, type JourneyNode, type NodeStats, type NodeType } from './definition';
import { EntryPanel } from './EntryPanel';
import { InstancesDrawer } from './InstancesDrawer';
import { JourneyCanvas } from './JourneyCanvas';
import { STATUS_COLORS } from './JourneysPage';
import { NodePanel } from './NodePanel';

type Action = 'publish' | 'pause' | 'resume' | 'stop';
interface Problems {
  byNode: Record<string, string[]>;
  entry: string[];
  other: string[];
}
const NO_PROBLEMS: Problems = { byNode: {}, entry: [], other: [] };

function placedOf(draft: Draft, previous: Node[]): Node[] {
  const auto = layout(draft.nodes, draft.edges);
  const known = new Map(previous.map((n) => [n.id, n]));
  return draft.nodes.map((n) => known.get(n.id) ?? { id: n.id, type: 'journey', position: auto[n.id]!, data: {} });
}

/** Drops edges from exits a node no longer has (a removed group or result). */
function pruned(draft: Draft): Draft {
  const exits = new Map(draft.nodes.map((n) => [n.id, new Set(exitsOf(n))]));
  return { ...draft, edges: draft.edges.filter((e) => exits.get(e.from)?.has(e.exit) && exits.has(e.to)) };
}

/** The API's problems, per node where they name one. */
function problemsOf(error: unknown, draft: Draft): Problems {
  if (!(error instanceof ApiError) || error.details.length === 0) return { ...NO_PROBLEMS, other: [errorText(error)] };
  const entryErrors = error.details.filter((d) => /^(body\.)?(entry|name)\b/.test(d.path));
  const { byNode, other } = errorsByNode(error.details.filter((d) => !entryErrors.includes(d)), inputOf(draft));
  return { byNode, entry: entryErrors.map((d) => `${d.path}: ${d.message}`), other };
}

function Editor({ detail }: { detail: JourneyDetail }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const journey = detail.journey;
  const [draft, setDraft] = useState<Draft>(() => draftOf(journey));
  const [placed, setPlaced] = useState<Node[]>(() => placedOf(draftOf(journey), []));
  const [revision, setRevision] = useState(journey.revision);
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState<Problems>(NO_PROBLEMS);
  const [selectedEdge, setSelectedEdge] = useState<string | null>(null);
  const [fitKey, setFitKey] = useState(0);
  const [saving, setSaving] = useState(false);
  const [showInstances, setShowInstances] = useState(false);
  const readOnly = journey.status === 'stopped';

  // Another change of the journey (elsewhere) is taken in unless this editor holds unsaved edits.
  useEffect(() => {
    if (journey.revision === revision || dirty) return;
    const next = draftOf(journey);
    setDraft(next);
    setPlaced((p) => placedOf(next, p));
    setRevision(journey.revision);
  }, [journey, revision, dirty]);

  const change = (update: (d: Draft) => Draft) => {
    setDraft((d) => pruned(update(d)));
    setDirty(true);
  };
  const selectedId = placed.find((n) => n.selected)?.id;
  const selected = draft.nodes.find((n) => n.id === selectedId);
  const stats: Record<string, NodeStats> = Object.fromEntries(detail.stats.nodes.map((s) => [s.nodeId, s]));

  const addNode = (type: NodeType) => {
    const id = newNodeId(type, draft.nodes);
    const node = newNode(type, id, t(`journeys.type.${type}`));
    const right = Math.max(0, ...placed.map((n) => n.position.x));
    change((d) => ({ ...d, nodes: [...d.nodes, node] }));
    setPlaced((p) => [...p.map((n) => ({ ...n, selected: false })), { id, type: 'journey', position: { x: right + 300, y: 40 + (p.length % 2) * 120 }, data: {}, selected: true }]);
    setFitKey((k) => k + 1);
  };
  const removeNodes = (ids: string[]) => {
    change((d) => ({ ...d, nodes: d.nodes.filter((n) => !ids.includes(n.id)), edges: d.edges.filter((e) => !ids.includes(e.from) && !ids.includes(e.to)) }));
    setPlaced((p) => p.filter((n) => !ids.includes(n.id)));
  };
  const patchNode = (id: string, patch: Partial<JourneyNode>) => change((d) => ({ ...d, nodes: d.nodes.map((n) => (n.id === id ? { ...n, ...patch } : n)) }));
  const renameExit = (id: string, from: string, to: string | null) =>
    change((d) => ({ ...d, edges: d.edges.flatMap((e) => (e.from === id && e.exit === from ? (to === null ? [] : [{ ...e, exit: to }]) : [e])) }));
  const arrange = () => {
    const auto = layout(draft.nodes, draft.edges);
    setPlaced((p) => p.map((n) => ({ ...n, position: auto[n.id] ?? n.position })));
    setFitKey((k) => k + 1);
  };

  const took = async (answer: Journey) => {
    const next = draftOf(answer);
    setDraft(next);
    setPlaced((p) => placedOf(next, p));
    setRevision(answer.revision);
    setDirty(false);
    setProblems(NO_PROBLEMS);
    client.setQueryData(['journey', answer.id], (old: JourneyDetail | undefined) => (old ? { ...old, journey: answer } : old));
    await client.invalidateQueries({ queryKey: ['journey', answer.id] });
    await client.invalidateQueries({ queryKey: ['journeys'] });
  };

  const save = async () => {
    setSaving(true);
    try {
      await took(await api('put', '/api/v1/journeys/{id}', { path: { id: journey.id }, body: inputOf(draft) }));
      void message.success(t('journeys.saved'));
    } catch (error) {
      setProblems(problemsOf(error, draft));
    } finally {
      setSaving(false);
    }
  };

  const run = (action: Action) => {
    modal.confirm({
      title: t(`journeys.confirm.${action}Title`, { name: journey.name }),
      content: t(`journeys.confirm.${action}Text`),
      okText: t(`journeys.action.${action}`),
      okButtonProps: { danger: action === 'stop', 'data-testid': 'confirm-action' } as ButtonProps,
      cancelText: t('common.cancel'),
      onOk: async () => {
        try {
          await took(await api('post', `/api/v1/journeys/{id}/${action}`, { path: { id: journey.id } }));
          void message.success(t(`journeys.done.${action}`));
        } catch (error) {
          setProblems(problemsOf(error, draft));
        }
      },
    });
  };

  const status = journey.status;
  const unpublished = journey.publishedVersion === null || journey.hasUnpublishedChanges;
  const saveFirst = dirty ? t('journeys.saveFirst') : undefined;
  const allProblems = [...problems.other, ...problems.entry, ...Object.entries(problems.byNode).flatMap(([id, list]) => list.map((m) => `${id} — ${m}`))];
  const { instances } = detail.stats;

  return (
    <>
      <PageHeader
        title={draft.name || journey.name}
        extra={
          <Space wrap>
            <Tag color={STATUS_COLORS[status]} data-testid="journey-status">{t(`journeys.status.${status}`)}</Tag>
            <Typography.Text type="secondary" data-testid="journey-version">
              {t('journeys.latestVersion', { version: journey.version })}
              {journey.publishedVersion !== null ? ` · ${t('journeys.publishedVersion', { version: journey.publishedVersion })}` : ''}
            </Typography.Text>
            <Button icon={<UnorderedListOutlined />} onClick={() => setShowInstances(true)} data-testid="show-instances">{t('journeys.instances.open')}</Button>
            <Button type="primary" icon={<SaveOutlined />} loading={saving} disabled={readOnly || !dirty} onClick={() => void save()} data-testid="save-journey">{t('journeys.action.save')}</Button>
            {status !== 'stopped' && unpublished ? (
              <Tooltip title={saveFirst}><Button disabled={dirty} onClick={() => run('publish')} data-testid="publish-journey">{t('journeys.action.publish')}</Button></Tooltip>
            ) : null}
            {status === 'published' ? <Button onClick={() => run('pause')} data-testid="pause-journey">{t('journeys.action.pause')}</Button> : null}
            {status === 'paused' ? <Button onClick={() => run('resume')} data-testid="resume-journey">{t('journeys.action.resume')}</Button> : null}
            {status === 'published' || status === 'paused' ? <Button danger onClick={() => run('stop')} data-testid="stop-journey">{t('journeys.action.stop')}</Button> : null}
          </Space>
        }
      />
      <Space style={{ marginBottom: 8 }} wrap>
        <Link to="/journeys">{t('journeys.back')}</Link>
        <Typography.Text type="secondary" data-testid="instance-totals">
          {t('journeys.totals', { total: instances.total, active: instances.active, exited: instances.exited, stopped: instances.stopped })}
        </Typography.Text>
        {dirty ? <Tag color="warning" data-testid="unsaved">{t('journeys.unsaved')}</Tag> : null}
      </Space>
      {allProblems.length > 0 ? (
        <Alert type="error" showIcon closable onClose={() => setProblems(NO_PROBLEMS)} title={t('journeys.problems', { count: allProblems.length })}
          description={<ul style={{ margin: 0, paddingLeft: 16, maxHeight: 96, overflow: 'auto' }}>{allProblems.map((p, i) => <li key={i}>{p}</li>)}</ul>} style={{ marginBottom: 8 }} data-testid="journey-problems" />
      ) : null}
      {readOnly ? <Alert type="info" showIcon title={t('journeys.stoppedReadOnly')} style={{ marginBottom: 8 }} /> : null}
      <Space wrap style={{ marginBottom: 8 }} data-testid="palette">
        <Typography.Text strong>{t('journeys.palette')}</Typography.Text>
        {NODE_TYPES.map((type) => (
          <Button key={type} size="small" icon={<PlusOutlined />} disabled={readOnly} onClick={() => addNode(type)} data-testid={`add-${type}`}>{t(`journeys.type.${type}`)}</Button>
        ))}
        <Button size="small" icon={<ApartmentOutlined />} onClick={arrange} data-testid="arrange">{t('journeys.arrange')}</Button>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('journeys.canvasHelp')}</Typography.Text>
      </Space>
      <div style={{ display: 'flex', gap: 12, height: 'calc(100vh - 290px)', minHeight: 420 }}>
        <div style={{ flex: 1, border: '1px solid #f0f0f0', borderRadius: 8, background: '#fff' }} data-testid="canvas">
          <JourneyCanvas
            draft={draft}
            placed={placed}
            setPlaced={setPlaced}
            selectedEdge={selectedEdge}
            setSelectedEdge={setSelectedEdge}
            stats={stats}
            errors={problems.byNode}
            readOnly={readOnly}
            fitKey={fitKey}
            onConnect={(edge) => change((d) => ({ ...d, edges: [...d.edges.filter((e) => !(e.from === edge.from && e.exit === edge.exit)), edge] }))}
            onRemoveNodes={removeNodes}
            onRemoveEdges={(ids) => change((d) => ({ ...d, edges: d.edges.filter((e) => !ids.includes(`${e.from}:${e.exit}`)) }))}
          />
        </div>
        <Card size="small" style={{ width: 340, overflow: 'auto' }}
          extra={selected ? <Button size="small" onClick={() => setPlaced((p) => p.map((n) => ({ ...n, selected: false })))} data-testid="journey-settings">{t('journeys.entry.title')}</Button> : null}>
          {selected ? (
            <NodePanel key={selected.id} node={selected} draft={draft} errors={problems.byNode[selected.id] ?? []} readOnly={readOnly}
              onPatch={(patch) => patchNode(selected.id, patch)} onRenameExit={(from, to) => renameExit(selected.id, from, to)} onDelete={() => removeNodes([selected.id])} />
          ) : (
            <EntryPanel draft={draft} errors={problems.entry} readOnly={readOnly} onChange={(patch) => change((d) => ({ ...d, ...patch }))} />
          )}
        </Card>
      </div>
      {showInstances ? <InstancesDrawer journeyId={journey.id} onClose={() => setShowInstances(false)} /> : null}
    </>
  );
}

/** A journey on the canvas: build and edit it, save, publish / pause / resume / stop, per-node counts, users' paths. */
export function JourneyEditorPage() {
  const { id = '' } = useParams();
  const detail = useQuery({
    queryKey: ['journey', id],
    queryFn: () => api('get', '/api/v1/journeys/{id}', { path: { id } }),
    // Counts move while users are in flight.
    refetchInterval: (q) => (q.state.data && ['published', 'paused'].includes(q.state.data.journey.status) ? 3000 : false),
  });
  return (
    <QueryState query={detail}>
      {() => (
        <ReactFlowProvider>
          <Editor key={id} detail={detail.data!} />
        </ReactFlowProvider>
      )}
    </QueryState>
  );
}
