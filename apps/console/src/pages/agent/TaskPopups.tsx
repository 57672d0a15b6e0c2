import { useState } from 'react';
import { Button, Form, Input, Popup } from 'antd-mobile';
import { useTranslation } from 'react-i18next';
import { api, ok, type Task } from '../../api/client';
import { useAction } from '../../api/useAction';
import { shanghaiToIso } from '../../lib/time';
import { MobileProblem, POPUP_BODY } from './MobileProblem';
import { agentKeys } from './queries';

function Field({
  id,
  label,
  type = 'text',
  value,
  onChange,
  error,
}: {
  id: string;
  label: string;
  type?: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
}) {
  return (
    <Form.Item label={<label htmlFor={id}>{label}</label>} help={error}>
      <Input id={id} type={type} value={value} onChange={onChange} />
    </Form.Item>
  );
}

/** Booking the window the customer agreed (Shanghai wall-clock times); the customer is texted a code. */
export function SchedulePopup({ task, onClose }: { task: Task; onClose: () => void }) {
  const { t } = useTranslation();
  const [v, setV] = useState({ date: '', from: '', to: '' });
  const [missing, setMissing] = useState<string>();
  const schedule = useAction(
    (body: { windowStart: string; windowEnd: string }) =>
      ok(api.POST('/api/tasks/{id}/schedule', { params: { path: { id: task.id } }, body })),
    { invalidate: [agentKeys.all], onSuccess: onClose },
  );
  const submit = () => {
    const windowStart = shanghaiToIso(v.date, v.from);
    const windowEnd = shanghaiToIso(v.date, v.to);
    if (!windowStart || !windowEnd) return setMissing(t('validation.required'));
    setMissing(undefined);
    schedule.run({ windowStart, windowEnd });
  };
  return (
    <Popup visible onMaskClick={onClose} bodyStyle={POPUP_BODY}>
      <h2 style={{ fontSize: 18 }}>{t('agent.schedule')}</h2>
      <MobileProblem problem={schedule.problem} />
      <Form layout="vertical">
        <Field
          id="task-date"
          label={t('agent.windowDate')}
          type="date"
          value={v.date}
          onChange={(date) => setV((s) => ({ ...s, date }))}
          error={(!v.date && missing) || schedule.fieldError('windowStart')}
        />
        <Field
          id="task-from"
          label={t('agent.windowStart')}
          type="time"
          value={v.from}
          onChange={(from) => setV((s) => ({ ...s, from }))}
          error={(!v.from && missing) || schedule.fieldError('windowStart')}
        />
        <Field
          id="task-to"
          label={t('agent.windowEnd')}
          type="time"
          value={v.to}
          onChange={(to) => setV((s) => ({ ...s, to }))}
          error={(!v.to && missing) || schedule.fieldError('windowEnd')}
        />
      </Form>
      <Button block color="primary" loading={schedule.busy} onClick={submit}>
        {t('common.save')}
      </Button>
    </Popup>
  );
}

/** Finishing a task with the code the customer was texted (started first if it was only scheduled). */
export function CompletePopup({ task, onClose }: { task: Task; onClose: () => void }) {
  const { t } = useTranslation();
  const [code, setCode] = useState('');
  const [notes, setNotes] = useState('');
  const complete = useAction(
    async () => {
      if (task.status === 'scheduled')
        await ok(api.POST('/api/tasks/{id}/start', { params: { path: { id: task.id } } }));
      return ok(
        api.POST('/api/tasks/{id}/complete', {
          params: { path: { id: task.id } },
          body: { confirmationCode: code.trim(), ...(notes ? { notes } : {}) },
        }),
      );
    },
    { invalidate: [agentKeys.all], onSuccess: onClose },
  );
  return (
    <Popup visible onMaskClick={onClose} bodyStyle={POPUP_BODY}>
      <h2 style={{ fontSize: 18 }}>{t('agent.complete')}</h2>
      <MobileProblem problem={complete.problem} />
      <Form layout="vertical">
        <Field
          id="task-code"
          label={t('agent.confirmationCode')}
          value={code}
          onChange={setCode}
          error={complete.fieldError('confirmationCode')}
        />
        <Field id="task-notes" label={t('agent.notes')} value={notes} onChange={setNotes} />
      </Form>
      <Button block color="primary" loading={complete.busy} onClick={() => complete.run(undefined)}>
        {t('agent.complete')}
      </Button>
    </Popup>
  );
}
