import { useState } from 'react';
import { Button, Card, ErrorBlock, Space, Tag } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import type { Task } from '../../api/client';
import { asProblem } from '../../api/problem';
import { formatTime } from '../../lib/time';
import { MobileProblem } from './MobileProblem';
import { useWork } from './queries';
import { CompletePopup, SchedulePopup } from './TaskPopups';
import { TrainingChecklist } from './TrainingChecklist';

/** The agent's unfinished install and repair tasks: agree a window, complete with the customer's code. */
export function Tasks({ newSince }: { newSince: string | null }) {
  const { t } = useTranslation();
  const work = useWork();
  const [scheduling, setScheduling] = useState<Task | null>(null);
  const [completing, setCompleting] = useState<Task | null>(null);
  const tasks = work.data?.tasks ?? [];
  return (
    <div style={{ padding: 12 }}>
      <MobileProblem problem={work.error ? asProblem(work.error) : null} />
      {!work.isPending && tasks.length === 0 && (
        <ErrorBlock status="empty" title={t('agent.nothing')} description="" />
      )}
      {tasks.map(({ task, nextActions }) => (
        <Card
          key={task.id}
          title={
            <span>
              {`${t(`task.kinds.${task.kind}`)} ${task.orderNumber ?? ''}`}
              {newSince && task.assignedAt && new Date(task.assignedAt) > new Date(newSince) && (
                <Tag color="#a8071a" fill="outline" style={{ marginLeft: 8 }}>
                  {t('desks.agent.newTag')}
                </Tag>
              )}
            </span>
          }
          extra={
            <Tag color="#0b4fb3" fill="outline">
              {t(`task.statuses.${task.status}`)}
            </Tag>
          }
          style={{ marginBottom: 12 }}
        >
          <div>
            {task.customer.name ?? ''} {task.customer.phone}
          </div>
          <div>{task.address}</div>
          {task.description && <div>{task.description}</div>}
          <div>{task.items.map((i) => `${i.name} ×${i.quantity}`).join(', ')}</div>
          {task.windowStart && (
            <div>
              {t('agent.window', { from: formatTime(task.windowStart), to: formatTime(task.windowEnd) })}
            </div>
          )}
          {task.dueAt && (
            <div style={{ color: task.overdue ? '#a8071a' : undefined }}>
              {t('agent.due', { at: formatTime(task.dueAt) })}
            </div>
          )}
          <TrainingChecklist task={task} />
          <Space style={{ marginTop: 8 }}>
            {nextActions.includes('schedule') && (
              <Button onClick={() => setScheduling(task)}>{t('agent.schedule')}</Button>
            )}
            {(nextActions.includes('complete') || nextActions.includes('start')) && (
              <Button color="success" onClick={() => setCompleting(task)}>
                {t('agent.complete')}
              </Button>
            )}
          </Space>
        </Card>
      ))}
      {scheduling && <SchedulePopup task={scheduling} onClose={() => setScheduling(null)} />}
      {completing && <CompletePopup task={completing} onClose={() => setCompleting(null)} />}
    </div>
  );
}
