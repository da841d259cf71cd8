import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Form, Input, Modal, Select, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { applyApiErrors, clearChangedErrors } from '../shared/form-errors';
import { PageHeader } from '../shared/PageHeader';
import { errorText, QueryState } from '../shared/QueryState';

type Group = Schemas['MemberGroup'];

function GroupDialog({ group, onClose }: { group: Group | null; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form] = Form.useForm<Schemas['GroupInput']>();
  const [problems, setProblems] = useState<string[]>([]);
  const members = useQuery({ queryKey: ['members', 'all'], queryFn: () => api('get', '/api/v1/members', { query: { pageSize: 200 } }) });
  const save = async () => {
    const v = form.getFieldsValue(true) as Partial<Schemas['GroupInput']>;
    const body = { name: v.name ?? '', memberIds: v.memberIds ?? [] };
    try {
      if (group) await api('put', '/api/v1/member-groups/{id}', { path: { id: group.id }, body });
      else await api('post', '/api/v1/member-groups', { body });
      await client.invalidateQueries({ queryKey: ['groups'] });
      await client.invalidateQueries({ queryKey: ['members'] });
      onClose();
    } catch (e) {
      setProblems(applyApiErrors(form, e));
    }
  };
  return (
    <Modal open title={group ? t('groups.edit') : t('groups.create')} onCancel={onClose} onOk={() => void save()} okText={t('common.ok')} cancelText={t('common.cancel')}>
      {problems.length > 0 ? <Alert type="error" showIcon title={problems.join('; ')} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onValuesChange={(changed) => clearChangedErrors(form, changed)} initialValues={group ? { name: group.name, memberIds: group.members.map((m) => m.id) } : { memberIds: [] }}>
        <Form.Item name="name" label={t('groups.name')} required><Input /></Form.Item>
        <Form.Item name="memberIds" label={t('groups.members')}>
          <Select mode="multiple" loading={members.isPending} optionFilterProp="label" options={(members.data?.items ?? []).map((m) => ({ value: m.id, label: m.name }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Workspace member groups (a grant method of webhooks). */
export function GroupsPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const [editing, setEditing] = useState<Group | null | undefined>(undefined);
  const groups = useQuery({ queryKey: ['groups', 'page'], queryFn: () => api('get', '/api/v1/member-groups', { query: { pageSize: 200 } }) });
  const remove = (g: Group) => modal.confirm({
    title: t('groups.deleteTitle', { name: g.name }), content: t('groups.deleteText'), okButtonProps: { danger: true }, okText: t('common.delete'), cancelText: t('common.cancel'),
    onOk: async () => {
      try {
        await api('delete', '/api/v1/member-groups/{id}', { path: { id: g.id } });
        await client.invalidateQueries({ queryKey: ['groups'] });
      } catch (e) {
        void message.error(errorText(e));
      }
    },
  });
  return (
    <>
      <PageHeader title={t('nav.groups')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)}>{t('groups.create')}</Button>} />
      <QueryState query={groups}>
        {() => (
          <Table<Group> rowKey="id" dataSource={groups.data?.items ?? []} locale={{ emptyText: t('groups.empty') }}
            columns={[
              { title: t('groups.name'), dataIndex: 'name' },
              { title: t('groups.members'), render: (_: unknown, g) => g.members.map((m) => <Tag key={m.id}>{m.name}</Tag>) },
              { title: t('common.actions'), render: (_: unknown, g) => <Space><Button size="small" onClick={() => setEditing(g)}>{t('common.edit')}</Button><Button size="small" danger onClick={() => remove(g)}>{t('common.delete')}</Button></Space> },
            ]} />
        )}
      </QueryState>
      {editing !== undefined ? <GroupDialog group={editing} onClose={() => setEditing(undefined)} /> : null}
    </>
  );
}
