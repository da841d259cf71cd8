import { PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Alert, App, Button, Checkbox, Form, Input, Modal, Space, Table, Tag } from 'antd';
import type { ButtonProps } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type Schemas } from '../shared/api';
import { applyApiErrors, clearChangedErrors } from '../shared/form-errors';
import { PageHeader } from '../shared/PageHeader';
import { errorText, QueryState } from '../shared/QueryState';

type Role = Schemas['Role'];

function usePermissions() {
  return useQuery({ queryKey: ['permissions'], queryFn: () => api('get', '/api/v1/permissions') });
}

function RoleDialog({ role, onClose }: { role: Role | null; onClose: () => void }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [form] = Form.useForm<Schemas['RoleInput']>();
  const [problems, setProblems] = useState<string[]>([]);
  const permissions = usePermissions();
  const save = async () => {
    const v = form.getFieldsValue(true) as Partial<Schemas['RoleInput']>;
    const body = { name: v.name ?? '', permissions: v.permissions ?? [] };
    try {
      if (role) await api('put', '/api/v1/roles/{id}', { path: { id: role.id }, body });
      else await api('post', '/api/v1/roles', { body });
      await client.invalidateQueries({ queryKey: ['roles'] });
      onClose();
    } catch (e) {
      setProblems(applyApiErrors(form, e));
    }
  };
  return (
    <Modal open title={role ? t('roles.edit') : t('roles.create')} onCancel={onClose} onOk={() => void save()} okText={t('common.ok')} cancelText={t('common.cancel')} okButtonProps={{ 'data-testid': 'role-ok' } as ButtonProps}>
      {problems.length > 0 ? <Alert type="error" showIcon title={problems.join('; ')} style={{ marginBottom: 16 }} /> : null}
      <Form form={form} layout="vertical" onValuesChange={(changed) => clearChangedErrors(form, changed)} initialValues={role ? { name: role.name, permissions: role.permissions } : { permissions: [] }}>
        <Form.Item name="name" label={t('roles.name')} required><Input data-testid="role-name" /></Form.Item>
        <Form.Item name="permissions" label={t('roles.permissions')}>
          <Checkbox.Group options={(permissions.data?.items ?? []).map((p) => ({ value: p.name, label: t(`permissions.${p.name}`, { defaultValue: p.displayName }) }))} data-testid="role-permissions" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Roles: the permissions members hold (the webhook permission: "User Marketing-Reach Marketing-Webhook"). */
export function RolesPage() {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const client = useQueryClient();
  const [editing, setEditing] = useState<Role | null | undefined>(undefined);
  const roles = useQuery({ queryKey: ['roles', 'page'], queryFn: () => api('get', '/api/v1/roles', { query: { pageSize: 200 } }) });
  const remove = (r: Role) => modal.confirm({
    title: t('roles.deleteTitle', { name: r.name }), content: t('roles.deleteText'), okButtonProps: { danger: true }, okText: t('common.delete'), cancelText: t('common.cancel'),
    onOk: async () => {
      try {
        await api('delete', '/api/v1/roles/{id}', { path: { id: r.id } });
        await client.invalidateQueries({ queryKey: ['roles'] });
      } catch (e) {
        void message.error(errorText(e));
      }
    },
  });
  return (
    <>
      <PageHeader title={t('nav.roles')} extra={<Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="create-role">{t('roles.create')}</Button>} />
      <QueryState query={roles}>
        {() => (
          <Table<Role> rowKey="id" dataSource={roles.data?.items ?? []} locale={{ emptyText: t('roles.empty') }} data-testid="role-table"
            columns={[
              { title: t('roles.name'), dataIndex: 'name' },
              { title: t('roles.permissions'), render: (_: unknown, r) => r.permissions.map((p) => <Tag key={p}>{t(`permissions.${p}`, { defaultValue: p })}</Tag>) },
              { title: t('roles.memberCount'), dataIndex: 'memberCount' },
              { title: t('common.actions'), render: (_: unknown, r) => <Space><Button size="small" onClick={() => setEditing(r)}>{t('common.edit')}</Button><Button size="small" danger onClick={() => remove(r)}>{t('common.delete')}</Button></Space> },
            ]} />
        )}
      </QueryState>
      {editing !== undefined ? <RoleDialog role={editing} onClose={() => setEditing(undefined)} /> : null}
    </>
  );
}
