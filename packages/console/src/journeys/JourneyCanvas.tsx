import { applyNodeChanges, Background, Controls, ReactFlow, useReactFlow, type Connection, type Edge, type EdgeChange, type Node, type NodeChange } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useEffect, useMemo } from 'react';
import { DEFAULT_EXIT, type Draft, type NodeStats } from './definition';
import { JourneyNodeCard, type CardNode } from './JourneyNodeCard';

const NODE_TYPES = { journey: JourneyNodeCard };

export interface CanvasProps {
  draft: Draft;
  /** Where each node is drawn (and which is selected): positions live in the browser only. */
  placed: Node[];
  setPlaced: (update: (nodes: Node[]) => Node[]) => void;
  selectedEdge: string | null;
  setSelectedEdge: (id: string | null) => void;
  stats: Record<string, NodeStats>;
  errors: Record<string, string[]>;
  readOnly: boolean;
  /** Bumped when nodes are added or arranged, to fit them all in view. */
  fitKey: number;
  onConnect: (edge: { from: string; exit: string; to: string }) => void;
  onRemoveNodes: (ids: string[]) => void;
  onRemoveEdges: (ids: string[]) => void;
}

/** The journey's graph on a React Flow canvas: nodes with a handle per exit, edges dragged between them. */
export function JourneyCanvas(props: CanvasProps) {
  const { draft, placed, setPlaced, selectedEdge, setSelectedEdge, stats, errors, readOnly, fitKey } = props;
  const flow = useReactFlow();
  const incoming = useMemo(() => new Set(draft.edges.map((e) => e.to)), [draft.edges]);
  const byId = useMemo(() => new Map(draft.nodes.map((n) => [n.id, n])), [draft.nodes]);

  const nodes: CardNode[] = placed.flatMap((p) => {
    const node = byId.get(p.id);
    return node ? [{ ...p, type: 'journey' as const, data: { node, stats: stats[node.id], errors: errors[node.id] ?? [], isEntry: !incoming.has(node.id) } }] : [];
  });
  const edges: Edge[] = draft.edges.map((e) => {
    const id = `${e.from}:${e.exit}`;
    return { id, source: e.from, sourceHandle: e.exit, target: e.to, selected: selectedEdge === id, style: selectedEdge === id ? { stroke: '#1677ff', strokeWidth: 2 } : undefined };
  });

  useEffect(() => {
    if (fitKey === 0) return;
    // After the new nodes are measured.
    const timer = setTimeout(() => void flow.fitView({ padding: 0.15, duration: 0 }), 50);
    return () => clearTimeout(timer);
  }, [fitKey, flow]);

  const onNodesChange = (changes: NodeChange[]) => {
    const removed = changes.flatMap((c) => (c.type === 'remove' ? [c.id] : []));
    if (removed.length > 0) props.onRemoveNodes(removed);
    setPlaced((current) => applyNodeChanges(changes.filter((c) => c.type !== 'remove'), current));
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    const removed = changes.flatMap((c) => (c.type === 'remove' ? [c.id] : []));
    if (removed.length > 0) props.onRemoveEdges(removed);
    const selected = changes.find((c) => c.type === 'select');
    if (selected && selected.type === 'select') setSelectedEdge(selected.selected ? selected.id : null);
  };
  const onConnect = (c: Connection) => {
    if (c.source && c.target) props.onConnect({ from: c.source, exit: c.sourceHandle ?? DEFAULT_EXIT, to: c.target });
  };

  return (
    <ReactFlow
      nodes={nodes}
      edges={edges}
      nodeTypes={NODE_TYPES}
      onNodesChange={onNodesChange}
      onEdgesChange={onEdgesChange}
      onConnect={onConnect}
      isValidConnection={(c) => c.source !== c.target}
      nodesConnectable={!readOnly}
      deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
      fitView
      fitViewOptions={{ padding: 0.15 }}
      minZoom={0.2}
      maxZoom={1.5}
      proOptions={{ hideAttribution: true }}
    >
      <Background />
      <Controls showInteractive={false} />
    </ReactFlow>
  );
}
