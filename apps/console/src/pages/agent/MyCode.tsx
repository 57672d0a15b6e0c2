import { useRef } from 'react';
import { Button, Card, Input, Toast } from 'antd-mobile';
import { useQuery } from '@tanstack/react-query';
import { QRCodeSVG } from 'qrcode.react';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { asProblem } from '../../api/problem';
import { shareLink } from '../../lib/desk-search';
import { MobileProblem } from './MobileProblem';
import { agentKeys } from './queries';

/** Copies text; without the Clipboard API (plain-http LAN addresses) selects it and uses execCommand. */
async function copy(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    if (window.isSecureContext && navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    /* fall back below */
  }
  if (!input) return false;
  input.select();
  return document.execCommand('copy');
}

/** "My referral code": the code, a copyable share link and its QR image to show a student. */
export function MyCode({ agentId }: { agentId: string }) {
  const { t } = useTranslation();
  const profile = useQuery({
    queryKey: agentKeys.profile(agentId),
    queryFn: ({ signal }) => ok(api.GET('/api/agents/{id}', { params: { path: { id: agentId } }, signal })),
    staleTime: 5 * 60_000,
  });
  const input = useRef<HTMLDivElement>(null);
  const code = profile.data?.referralCode;
  const link = code ? shareLink(window.location.origin, code) : '';
  return (
    <div style={{ padding: 12 }}>
      <MobileProblem problem={profile.error ? asProblem(profile.error) : null} />
      <Card title={<h2 style={{ fontSize: 18, margin: 0 }}>{t('desks.agent.myCode')}</h2>}>
        <div
          data-testid="referral-code"
          style={{
            fontSize: 36,
            fontWeight: 700,
            letterSpacing: 4,
            fontFamily: 'monospace',
            textAlign: 'center',
          }}
        >
          {code ?? '—'}
        </div>
        <p style={{ color: '#4a4a4a', fontSize: 14 }}>{t('desks.agent.codeHelp')}</p>
        {code && (
          <>
            <div style={{ display: 'flex', justifyContent: 'center', margin: '12px 0' }}>
              <QRCodeSVG
                value={link}
                size={200}
                level="M"
                role="img"
                aria-label={t('desks.agent.qrAlt', { link })}
                data-testid="share-qr"
              />
            </div>
            <label htmlFor="share-link" style={{ display: 'block', marginBottom: 4 }}>
              {t('desks.agent.shareLink')}
            </label>
            <div ref={input}>
              <Input id="share-link" readOnly value={link} data-testid="share-link" />
            </div>
            <Button
              block
              color="primary"
              style={{ marginTop: 12 }}
              onClick={async () => {
                const ok = await copy(link, input.current?.querySelector('input') ?? null);
                Toast.show({ content: ok ? t('desks.agent.copied') : t('desks.agent.copyFailed') });
              }}
            >
              {t('desks.agent.copy')}
            </Button>
          </>
        )}
      </Card>
    </div>
  );
}
