import { Alert, Button, Card, Form, Input, Select, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth';
import { setLanguage, type Language } from '../shared/i18n';
import { errorText } from '../shared/QueryState';

/** Sign-in with an API token (the built-in administrator's is printed at first start). */
export function SignInPage() {
  const { t, i18n } = useTranslation();
  const { signIn, error: sessionError, token } = useAuth();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async ({ token: candidate }: { token: string }) => {
    setBusy(true);
    setError(null);
    try {
      await signIn(candidate.trim());
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ display: 'flex', justifyContent: 'center', alignItems: 'center', minHeight: '100vh', background: '#f5f5f5', padding: 16 }}>
      <Card style={{ width: 420, maxWidth: '100%' }} title={<span>Hookreach — {t('signIn.title')}</span>}
        extra={<Select size="small" data-testid="language-switch" value={i18n.language as Language} onChange={(v: Language) => setLanguage(v)} options={[{ value: 'en', label: 'English' }, { value: 'zh', label: '简体中文' }]} />}>
        <Typography.Paragraph type="secondary">{t('signIn.help')}</Typography.Paragraph>
        {token !== null && sessionError ? <Alert type="warning" showIcon title={t('signIn.expired')} style={{ marginBottom: 16 }} /> : null}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="token" label={t('signIn.token')} rules={[{ required: true, message: t('signIn.tokenRequired') }]}>
            <Input.Password data-testid="token-input" autoComplete="off" placeholder="hrk_..." />
          </Form.Item>
          {error ? <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="sign-in-error" /> : null}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in">{t('signIn.submit')}</Button>
        </Form>
      </Card>
    </div>
  );
}
