import { useState } from 'react';
import {
  Button,
  Drawer,
  Form,
  Input,
  InputNumber,
  message,
  Modal,
  Segmented,
  Select,
  Table,
  Tag,
  Typography,
} from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok } from '../api/client';
import { asProblem } from '../api/problem';
import type { components } from '../api/schema';
import { formatCents } from '../lib/money';
import { formatTime } from '../lib/time';
import { ProblemAlert } from './ProblemAlert';
import { MUTED } from './ToneTag';
import { useAction } from '../api/useAction';

type Ticket = components['schemas']['TicketResponse'];
type Outcome = components['schemas']['ResolveTicketDto']['outcome'];
const OUTCOMES: Outcome[] = ['answered', 'repair_arranged', 'compensated', 'no_fault'];
const KINDS = ['complaint', 'enquiry', 'repair'] as const;
type Filter = 'overdue' | 'open' | 'all';

export const ticketKeys = {
  all: ['tickets'] as const,
  list: (filter: string, orderId?: string) => ['tickets', 'list', filter, orderId ?? ''] as const,
  one: (id: string) => ['tickets', 'one', id] as const,
};

function TicketState({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation();
  if (ticket.status === 'resolved') return <Tag>{t('deskTickets.statuses.resolved')}</Tag>;
  if (ticket.overdue) return <Tag color="red">{t('deskTickets.overdue')}</Tag>;
  return (
    <Tag color={ticket.firstReplyAt ? 'blue' : 'gold'}>
      {t(ticket.firstReplyAt ? 'deskTickets.answered' : 'deskTickets.awaiting')}
    </Tag>
  );
}

/**
 * After-sales tickets on a desk: a list (overdue first for managers), and a drawer with the
 * conversation, a reply box (texted to the customer; Ctrl+Enter sends) and the resolution (money back
 * only for managers and admins). Keyboard-first: every row opens with its ticket's button.
 */
export function TicketsPanel({
  defaultFilter = 'open',
  orderId,
  canCompensate,
}: {
  defaultFilter?: Filter;
  orderId?: string;
  canCompensate: boolean;
}) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>(orderId ? 'all' : defaultFilter);
  const [openId, setOpenId] = useState<string | null>(null);
  const tickets = useQuery({
    queryKey: ticketKeys.list(filter, orderId),
    queryFn: ({ signal }) =>
      ok(
        api.GET('/api/tickets', {
          params: {
            query: {
              limit: 100,
              ...(orderId ? { orderId } : {}),
              ...(filter === 'overdue'
                ? { overdue: true }
                : filter === 'open'
                  ? { status: 'open' as const }
                  : {}),
            },
          },
          signal,
        }),
      ),
    refetchInterval: 30_000,
  });
  return (
    <div data-testid="tickets-panel">
      {!orderId && (
        <Segmented<Filter>
          style={{ marginBottom: 12 }}
          value={filter}
          onChange={setFilter}
          options={(['overdue', 'open', 'all'] as const).map((f) => ({
            value: f,
            label: t(`deskTickets.filters.${f}`),
          }))}
        />
      )}
      <ProblemAlert problem={tickets.error ? asProblem(tickets.error) : null} />
      <Table<Ticket>
        rowKey="id"
        size="small"
        pagination={false}
        loading={tickets.isFetching && !tickets.data}
        dataSource={tickets.data?.items ?? []}
        locale={{ emptyText: t('deskTickets.none') }}
        columns={[
          {
            title: t('deskTickets.ref'),
            render: (_, x) => (
              <Button size="small" onClick={() => setOpenId(x.id)} data-testid={`open-ticket-${x.ref}`}>
                {x.ref}
              </Button>
            ),
          },
          { title: t('deskTickets.kind'), render: (_, x) => t(`deskTickets.kinds.${x.kind}`) },
          ...(orderId
            ? []
            : [{ title: t('deskTickets.order'), render: (_: unknown, x: Ticket) => x.orderNumber ?? '—' }]),
          { title: t('deskTickets.customer'), render: (_, x) => x.customer.phone },
          { title: t('deskTickets.opened'), render: (_, x) => formatTime(x.createdAt) },
          { title: t('deskTickets.due'), render: (_, x) => (x.firstReplyAt ? '—' : formatTime(x.dueAt)) },
          { title: t('deskTickets.status'), render: (_, x) => <TicketState ticket={x} /> },
        ]}
      />
      <TicketDrawer id={openId} onClose={() => setOpenId(null)} canCompensate={canCompensate} />
    </div>
  );
}

