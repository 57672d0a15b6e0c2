import { Button, message, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';

/**
 * The queue dashboard (Bull Board) is a page of its own at /admin/queues. A browser navigation cannot
 * carry the bearer token, so the console first asks the API for a 15-minute board session (an
 * HttpOnly, SameSite=Strict cookie scoped to /admin/queues), then opens the board.
 */
export function QueuesTab() {
  const { t } = useTranslation();
  const open = useAction(() => ok(api.POST('/api/admin/queue-session')), {
    onSuccess: () => {
      window.open('/admin/queues', '_blank', 'noopener');
      void message.success(t('admin.queues.opened'));
    },
  });
  return (
    <>
      <Typography.Paragraph>{t('admin.queues.intro')}</Typography.Paragraph>
      <ProblemAlert problem={open.problem} onClose={open.reset} />
      <Button type="primary" onClick={() => open.run()} loading={open.busy} data-testid="open-queues">
        {t('admin.queues.open')}
      </Button>
    </>
  );
}
