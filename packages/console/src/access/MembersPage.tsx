import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Form, Input, Modal, Select, Space, Switch, Table, Tag, Tooltip } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { applyApiErrors, clearChangedErrors } from '../shared/form-errors';
import { PageHeader } from '../shared/PageHeader';
import { errorText, QueryState } from '../shared/QueryState';
import { TokensPanel } from './TokensPanel';

type Member = Schemas['Member'];

function MemberDialog({ member, onClose }: { member: Member | null; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form] = Form.useForm<Schemas['MemberInput']>();
  const [problems, setProblems] = useState<string[]>([]);
  const [saving, setSaving] = useState(false);
  const roles = useQuery({ queryKey: ['roles', 'all'], queryFn: () => api('get', '/api/v1/roles', { query: { pageSize: 200 } }) });
  const save = async () => {
    const v = form.getFieldsValue(true) as Partial<Schemas['MemberInput']>;
    const body = { name: v.name ?? '', email: v.email ?? '', admin: v.admin === true, roleIds: v.roleIds ?? [] };
    setSaving(true);
    setProblems([]);
    try {
      if (member) await api('put', '/api/v1/members/{id}', { path: { id: member.id }, body });
      else await api('post', '/api/v1/members', { body });
      await client.invalidateQueries({ queryKey: ['members'] });
      onClose();
    } catch (e) {
      setProblems(applyApiErrors(form, e));
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal open title={member ? t('members.edit') : t('members.create')} onCancel={onClose} onOk={() => void save()} confirmLoading={saving}
      okText={t('common.ok')} cancelText={t('common.cancel')} okButtonProps={{ 'data-testid': 'member-ok' } as ButtonProps} data-testid="member-dialog">
      {problems.length > 0 ? <Alert type="error" showIcon title={problems.join('; ')} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onValuesChange={(changed) => clearChangedErrors(form, changed)} initialValues={member ? { name: member.name, email: member.email, admin: member.admin, roleIds: member.roles.map((r) => r.id) } : { admin: false, roleIds: [] }}>
        <Form.Item name="name" label={t('members.name')} required><Input data-testid="member-name" /></Form.Item>
        <Form.Item name="email" label={t('members.email')} required><Input data-testid="member-email" /></Form.Item>
        <Form.Item name="roleIds" label={t('members.roles')} extra={t('members.rolesHelp')}>
          <Select mode="multiple" loading={roles.isPending} options={(roles.data?.items ?? []).map((r) => ({ value: r.id, label: r.name }))} optionFilterProp="label" data-testid="member-roles" />
        </Form.Item>
        <Form.Item name="admin" valuePropName="checked"><Checkbox disabled={member?.builtIn}>{t('members.admin')}</Checkbox></Form.Item>
      </Form>
    </Modal>
  );
}

/** Workspace members: add, edit roles, enable/disable, delete, and their API tokens. */
export function MembersPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const [search, setSearch] = useState('');
  const [editing, setEditing] = useState<Member | null | undefined>(undefined);
  const [tokensOf, setTokensOf] = useState<Member | null>(null);
  const members = useQuery({ queryKey: ['members', 'page', search], queryFn: () => api('get', '/api/v1/members', { query: { pageSize: 200, ...(search ? { search } : {}) } }) });
  const reload = () => client.invalidateQueries({ queryKey: ['members'] });
  const run = async (action: () => Promise<unknown>) => {
    try {
      await action();
      await reload();
    } catch (e) {
      void message.error(errorText(e));
    }
  };
  return (
    <>
      <PageHeader title={t('nav.members')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="create-member">{t('members.create')}</Button>} />
      <Input.Search allowClear placeholder={t('members.search')} onSearch={(v) => setSearch(v.trim())} style={{ width: 260, marginBottom: 16 }} />
      <QueryState query={members}>
        {() => (
          <Table<Member> rowKey="id" dataSource={members.data?.items ?? []} scroll={{ x: 900 }} data-testid="member-table"
            columns={[
              { title: t('members.name'), dataIndex: 'name' },
              { title: t('members.email'), dataIndex: 'email' },
              { title: t('members.roles'), render: (_: unknown, m) => (m.admin ? <Tag color="gold">{t('header.admin')}</Tag> : m.roles.map((r) => <Tag key={r.id}>{r.name}</Tag>)) },
              { title: t('members.groups'), render: (_: unknown, m) => m.groups.map((g) => <Tag key={g.id}>{g.name}</Tag>) },
              {
                title: t('members.enabled'),
                render: (_: unknown, m) => (
                  <Tooltip title={m.builtIn ? t('members.builtIn') : undefined}>
                    <Switch checked={m.enabled} disabled={m.builtIn} onChange={() => void run(() => api('post', m.enabled ? '/api/v1/members/{id}/disable' : '/api/v1/members/{id}/enable', { path: { id: m.id } }))} />
                  </Tooltip>
                ),
              },
              {
                title: t('common.actions'),
                render: (_: unknown, m) => (
                  <Space>
                    <Button size="small" onClick={() => setEditing(m)}>{t('common.edit')}</Button>
                    <Button size="small" onClick={() => setTokensOf(m)}>{t('nav.tokens')}</Button>
                    <Tooltip title={m.builtIn ? t('members.builtIn') : undefined}>
                      <Button size="small" danger disabled={m.builtIn} onClick={() => modal.confirm({
                        title: t('members.deleteTitle', { name: m.name }), content: t('members.deleteText'), okButtonProps: { danger: true }, okText: t('common.delete'), cancelText: t('common.cancel'),
                        onOk: () => run(() => api('delete', '/api/v1/members/{id}', { path: { id: m.id } })),
                      })}>{t('common.delete')}</Button>
                    </Tooltip>
                  </Space>
                ),
              },
            ]} />
        )}
      </QueryState>
      {editing !== undefined ? <MemberDialog member={editing} onClose={() => setEditing(undefined)} /> : null}
      {tokensOf ? <Modal open width={760} title={t('tokens.of', { name: tokensOf.name })} footer={null} onCancel={() => setTokensOf(null)} data-testid="tokens-dialog"><TokensPanel memberId={tokensOf.id} /></Modal> : null}
    </>
  );
}
