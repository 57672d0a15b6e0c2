import { Button, message, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../../api/client';
import { asProblem } from '../../api/problem';
import { ProblemAlert } from '../../components/ProblemAlert';

/**
 * The queue dashboard (Bull Board) is a page of its own at /admin/queues. A browser navigation cannot
 * carry the bearer token, so the console first asks the API for a 15-minute board session (an
 * HttpOnly, SameSite=Strict cookie scoped to /admin/queues), then opens the board.
 */
export function QueuesTab() {
  const { t } = useTranslation();
  const open = useMutation({
    mutationFn: () => ok(api.POST('/api/admin/queue-session')),
    onSuccess: () => {
      window.open('/admin/queues', '_blank', 'noopener');
      void message.success(t('admin.queues.opened'));
    },
  });
  return (
    <>
      <Typography.Paragraph>{t('admin.queues.intro')}</Typography.Paragraph>
      <ProblemAlert problem={open.error ? asProblem(open.error) : null} />
      <Button type="primary" onClick={() => open.mutate()} loading={open.isPending} data-testid="open-queues">
        {t('admin.queues.open')}
      </Button>
    </>
  );
}
