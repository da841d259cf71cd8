import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider, Spin } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router';
import { AudiencesPage } from './audiences/AudiencesPage';
import { AuditLogPage } from './audit/AuditLogPage';
import { GroupsPage } from './access/GroupsPage';
import { MembersPage } from './access/MembersPage';
import { MyTokensPage } from './access/MyTokensPage';
import { RolesPage } from './access/RolesPage';
import { SignInPage } from './access/SignInPage';
import { IdTypesPage } from './id-types/IdTypesPage';
import { JourneyEditorPage } from './journeys/JourneyEditorPage';
import { JourneysPage } from './journeys/JourneysPage';
import { ParametersPage } from './parameters/ParametersPage';
import { AuthProvider, useAuth, WEBHOOK_PERMISSION } from './shared/auth';
import { AppLayout } from './shared/Layout';
import { WebhooksPage } from './webhooks/WebhooksPage';
import { TaskDetailsPage } from './tasks/TaskDetailsPage';
import { TaskFormPage } from './tasks/TaskFormPage';
import { TasksPage } from './tasks/TasksPage';

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: 1, refetchOnWindowFocus: false } } });

function Home() {
  const { me } = useAuth();
  const mayUseWebhooks = me?.admin || (me?.permissions ?? []).includes(WEBHOOK_PERMISSION);
  return <Navigate to={mayUseWebhooks ? '/webhooks' : '/access/tokens'} replace />;
}

function AdminOnly({ children }: { children: React.ReactNode }) {
  const { me } = useAuth();
  return me?.admin ? <>{children}</> : <Navigate to="/" replace />;
}

/** Screens for members who may use webhooks (tasks need a webhook to send through). */
function WebhookUsers({ children }: { children: React.ReactNode }) {
  const { me } = useAuth();
  return me?.admin || (me?.permissions ?? []).includes(WEBHOOK_PERMISSION) ? <>{children}</> : <Navigate to="/" replace />;
}

function Routed() {
  const { token, me, loading } = useAuth();
  if (token === null || (!loading && !me)) return <SignInPage />;
  if (loading) return <Spin data-testid="loading" style={{ display: 'block', marginTop: 120 }} />;
  return (
    <Routes>
      <Route element={<AppLayout />}>
        <Route index element={<Home />} />
        <Route path="webhooks" element={<WebhooksPage />} />
        <Route path="parameters" element={<AdminOnly><ParametersPage /></AdminOnly>} />
        <Route path="id-types" element={<AdminOnly><IdTypesPage /></AdminOnly>} />
        <Route path="access/members" element={<AdminOnly><MembersPage /></AdminOnly>} />
        <Route path="access/groups" element={<AdminOnly><GroupsPage /></AdminOnly>} />
        <Route path="access/roles" element={<AdminOnly><RolesPage /></AdminOnly>} />
        <Route path="access/tokens" element={<MyTokensPage />} />
        <Route path="audit" element={<AdminOnly><AuditLogPage /></AdminOnly>} />
        <Route path="audiences" element={<AudiencesPage />} />
        <Route path="tasks" element={<WebhookUsers><TasksPage /></WebhookUsers>} />
        <Route path="tasks/new" element={<WebhookUsers><TaskFormPage /></WebhookUsers>} />
        <Route path="tasks/:id" element={<WebhookUsers><TaskDetailsPage /></WebhookUsers>} />
        <Route path="tasks/:id/edit" element={<WebhookUsers><TaskFormPage /></WebhookUsers>} />
        <Route path="journeys" element={<WebhookUsers><JourneysPage /></WebhookUsers>} />
        <Route path="journeys/:id" element={<WebhookUsers><JourneyEditorPage /></WebhookUsers>} />
        <Route path="*" element={<Navigate to="/" replace />} />
      </Route>
    </Routes>
  );
}

/** The console: providers (data, language, antd locale), sign-in gate and routes. */
export function App() {
  const { i18n } = useTranslation();
  const zh = i18n.language === 'zh';
  dayjs.locale(zh ? 'zh-cn' : 'en');
  return (
    <ConfigProvider locale={zh ? zhCN : enUS}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <AuthProvider>
            <BrowserRouter>
              <Routed />
            </BrowserRouter>
          </AuthProvider>
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
