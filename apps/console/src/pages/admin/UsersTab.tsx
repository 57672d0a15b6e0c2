import { useState } from 'react';
import { Button, Card, Form, Input, Modal, message, Select, Space, Table, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import type { Session } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { useNetwork } from './shared';

type User = Schemas['UserResponse'];
type NewUser = Schemas['CreateUserDto'];

const ROLES = ['admin', 'regional_manager', 'call_center', 'agent', 'pickup_staff'] as const;

function CreateUser({ session }: { session: Session }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const net = useNetwork();
  const [form] = Form.useForm<NewUser>();
  const role = Form.useWatch('role', form);
  const roles = session.role === 'admin' ? ROLES : (['agent', 'pickup_staff'] as const);
  const create = useAction((v: NewUser) => ok(api.POST('/api/users', { body: v })), {
    form,
    onSuccess: (u) => {
      form.resetFields();
      void message.success(t('admin.users.created', { username: u.username }));
      void qc.invalidateQueries({ queryKey: ['users'] });
      void qc.invalidateQueries({ queryKey: ['audit'] });
    },
  });
  const required = [{ required: true, message: t('validation.required') }];
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.users.create')}</h2>}>
      <ProblemAlert problem={create.problem} onClose={create.reset} />
      <Form<NewUser> form={form} layout="inline" onFinish={(v) => create.run(v)} requiredMark={false}>
        <Form.Item name="username" label={t('admin.users.username')} rules={required}>
          <Input style={{ width: 140 }} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="password"
          label={t('admin.users.password')}
          rules={required}
          extra={t('password.rules')}
        >
          <Input.Password style={{ width: 160 }} autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="role" label={t('admin.users.role')}>
          <Select
            style={{ width: 150 }}
            options={roles.map((r) => ({ value: r, label: t(`admin.users.roles.${r}`) }))}
          />
        </Form.Item>
        {role === 'regional_manager' ? (
          <Form.Item name="regionId" label={t('admin.users.region')}>
            <Select
              style={{ width: 150 }}
              options={net.regions.map((r) => ({ value: r.id, label: r.name }))}
            />
          </Form.Item>
        ) : null}
        {role === 'agent' ? (
          <Form.Item name="campusId" label={t('admin.users.campus')}>
            <Select
              style={{ width: 150 }}
              options={net.campuses.map((c) => ({ value: c.id, label: c.name }))}
            />
          </Form.Item>
        ) : null}
        {role === 'pickup_staff' ? (
          <Form.Item name="pickupPointId" label={t('admin.users.point')}>
            <Select
              style={{ width: 150 }}
              options={net.points.map((p) => ({ value: p.id, label: p.name }))}
            />
          </Form.Item>
        ) : null}
        <Form.Item name="displayName" label={t('admin.users.displayName')}>
          <Input style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="phone" label={t('admin.users.phone')}>
          <Input style={{ width: 140 }} inputMode="tel" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={create.busy}>
          {t('admin.users.create')}
        </Button>
      </Form>
    </Card>
  );
}

export function UsersTab({ session }: { session: Session }) {
  const { t } = useTranslation();
  const net = useNetwork();
  const [q, setQ] = useState('');
  const [reset, setReset] = useState<{ username: string; temporaryPassword: string } | null>(null);
  const users = useQuery({
    queryKey: ['users', q],
    queryFn: ({ signal }) =>
      ok(api.GET('/api/users', { params: { query: { limit: 200, q: q || undefined } }, signal })),
  });
  const changed = { invalidate: [['users'], ['audit']] };
  const toggle = useAction(
    (u: User) =>
      ok(api.PATCH('/api/users/{id}', { params: { path: { id: u.id } }, body: { active: !u.active } })),
    changed,
  );
  const resetPassword = useAction(
    async (u: User) => ({
      username: u.username,
      ...(await ok(api.POST('/api/users/{id}/password-reset', { params: { path: { id: u.id } } }))),
    }),
    { ...changed, onSuccess: (r) => setReset(r) },
  );
  // The latest failed change on the list (a toggle or a password reset), until the next one.
  const problem = toggle.problem ?? resetPassword.problem;
  const clearProblem = () => {
    toggle.reset();
    resetPassword.reset();
  };
  return (
    <>
      <CreateUser session={session} />
      <ProblemAlert problem={problem} onClose={clearProblem} />
      <Space style={{ margin: '16px 0' }}>
        <Input.Search
          aria-label={t('admin.users.username')}
          placeholder={t('admin.users.username')}
          allowClear
          onSearch={setQ}
          style={{ width: 240 }}
        />
      </Space>
      <Table<User>
        rowKey="id"
        size="small"
        loading={users.isLoading}
        dataSource={users.data?.items ?? []}
        pagination={{ pageSize: 15 }}
        columns={[
          {
            title: t('admin.users.username'),
            dataIndex: 'username',
            render: (u: string) => <strong>{u}</strong>,
          },
          { title: t('admin.users.displayName'), dataIndex: 'displayName' },
          {
            title: t('admin.users.role'),
            dataIndex: 'role',
            render: (r: string) => t(`admin.users.roles.${r}`),
          },
          {
            title: t('admin.users.region'),
            render: (_, u) =>
              u.pickupPointId
                ? net.pointName(u.pickupPointId)
                : u.campusId
                  ? net.campusName(u.campusId)
                  : net.regionName(u.regionId),
          },
          {
            title: t('admin.users.active'),
            render: (_, u) => (
              <Space>
                <Tag color={u.active ? '#237804' : '#a8071a'}>
                  {u.active ? t('admin.users.on') : t('admin.users.off')}
                </Tag>
                {u.mustChangePassword ? <Tag color="#ad4e00">{t('admin.users.mustChange')}</Tag> : null}
              </Space>
            ),
          },
          {
            title: t('common.actions'),
            render: (_, u) => (
              <Space>
                <Button size="small" danger={u.active} onClick={() => toggle.run(u)}>
                  {u.active ? t('admin.users.switchOff') : t('admin.users.switchOn')}
                </Button>
                <Button
                  size="small"
                  onClick={() => resetPassword.run(u)}
                  aria-label={`${t('admin.users.reset')} ${u.username}`}
                >
                  {t('admin.users.reset')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={Boolean(reset)}
        title={reset ? t('admin.users.resetDone', { username: reset.username }) : ''}
        onOk={() => setReset(null)}
        onCancel={() => setReset(null)}
        cancelButtonProps={{ style: { display: 'none' } }}
      >
        <Typography.Paragraph>{t('admin.users.resetHint')}</Typography.Paragraph>
        <Typography.Text code copyable data-testid="temporary-password" style={{ fontSize: 18 }}>
          {reset?.temporaryPassword}
        </Typography.Text>
      </Modal>
    </>
  );
}
