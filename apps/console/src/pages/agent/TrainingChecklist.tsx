import { Checkbox, Space } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { api, ok, type Task } from '../../api/client';
import { useAction } from '../../api/useAction';
import { MobileProblem } from './MobileProblem';
import { agentKeys } from './queries';

/**
 * A training task's checklist on the agent's card (375 px): each point ticked once taught (the API
 * keeps the whole set, so a repeated tap changes nothing); the customer's code is asked for after the
 * last one. Ticking is open while the task is scheduled or under way.
 */
export function TrainingChecklist({ task }: { task: Task }) {
  const { t } = useTranslation();
  const tick = useAction(
    (ticked: number[]) =>
      ok(api.PUT('/api/tasks/{id}/checklist', { params: { path: { id: task.id } }, body: { ticked } })),
    { invalidate: [agentKeys.all] },
  );
  if (task.kind !== 'training' || task.checklist.length === 0) return null;
  const editable = task.status === 'scheduled' || task.status === 'in_progress';
  const ticked = task.checklist.flatMap((c, i) => (c.done ? [i] : []));
  return (
    <fieldset style={{ border: 0, margin: '8px 0', padding: 0 }} data-testid="training-checklist">
      <legend style={{ fontWeight: 600 }}>{t('training.checklist')}</legend>
      <div style={{ fontSize: 12, color: '#595959', marginBottom: 4 }}>{t('training.checklistHint')}</div>
      <Space direction="vertical">
        {task.checklist.map((c, i) => (
          <Checkbox
            key={i}
            checked={c.done}
            disabled={!editable || tick.busy}
            onChange={(on) => tick.run(on ? [...ticked, i] : ticked.filter((x) => x !== i))}
          >
            {c.label}
          </Checkbox>
        ))}
      </Space>
      <MobileProblem problem={tick.problem} />
    </fieldset>
  );
}
