import { ApiOutlined, BranchesOutlined, ContactsOutlined, SendOutlined, AuditOutlined, IdcardOutlined, KeyOutlined, LogoutOutlined, SafetyOutlined, SettingOutlined, TeamOutlined, UserOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Select, Space, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useAuth, WEBHOOK_PERMISSION } from './auth';
import { setLanguage, type Language } from './i18n';

interface Entry {
  key: string;
  icon: ReactNode;
  label: string;
  visible: boolean;
}

/** The console's frame: the navigation (only what the member may use), language switch, member and sign-out. */
export function AppLayout() {
  const { t, i18n } = useTranslation();
  const { me, signOut } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const admin = me?.admin === true;
  const mayUseWebhooks = admin || (me?.permissions ?? []).includes(WEBHOOK_PERMISSION);
  const entries: Entry[] = [
    { key: '/webhooks', icon: <ApiOutlined />, label: t('nav.webhooks'), visible: mayUseWebhooks },
    { key: '/audiences', icon: <ContactsOutlined />, label: t('audiences.title'), visible: true },
    { key: '/tasks', icon: <SendOutlined />, label: t('tasks.title'), visible: mayUseWebhooks },
    { key: '/journeys', icon: <BranchesOutlined />, label: t('journeys.title'), visible: mayUseWebhooks },
    { key: '/parameters', icon: <SettingOutlined />, label: t('nav.parameters'), visible: admin },
    { key: '/id-types', icon: <IdcardOutlined />, label: t('nav.idTypes'), visible: admin },
    { key: '/access/members', icon: <UserOutlined />, label: t('nav.members'), visible: admin },
    { key: '/access/groups', icon: <TeamOutlined />, label: t('nav.groups'), visible: admin },
    { key: '/access/roles', icon: <SafetyOutlined />, label: t('nav.roles'), visible: admin },
    { key: '/access/tokens', icon: <KeyOutlined />, label: t('nav.tokens'), visible: true },
    { key: '/audit', icon: <AuditOutlined />, label: t('nav.audit'), visible: admin },
  ];
  const selected = entries.find((e) => location.pathname.startsWith(e.key))?.key ?? '';
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} width={240} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 18 }}>Hookreach</div>
        <Typography.Text type="secondary" style={{ padding: '0 20px', display: 'block', fontSize: 12 }}>{t('nav.section')}</Typography.Text>
        <Menu
          mode="inline"
          data-testid="nav"
          selectedKeys={[selected]}
          items={entries.filter((e) => e.visible).map((e) => ({ key: e.key, icon: e.icon, label: e.label }))}
          onClick={(item) => void navigate(item.key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', gap: 16, paddingInline: 24, borderBottom: '1px solid #f0f0f0' }}>
          <Select
            data-testid="language-switch"
            aria-label={t('header.language')}
            value={i18n.language as Language}
            onChange={(value: Language) => setLanguage(value)}
            options={[{ value: 'en', label: 'English' }, { value: 'zh', label: '简体中文' }]}
            style={{ width: 120 }}
          />
          <Space data-testid="current-member">
            <UserOutlined />
            <span>{me?.name}</span>
            {admin ? <Tag color="gold">{t('header.admin')}</Tag> : (me?.roles ?? []).map((r) => <Tag key={r.id}>{r.name}</Tag>)}
          </Space>
          <Button icon={<LogoutOutlined />} onClick={signOut} data-testid="sign-out">{t('header.signOut')}</Button>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
