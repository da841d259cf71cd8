import { useQueryClient } from '@tanstack/react-query';
import { App, Button, Space, Tooltip } from 'antd';
import type { ButtonProps } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../shared/api';
import { errorText } from '../shared/QueryState';
import { cancelBlocked, deleteBlocked, editBlocked, type Task } from './task-rules';

/** Edit / Cancel / Delete for one task, disabled with the API's reason when unavailable. */
export function TaskActions({ task, size, afterDelete }: { task: Task; size?: 'small'; afterDelete?: () => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const navigate = useNavigate();
  const client = useQueryClient();
  const edit = editBlocked(task, t);
  const cancel = cancelBlocked(task, t);
  const del = deleteBlocked(task, t);

  const act = (kind: 'cancel' | 'delete') => {
    modal.confirm({
      title: t(kind === 'cancel' ? 'tasks.cancelTitle' : 'tasks.deleteTitle', { name: task.name }),
      content: t(kind === 'cancel' ? 'tasks.cancelText' : 'tasks.deleteText'),
      okText: t(kind === 'cancel' ? 'tasks.cancelTask' : 'common.delete'),
      okButtonProps: { danger: true, 'data-testid': `confirm-${kind}` } as ButtonProps,
      cancelText: t('common.close'),
      onOk: async () => {
        try {
          if (kind === 'cancel') await api('post', '/api/v1/tasks/{id}/cancel', { path: { id: task.id } });
          else await api('delete', '/api/v1/tasks/{id}', { path: { id: task.id }, headers: { 'if-match': `"${task.version}"` } });
          void message.success(t(kind === 'cancel' ? 'tasks.cancelled' : 'common.deletedName', { name: task.name }));
          if (kind === 'delete') afterDelete?.();
        } catch (e) {
          // The rule may have changed since the list was read (the task started): the API says why.
          modal.error({ title: t('tasks.actionFailed'), content: <span data-testid="action-blocked">{errorText(e)}</span> });
        } finally {
          await client.invalidateQueries({ queryKey: ['tasks'] });
          if (kind === 'cancel') await client.invalidateQueries({ queryKey: ['task', task.id] });
        }
      },
    });
  };

  return (
    <Space wrap>
      <Tooltip title={edit}><Button size={size} disabled={edit !== undefined} onClick={() => void navigate(`/tasks/${task.id}/edit`)} data-testid="edit">{t('common.edit')}</Button></Tooltip>
      <Tooltip title={cancel}><Button size={size} disabled={cancel !== undefined} onClick={() => act('cancel')} data-testid="cancel">{t('tasks.cancelTask')}</Button></Tooltip>
      <Tooltip title={del}><Button size={size} danger disabled={del !== undefined} onClick={() => act('delete')} data-testid="delete">{t('common.delete')}</Button></Tooltip>
    </Space>
  );
}
