import { useState } from 'react';
import {
  Button,
  Card,
  Col,
  Form,
  type FormInstance,
  Input,
  message,
  Row,
  Select,
  Space,
  Table,
  Tag,
} from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, ok, type Schemas } from '../../api/client';
import type { Session } from '../../auth/session';
import { ProblemAlert } from '../../components/ProblemAlert';
import { useAction } from '../../api/useAction';
import { useNetwork } from './shared';

/** GET /api/lockers/:id (its OpenAPI answer is untyped). */
interface LockerDetail {
  id: string;
  code: string;
  compartments: { id: string; label: string; size: string; state: string }[];
}

/** Inline "rename": a small form per row, Enter saves. */
function Rename({ label, value, onSave }: { label: string; value: string; onSave: (name: string) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState(value);
  return (
    <Space.Compact>
      <Input
        size="small"
        aria-label={`${t('admin.network.rename')} ${label}`}
        value={name}
        onChange={(e) => setName(e.target.value)}
        onPressEnter={() => onSave(name)}
        style={{ width: 180 }}
      />
      <Button size="small" onClick={() => onSave(name)} disabled={name === value}>
        {t('common.save')}
      </Button>
    </Space.Compact>
  );
}

function Lockers() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [lockerId, setLockerId] = useState<string>();
  const lockers = useQuery({
    queryKey: ['lockers'],
    queryFn: ({ signal }) => ok(api.GET('/api/lockers', { signal })),
  });
  const locker = useQuery({
    queryKey: ['locker', lockerId],
    enabled: Boolean(lockerId),
    queryFn: async ({ signal }) =>
      (await ok(
        api.GET('/api/lockers/{id}', { params: { path: { id: lockerId! } }, signal }),
      )) as unknown as LockerDetail,
  });
  const setState = useAction(
    (c: { id: string; state: string }) =>
      ok(
        api.PATCH('/api/lockers/{id}/compartments/{compartmentId}', {
          params: { path: { id: lockerId!, compartmentId: c.id } },
          body: { state: c.state === 'out_of_service' ? 'free' : 'out_of_service' },
        }),
      ),
    {
      onSuccess: () => {
        void qc.invalidateQueries({ queryKey: ['locker', lockerId] });
        void qc.invalidateQueries({ queryKey: ['audit'] });
      },
    },
  );
  return (
    <Card size="small" title={<h2 style={{ fontSize: 16, margin: 0 }}>{t('admin.network.lockers')}</h2>}>
      <ProblemAlert problem={setState.problem} onClose={setState.reset} />
      <Select
        aria-label={t('admin.network.pickLocker')}
        placeholder={t('admin.network.pickLocker')}
        style={{ width: 220, marginBottom: 12 }}
        value={lockerId}
        onChange={setLockerId}
        options={(lockers.data ?? []).map((l) => ({ value: l.id, label: l.code }))}
      />
      {locker.data ? (
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={locker.data.compartments}
          columns={[
            { title: t('admin.network.compartments'), dataIndex: 'label' },
            { title: 'S/M/L', dataIndex: 'size' },
            {
              title: t('admin.network.state'),
              dataIndex: 'state',
              render: (s: string) => (
                <Tag color={s === 'out_of_service' ? '#a8071a' : s === 'free' ? '#237804' : '#0958d9'}>
                  {t(`admin.network.states.${s}`)}
                </Tag>
              ),
            },
            {
              title: t('common.actions'),
              render: (_, c: { id: string; label: string; state: string }) =>
                c.state === 'free' || c.state === 'out_of_service' ? (
                  <Button
                    size="small"
                    onClick={() => setState.run(c)}
                    aria-label={`${c.label} ${c.state === 'free' ? t('admin.network.outOfService') : t('admin.network.backInService')}`}
                  >
                    {c.state === 'free' ? t('admin.network.outOfService') : t('admin.network.backInService')}
                  </Button>
                ) : null,
            },
          ]}
        />
      ) : null}
    </Card>
  );
}

type RenamePath = '/api/regions/{id}' | '/api/campuses/{id}' | '/api/pickup-points/{id}';

/**
 * One level of the network (regions, campuses or pickup points): adding one through its form and
 * renaming one in its row, each busy while it runs; the level's list and the audit log refetched
 * after a change; the problem of the latest failed change shown on the level's card.
 */
function useLevel<V>(
  key: string,
  renamePath: RenamePath,
  form: FormInstance<V>,
  create: (v: V) => Promise<unknown>,
) {
  const { t } = useTranslation();
  const changed = {
    invalidate: [[key], ['audit']],
    onSuccess: () => void message.success(t('admin.network.saved')),
  };
  const add = useAction(create, {
    ...changed,
    form,
    onSuccess: () => {
      form.resetFields();
      changed.onSuccess();
    },
  });
  const rename = useAction(
    ({ id, name }: { id: string; name: string }) =>
      ok(api.PATCH(renamePath, { params: { path: { id } }, body: { name } })),
    changed,
  );
  return {
    add,
    rename,
    problem: add.problem ?? rename.problem,
    reset: () => {
      add.reset();
      rename.reset();
    },
  };
}