function TicketDrawer({
  id,
  onClose,
  canCompensate,
}: {
  id: string | null;
  onClose: () => void;
  canCompensate: boolean;
}) {
  const { t } = useTranslation();
  const ticket = useQuery({
    queryKey: ticketKeys.one(id ?? ''),
    queryFn: ({ signal }) => ok(api.GET('/api/tickets/{id}', { params: { path: { id: id! } }, signal })),
    enabled: Boolean(id),
  });
  const x = ticket.data;
  const [replyForm] = Form.useForm<{ body: string }>();
  const [resolveForm] = Form.useForm<{ outcome: Outcome; note?: string; compensationYuan?: number }>();
  const outcome = Form.useWatch('outcome', resolveForm);
  const reply = useAction(
    (body: string) =>
      ok(api.POST('/api/tickets/{id}/reply', { params: { path: { id: id! } }, body: { body } })),
    {
      invalidate: [ticketKeys.all],
      onSuccess: (r) => {
        replyForm.resetFields();
        void message.success(t('deskTickets.replied', { phone: r.customer.phone }));
      },
    },
  );
  const resolve = useAction(
    (body: components['schemas']['ResolveTicketDto']) =>
      ok(api.POST('/api/tickets/{id}/resolve', { params: { path: { id: id! } }, body })),
    { invalidate: [ticketKeys.all], onSuccess: () => void message.success(t('deskTickets.resolved')) },
  );
  const help = (a: typeof reply | typeof resolve, field: string) =>
    a.fieldError(field) ? { help: a.fieldError(field), validateStatus: 'error' as const } : {};
  return (
    <Drawer
      open={Boolean(id)}
      onClose={onClose}
      width={560}
      title={x ? t('deskTickets.drawerTitle', { ref: x.ref }) : t('common.loading')}
      extra={x && <TicketState ticket={x} />}
      destroyOnClose
    >
      <ProblemAlert
        problem={reply.problem ?? resolve.problem ?? (ticket.error ? asProblem(ticket.error) : null)}
      />
      {x && (
        <>
          <Typography.Paragraph>
            {t(`deskTickets.kinds.${x.kind}`)} · {x.customer.phone}
            {x.orderNumber ? ` · ${t('deskTickets.order')} ${x.orderNumber}` : ''}
          </Typography.Paragraph>
          <ol
            style={{ listStyle: 'none', padding: 0 }}
            aria-label={t('deskTickets.drawerTitle', { ref: x.ref })}
          >
            {x.messages.map((m) => (
              <li
                key={m.id}
                data-author={m.author}
                style={{
                  padding: '6px 10px',
                  marginBottom: 8,
                  borderRadius: 6,
                  background: m.author === 'staff' ? '#e6f4ff' : '#f5f5f5',
                }}
              >
                <div style={{ color: MUTED, fontSize: 12 }}>
                  {t(`deskTickets.from.${m.author}`)} · {formatTime(m.createdAt)}
                </div>
                <div>{m.body}</div>
              </li>
            ))}
          </ol>
          {x.outcome && (
            <Typography.Paragraph strong>
              {t(`deskTickets.outcomes.${x.outcome}`)}
              {x.resolutionNote ? `: ${x.resolutionNote}` : ''}
              {x.compensationCents ? ` · ${formatCents(x.compensationCents)}` : ''}
            </Typography.Paragraph>
          )}
          {x.status === 'open' && (
            <>
              <Form form={replyForm} layout="vertical" onFinish={({ body }) => reply.run(body.trim())}>
                <Form.Item
                  name="body"
                  label={t('deskTickets.reply')}
                  extra={<span style={{ color: MUTED }}>{t('deskTickets.replyHint')}</span>}
                  rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
                  {...help(reply, 'body')}
                >
                  <Input.TextArea
                    autoFocus
                    rows={3}
                    maxLength={1000}
                    onKeyDown={(e) => {
                      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) replyForm.submit();
                    }}
                  />
                </Form.Item>
                <Button type="primary" htmlType="submit" loading={reply.busy}>
                  {t('deskTickets.replySend')}
                </Button>
              </Form>
              <Typography.Title level={3} style={{ fontSize: 16, marginTop: 24 }}>
                {t('deskTickets.resolve')}
              </Typography.Title>
              <Form
                form={resolveForm}
                layout="vertical"
                initialValues={{ outcome: 'answered' }}
                onFinish={(v) =>
                  resolve.run({
                    outcome: v.outcome,
                    ...(v.note?.trim() ? { note: v.note.trim() } : {}),
                    ...(v.outcome === 'compensated' && v.compensationYuan !== undefined
                      ? { compensationCents: Math.round(v.compensationYuan * 100) }
                      : {}),
                  })
                }
              >
                <Form.Item name="outcome" label={t('deskTickets.outcome')} {...help(resolve, 'outcome')}>
                  <Select
                    options={OUTCOMES.filter((o) => canCompensate || o !== 'compensated').map((o) => ({
                      value: o,
                      label: t(`deskTickets.outcomes.${o}`),
                    }))}
                  />
                </Form.Item>
                {outcome === 'compensated' && (
                  <Form.Item
                    name="compensationYuan"
                    label={t('deskTickets.compensation')}
                    rules={[{ required: true, message: t('validation.required') }]}
                    {...help(resolve, 'compensationCents')}
                  >
                    <InputNumber min={0.01} step={1} precision={2} style={{ width: 200 }} />
                  </Form.Item>
                )}
                {!canCompensate && (
                  <Typography.Paragraph style={{ color: MUTED }}>
                    {t('deskTickets.compensationOnlyManagers')}
                  </Typography.Paragraph>
                )}
                <Form.Item name="note" label={t('deskTickets.note')} {...help(resolve, 'note')}>
                  <Input maxLength={500} />
                </Form.Item>
                <Button htmlType="submit" loading={resolve.busy}>
                  {t('deskTickets.resolve')}
                </Button>
              </Form>
            </>
          )}
        </>
      )}
    </Drawer>
  );
}

