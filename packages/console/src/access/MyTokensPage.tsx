import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../shared/auth';
import { PageHeader } from '../shared/PageHeader';
import { TokensPanel } from './TokensPanel';

/** The signed-in member's own API tokens. */
export function MyTokensPage() {
  const { t } = useTranslation();
  const { me } = useAuth();
  return (
    <>
      <PageHeader title={t('nav.tokens')} />
      <Typography.Paragraph type="secondary">{t('tokens.help')}</Typography.Paragraph>
      {me ? <TokensPanel memberId={me.id} /> : null}
    </>
  );
}