export function NetworkTab({ session }: { session: Session }) {
  const { t } = useTranslation();
  const net = useNetwork();
  const admin = session.role === 'admin';
  const [regionForm] = Form.useForm<{ code: string; name: string }>();
  const [campusForm] = Form.useForm<{ code: string; name: string; regionId: string }>();
  const [pointForm] = Form.useForm<{ code: string; name: string; campusId: string; address?: string }>();
  const regions = useLevel('regions', '/api/regions/{id}', regionForm, (v) =>
    ok(api.POST('/api/regions', { body: v })),
  );
  const campuses = useLevel('campuses', '/api/campuses/{id}', campusForm, (v) =>
    ok(api.POST('/api/campuses', { body: v })),
  );
  const points = useLevel('pickup-points', '/api/pickup-points/{id}', pointForm, (v) =>
    ok(api.POST('/api/pickup-points', { body: v })),
  );
  const required = [{ required: true, message: t('validation.required') }];
  const title = (s: string) => <h2 style={{ fontSize: 16, margin: 0 }}>{s}</h2>;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={12}>
        <Card size="small" title={title(t('admin.network.regions'))}>
          <ProblemAlert problem={regions.problem} onClose={regions.reset} />
          {admin ? (
            <Form
              form={regionForm}
              layout="inline"
              style={{ marginBottom: 12 }}
              onFinish={(v) => regions.add.run(v)}
            >
              <Form.Item name="code" label={t('admin.network.code')} rules={required}>
                <Input style={{ width: 90 }} />
              </Form.Item>
              <Form.Item name="name" label={t('admin.network.name')} rules={required}>
                <Input style={{ width: 140 }} />
              </Form.Item>
              <Button htmlType="submit" loading={regions.add.busy}>
                {t('admin.network.add')}
              </Button>
            </Form>
          ) : null}
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={net.regions}
            columns={[
              { title: t('admin.network.code'), dataIndex: 'code' },
              {
                title: t('admin.network.name'),
                render: (_, r: { id: string; name: string; code: string }) =>
                  admin ? (
                    <Rename
                      label={r.code}
                      value={r.name}
                      onSave={(n) => regions.rename.run({ id: r.id, name: n })}
                    />
                  ) : (
                    r.name
                  ),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={title(t('admin.network.campuses'))}>
          <ProblemAlert problem={campuses.problem} onClose={campuses.reset} />
          <Form
            form={campusForm}
            layout="inline"
            style={{ marginBottom: 12 }}
            onFinish={(v) => campuses.add.run(v)}
          >
            <Form.Item name="code" label={t('admin.network.code')} rules={required}>
              <Input style={{ width: 90 }} />
            </Form.Item>
            <Form.Item name="name" label={t('admin.network.name')} rules={required}>
              <Input style={{ width: 140 }} />
            </Form.Item>
            <Form.Item name="regionId" label={t('admin.network.region')}>
              <Select
                style={{ width: 130 }}
                options={net.regions.map((r) => ({ value: r.id, label: r.name }))}
              />
            </Form.Item>
            <Button htmlType="submit" loading={campuses.add.busy}>
              {t('admin.network.add')}
            </Button>
          </Form>
          <Table<Schemas['CampusView']>
            rowKey="id"
            size="small"
            pagination={{ pageSize: 8 }}
            dataSource={net.campuses}
            columns={[
              { title: t('admin.network.code'), dataIndex: 'code' },
              {
                title: t('admin.network.name'),
                render: (_, c: { id: string; name: string; code: string }) => (
                  <Rename
                    label={c.code}
                    value={c.name}
                    onSave={(n) => campuses.rename.run({ id: c.id, name: n })}
                  />
                ),
              },
              {
                title: t('admin.network.region'),
                render: (_, c: { regionId: string }) => net.regionName(c.regionId),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Card size="small" title={title(t('admin.network.points'))}>
          <ProblemAlert problem={points.problem} onClose={points.reset} />
          <Form
            form={pointForm}
            layout="inline"
            style={{ marginBottom: 12 }}
            onFinish={(v) => points.add.run(v)}
          >
            <Form.Item name="code" label={t('admin.network.code')} rules={required}>
              <Input style={{ width: 90 }} />
            </Form.Item>
            <Form.Item name="name" label={t('admin.network.name')} rules={required}>
              <Input style={{ width: 130 }} />
            </Form.Item>
            <Form.Item name="campusId" label={t('admin.network.campus')}>
              <Select
                style={{ width: 130 }}
                options={net.campuses.map((c) => ({ value: c.id, label: c.name }))}
              />
            </Form.Item>
            <Button htmlType="submit" loading={points.add.busy}>
              {t('admin.network.add')}
            </Button>
          </Form>
          <Table<Schemas['PickupPointView']>
            rowKey="id"
            size="small"
            pagination={{ pageSize: 8 }}
            dataSource={net.points.filter((p) => admin || net.campuses.some((c) => c.id === p.campusId))}
            columns={[
              { title: t('admin.network.code'), dataIndex: 'code' },
              {
                title: t('admin.network.name'),
                render: (_, p: { id: string; name: string; code: string }) => (
                  <Rename
                    label={p.code}
                    value={p.name}
                    onSave={(n) => points.rename.run({ id: p.id, name: n })}
                  />
                ),
              },
              {
                title: t('admin.network.campus'),
                render: (_, p: { campusId: string }) => net.campusName(p.campusId),
              },
            ]}
          />
        </Card>
      </Col>
      <Col xs={24} xl={12}>
        <Lockers />
      </Col>
    </Row>
  );
}