/** The call centre keys a ticket about the order it has open (the customer's call). */
export function OpenTicket({ orderId }: { orderId: string }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ kind: (typeof KINDS)[number]; body: string }>();
  const create = useAction(
    (body: { kind: (typeof KINDS)[number]; body: string }) =>
      ok(api.POST('/api/tickets', { body: { orderId, ...body } })),
    {
      invalidate: [ticketKeys.all],
      onSuccess: (x) => {
        setOpen(false);
        form.resetFields();
        void message.success(t('deskTickets.opened_', { ref: x.ref }));
      },
    },
  );
  const help = (field: string) =>
    create.fieldError(field) ? { help: create.fieldError(field), validateStatus: 'error' as const } : {};
  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="open-ticket">
        {t('deskTickets.newTicket')}
      </Button>
      <Modal
        open={open}
        title={t('deskTickets.newTicket')}
        okText={t('deskTickets.newTicket')}
        okButtonProps={{ loading: create.busy }}
        cancelText={t('common.cancel')}
        onOk={() => form.submit()}
        onCancel={() => setOpen(false)}
        destroyOnClose
      >
        <ProblemAlert problem={create.problem} />
        <Form
          form={form}
          layout="vertical"
          initialValues={{ kind: 'complaint' }}
          onFinish={(v) => create.run({ kind: v.kind, body: v.body.trim() })}
        >
          <Form.Item name="kind" label={t('deskTickets.kind')} {...help('kind')}>
            <Select options={KINDS.map((k) => ({ value: k, label: t(`deskTickets.kinds.${k}`) }))} />
          </Form.Item>
          <Form.Item
            name="body"
            label={t('deskTickets.body')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
            {...help('body')}
          >
            <Input.TextArea autoFocus rows={3} maxLength={2000} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
