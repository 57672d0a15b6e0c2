import { Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Schemas } from '../../api/client';
import { MUTED } from '../../components/ToneTag';
import { formatTime } from '../../lib/time';

type Entry = Schemas['OrderEventResponse'];

/** An order's timeline: each event (what, who, why) and each text sent about it (to whom, what it said). */
export function OrderTimeline({ entries }: { entries: Entry[] }) {
  const { t } = useTranslation();
  return (
    <Timeline
      data-testid="order-timeline"
      items={entries.map((e) => {
        const text = e.type === 'text';
        const data = e.data as { to?: string; body?: string; status?: string };
        return {
          color: text ? 'gray' : e.type === 'cancel' ? 'red' : 'blue',
          children: (
            <div data-testid={text ? 'timeline-text' : 'timeline-event'}>
              <Typography.Text strong>
                {text
                  ? t('desks.callCentre.text', { to: data.to ?? '' })
                  : t(`desks.callCentre.events.${e.type}`, { defaultValue: e.type })}
              </Typography.Text>{' '}
              <Typography.Text style={{ color: MUTED }}>{formatTime(e.at)}</Typography.Text>
              {!text && e.actor.role && (
                <Tag style={{ marginLeft: 8 }}>
                  {t(`desks.callCentre.roles.${e.actor.role}`, { defaultValue: e.actor.role })}
                </Tag>
              )}
              {e.reason && <div>{e.reason}</div>}
              {text && (
                <div>
                  {data.body}{' '}
                  {data.status && (
                    <Tag>
                      {t(`desks.callCentre.textStatuses.${data.status}`, { defaultValue: data.status })}
                    </Tag>
                  )}
                </div>
              )}
            </div>
          ),
        };
      })}
    />
  );
}
